import { authUid } from "drizzle-orm/neon";
import { PgDialect, pgTable, text } from "drizzle-orm/pg-core";
import { organizationId, userId } from "./data";

/** The JWT claims the signed-in role sees through `request.jwt.claims`. */
export type Claims = Readonly<Record<string, string>>;

export interface Query {
  readonly sql: string;
  readonly params: readonly string[];
}

export interface BenchCase {
  readonly shape: string;
  /** "generated" shapes count against the goal; "naive" ones are there for context. */
  readonly kind: "generated" | "naive";
  /** What the app sends under RLS: the whole table, the policies do the filtering. */
  readonly rls: Query;
  readonly claims: Claims;
  /** The same rows, fetched by the superuser (no RLS) with the equivalent indexed WHERE. */
  readonly handWritten: Query;
  /** For naive shapes: the firewall policy's USING is swapped for this expression while measuring. */
  readonly firewall?: { readonly table: string; readonly policy: string; readonly using: string };
}

const ORG = 42;
const ORG_ID = organizationId(ORG);
const USER_ID = userId(ORG, 7);

const member: Claims = { sub: USER_ID, org_id: ORG_ID, org_role: "member" };
const admin: Claims = { sub: USER_ID, org_id: ORG_ID, org_role: "admin" };

const all = (table: string): Query => ({ sql: `SELECT * FROM public."${table}"`, params: [] });

const ownerHandWritten: Query = { sql: `SELECT * FROM public."todos" WHERE "user_id" = $1`, params: [USER_ID] };

/** drizzle-orm's own `authUid(t.userId)` rendered by drizzle, so the bench shows exactly what it emits. */
function drizzleAuthUid(): string {
  const todos = pgTable("todos", { userId: text("user_id") });
  return new PgDialect().sqlToQuery(authUid(todos.userId)).sql;
}

export const CASES: readonly BenchCase[] = [
  {
    shape: "owner only (`todos`)",
    kind: "generated",
    rls: all("todos"),
    claims: { sub: USER_ID },
    handWritten: ownerHandWritten,
  },
  {
    shape: "organization + role (`projects`)",
    kind: "generated",
    rls: all("projects"),
    claims: member,
    handWritten: { sql: `SELECT * FROM public."projects" WHERE "organization_id" = $1`, params: [ORG_ID] },
  },
  {
    shape: "organization + optional owner (`documents`), member: owner path",
    kind: "generated",
    rls: all("documents"),
    claims: member,
    handWritten: {
      sql: `SELECT * FROM public."documents" WHERE "organization_id" = $1 AND "user_id" = $2`,
      params: [ORG_ID, USER_ID],
    },
  },
  {
    shape: "organization + optional owner (`documents`), admin: bypass path",
    kind: "generated",
    rls: all("documents"),
    claims: admin,
    handWritten: { sql: `SELECT * FROM public."documents" WHERE "organization_id" = $1`, params: [ORG_ID] },
  },
  {
    shape: "parent: tasks of the tenant's projects (`tasks`, firewall through `project_id`)",
    kind: "generated",
    rls: all("tasks"),
    claims: member,
    handWritten: {
      sql: `SELECT t.* FROM public."tasks" AS t JOIN public."projects" AS p ON p."id" = t."project_id" WHERE p."organization_id" = $1`,
      params: [ORG_ID],
    },
  },
  {
    shape: "sharing: files shared with a member (`files` through `file_shares`)",
    kind: "generated",
    rls: all("files"),
    claims: member,
    handWritten: {
      sql: `SELECT f.* FROM public."files" AS f JOIN public."file_shares" AS s ON s."file_id" = f."id" WHERE s."user_id" = $2 AND f."organization_id" = $1`,
      params: [ORG_ID, USER_ID],
    },
  },
  {
    shape: "naive: drizzle `authUid`, `(select auth.user_id() = user_id)` (`todos`)",
    kind: "naive",
    rls: all("todos"),
    claims: { sub: USER_ID },
    handWritten: ownerHandWritten,
    firewall: { table: "todos", policy: "todos_firewall", using: drizzleAuthUid() },
  },
  {
    shape: "naive: `auth.user_id() = user_id`, no subselect (`todos`)",
    kind: "naive",
    rls: all("todos"),
    claims: { sub: USER_ID },
    handWritten: ownerHandWritten,
    firewall: { table: "todos", policy: "todos_firewall", using: `auth.user_id() = "user_id"` },
  },
];
