import type { Design } from "../../lib/design";

/**
 * One design holding a table per generated policy shape, compiled by the real compiler so the
 * bench measures exactly the SQL users download. The tables mirror the templates' shapes
 * (`todos`: owner required; saas `projects`: organization + role; saas `documents`:
 * organization + optional owner with bypass roles) with just enough columns to fill rows;
 * they are spelled out here rather than taken from TEMPLATES so that editing a template
 * cannot silently change what this benchmark measures. `tasks` (tenancy through its project) and
 * `files` (rows shared with a user through `file_shares`) are spec section 4's parent and sharing
 * shapes.
 */
export const BENCH_DESIGN: Design = {
  version: 1,
  name: "rlsd_bench",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "admin", "member", "viewer"],
  tables: [
    {
      name: "todos",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "task", type: "text", notNull: true },
        { name: "is_complete", type: "boolean", notNull: true, default: "false" },
      ],
      firewall: { owner: { column: "user_id" } },
      access: { select: {}, insert: {}, update: {}, delete: {} },
    },
    {
      name: "projects",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "name", type: "text", notNull: true },
      ],
      firewall: { organization: { column: "organization_id" } },
      access: {
        select: { roles: ["owner", "admin", "member", "viewer"] },
        insert: { roles: ["owner", "admin"] },
      },
    },
    {
      name: "documents",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "status", type: "text", notNull: true, default: "'draft'" },
      ],
      firewall: {
        organization: { column: "organization_id" },
        owner: { column: "user_id", mode: "optional", bypassRoles: ["owner", "admin"] },
      },
      access: {
        select: { roles: ["owner", "admin", "member", "viewer"] },
        insert: { roles: ["owner", "admin", "member"] },
      },
    },
    {
      name: "tasks",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "project_id", type: "uuid", notNull: true, references: { table: "projects", column: "id", onDelete: "cascade" } },
        { name: "title", type: "text", notNull: true },
      ],
      firewall: { parent: { column: "project_id" } },
      access: { select: {} },
    },
    {
      name: "files",
      columns: [
        { name: "id", type: "integer", primaryKey: true },
        { name: "organization_id", type: "text", notNull: true },
        { name: "title", type: "text", notNull: true },
      ],
      firewall: { organization: { column: "organization_id" } },
      access: {
        select: [{ roles: ["owner", "admin"] }, { sharedVia: { table: "file_shares", row: "file_id", user: "user_id" } }],
      },
    },
    {
      name: "file_shares",
      columns: [
        { name: "file_id", type: "integer", primaryKey: true, references: { table: "files", column: "id", onDelete: "cascade" } },
        { name: "user_id", type: "text", primaryKey: true },
      ],
      firewall: { parent: { column: "file_id" } },
      access: { select: { where: [{ column: "user_id", op: "eq", value: "$user" }] } },
    },
  ],
};
