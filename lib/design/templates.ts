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

const id = { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" } as const;
const me = (column: string) => ({ column, op: "eq" as const, value: "$user" });

/** Spec §4: tenancy through parents (tasks of projects, comments of tasks) and rules per role. */
const tracker: Design = {
  version: 1,
  name: "tracker",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "admin", "member", "viewer"],
  tables: [
    {
      name: "projects",
      columns: [
        { ...id },
        { name: "organization_id", type: "text", notNull: true },
        { name: "name", type: "text", notNull: true },
        { name: "closed", type: "boolean", notNull: true, default: "false" },
      ],
      firewall: { organization: { column: "organization_id" } },
      access: {
        select: {},
        insert: { roles: ["owner", "admin"] },
        update: [{ roles: ["owner", "admin"] }, { roles: ["member"], where: [{ column: "closed", op: "eq", value: false }], columns: ["name"] }],
        delete: { roles: ["owner"] },
      },
    },
    {
      name: "tasks",
      columns: [
        { ...id },
        { name: "project_id", type: "uuid", notNull: true, references: { table: "projects", column: "id", onDelete: "cascade" } },
        { name: "title", type: "text", notNull: true },
        { name: "status", type: "text", notNull: true, default: "'todo'" },
        { name: "assignee_id", type: "text" },
      ],
      // A task belongs wherever its project belongs.
      firewall: { parent: { column: "project_id" } },
      access: {
        select: {},
        insert: { roles: ["owner", "admin", "member"], check: [{ column: "status", op: "eq", value: "todo" }] },
        // Admins change anything; members move the tasks assigned to them, and only their status.
        update: [
          { roles: ["owner", "admin"] },
          { roles: ["member"], where: [me("assignee_id")], check: [{ column: "status", op: "in", value: ["todo", "doing", "done"] }], columns: ["status"] },
        ],
        delete: { roles: ["owner", "admin"] },
      },
    },
    {
      name: "comments",
      columns: [
        { ...id },
        { name: "task_id", type: "uuid", notNull: true, references: { table: "tasks", column: "id", onDelete: "cascade" } },
        { name: "author_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "body", type: "text", notNull: true },
      ],
      firewall: { parent: { column: "task_id" } },
      access: {
        select: {},
        insert: { roles: ["owner", "admin", "member"], check: [me("author_id")] },
        update: { where: [me("author_id")], columns: ["body"] },
        delete: [{ where: [me("author_id")] }, { roles: ["owner", "admin"] }],
      },
    },
  ],
};

/** Spec §4: documents shared with users through a sharing table. */
const documents: Design = {
  version: 1,
  name: "documents",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "admin", "member"],
  tables: [
    {
      name: "documents",
      columns: [
        { ...id },
        { name: "organization_id", type: "text", notNull: true },
        { name: "owner_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "body", type: "text", notNull: true, default: "''" },
      ],
      firewall: { organization: { column: "organization_id" } },
      access: {
        // Admins read everything in the organization; members their own documents and those shared with them.
        select: [
          { roles: ["owner", "admin"] },
          { where: [me("owner_id")] },
          { sharedVia: { table: "document_shares", row: "document_id", user: "user_id" } },
        ],
        insert: { roles: ["owner", "admin", "member"], check: [me("owner_id")] },
        update: [
          { where: [me("owner_id")], check: [me("owner_id")] },
          { sharedVia: { table: "document_shares", row: "document_id", user: "user_id" }, columns: ["title", "body"] },
        ],
        delete: [{ where: [me("owner_id")] }, { roles: ["owner"] }],
      },
    },
    {
      name: "document_shares",
      columns: [
        { name: "document_id", type: "uuid", primaryKey: true, references: { table: "documents", column: "id", onDelete: "cascade" } },
        { name: "user_id", type: "text", primaryKey: true },
      ],
      firewall: { parent: { column: "document_id" } },
      access: {
        select: [{ where: [me("user_id")] }, { roles: ["owner", "admin"] }],
        insert: { roles: ["owner", "admin", "member"] },
        delete: [{ where: [me("user_id")] }, { roles: ["owner", "admin"] }],
      },
    },
  ],
};

/** A public catalogue: everyone reads published products, only the seller writes them. */
const marketplace: Design = {
  version: 1,
  name: "marketplace",
  target: "neon",
  auth: { provider: "clerk" },
  tables: [
    {
      name: "products",
      columns: [
        { ...id },
        { name: "seller_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "price_cents", type: "integer", notNull: true },
        { name: "published", type: "boolean", notNull: true, default: "false" },
      ],
      firewall: { public: true },
      access: {
        select: [{ where: [{ column: "published", op: "eq", value: true }] }, { where: [me("seller_id")] }],
        insert: { check: [me("seller_id")] },
        update: { where: [me("seller_id")], columns: ["title", "price_cents", "published"] },
        delete: { where: [me("seller_id")] },
      },
      anonymous: { select: { where: [{ column: "published", op: "eq", value: true }] } },
    },
    {
      name: "reviews",
      columns: [
        { ...id },
        { name: "product_id", type: "uuid", notNull: true, references: { table: "products", column: "id", onDelete: "cascade" } },
        { name: "author_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "stars", type: "integer", notNull: true },
      ],
      firewall: { parent: { column: "product_id" } },
      access: {
        select: {},
        insert: { check: [me("author_id"), { column: "stars", op: "gte", value: 1 }, { column: "stars", op: "lte", value: 5 }] },
        delete: { where: [me("author_id")] },
      },
    },
  ],
};

export const TEMPLATES = { todos, saas, blog, tracker, documents, marketplace } as const satisfies Record<string, Design>;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export const TEMPLATE_DESCRIPTIONS: Record<TemplateName, string> = {
  todos: "Single-user todos: each user sees and changes only their own rows.",
  saas: "Organizations with owner, admin, member and viewer roles; projects and documents, optional ownership, a where on update.",
  blog: "Authors write their own posts; signed-out visitors read published ones.",
  tracker: "Projects, tasks and comments: tasks belong to their project's organization, comments to their task's; rules per role.",
  documents: "Documents per organization, shared with users through a sharing table; owners and sharers edit some columns.",
  marketplace: "A public catalogue: anyone reads published products, only the seller changes them; reviews belong to their product.",
};

/** A fresh copy, so that callers may edit it. */
export function template(name: TemplateName): Design {
  return structuredClone(TEMPLATES[name]);
}
