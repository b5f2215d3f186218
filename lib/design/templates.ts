import type { Design } from "./schema";

/** Starting points for the designer and `npm run cli -- init --template <name>`. */

const todos: Design = {
  version: 1,
  name: "todos",
  target: "neon",
  auth: { provider: "clerk" },
  tables: [
    {
      name: "todos",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "task", type: "text", notNull: true },
        { name: "is_complete", type: "boolean", notNull: true, default: "false" },
        { name: "inserted_at", type: "timestamptz", notNull: true, default: "now()" },
      ],
      firewall: { owner: { column: "user_id" } },
      access: { select: {}, insert: {}, update: {}, delete: {} },
    },
  ],
};

const saas: Design = {
  version: 1,
  name: "acme",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "admin", "member", "viewer"],
  tables: [
    {
      name: "projects",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "name", type: "text", notNull: true },
        { name: "created_at", type: "timestamptz", notNull: true, default: "now()" },
      ],
      firewall: { organization: { column: "organization_id" } },
      access: {
        select: { roles: ["owner", "admin", "member", "viewer"] },
        insert: { roles: ["owner", "admin"] },
        update: { roles: ["owner", "admin"] },
        delete: { roles: ["owner"] },
      },
    },
    {
      name: "documents",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "project_id", type: "uuid", references: { table: "projects", column: "id", onDelete: "cascade" } },
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
        update: {
          roles: ["owner", "admin", "member"],
          where: [{ column: "status", op: "eq", value: "draft" }],
          check: [{ column: "status", op: "in", value: ["draft", "review"] }],
        },
        delete: { roles: ["owner", "admin"] },
      },
    },
  ],
};

const blog: Design = {
  version: 1,
  name: "blog",
  target: "neon",
  auth: { provider: "clerk" },
  tables: [
    {
      name: "posts",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "author_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "body", type: "text", notNull: true, default: "''" },
        { name: "published", type: "boolean", notNull: true, default: "false" },
        { name: "published_at", type: "timestamptz" },
      ],
      firewall: { owner: { column: "author_id" } },
      access: { select: {}, insert: {}, update: {}, delete: {} },
      anonymous: { select: { where: [{ column: "published", op: "eq", value: true }] } },
    },
  ],
};

export const TEMPLATES = { todos, saas, blog } as const satisfies Record<string, Design>;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export const TEMPLATE_DESCRIPTIONS: Record<TemplateName, string> = {
  todos: "Single-user todos: each user sees and changes only their own rows.",
  saas: "Organizations with owner, admin, member and viewer roles; projects and documents, optional ownership, a where on update.",
  blog: "Authors write their own posts; signed-out visitors read published ones.",
};

/** A fresh copy, so that callers may edit it. */
export function template(name: TemplateName): Design {
  return structuredClone(TEMPLATES[name]);
}
