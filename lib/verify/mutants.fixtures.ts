import { template, type Design } from "../design";

/**
 * Designs the mutation tests run beside the templates: `tables` tenancy with FORCE (the helpers
 * read membership tables; the owner obeys the policies), and a design with the conditions the
 * templates lack (ordering, nullable check columns, a public table with role rules, lists).
 */
const tablesTenancy = (): Design => {
  const design = template("saas");
  design.auth = { ...design.auth, tenancy: { source: "tables" } };
  return { ...design, name: "acme-tables", forceRowLevelSecurity: true } as Design;
};

const conditions = (): Design => ({
  version: 1,
  name: "tasks",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "member"],
  tables: [
    {
      name: "tasks",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "state", type: "text", notNull: true, default: "'open'" },
        { name: "priority", type: "integer" },
        { name: "due_on", type: "date" },
      ],
      firewall: { organization: { column: "organization_id" }, owner: { column: "user_id", mode: "optional", bypassRoles: ["owner"] } },
      access: {
        select: { roles: ["owner", "member"] },
        insert: { roles: ["owner", "member"], check: [{ column: "priority", op: "gte", value: 1 }] },
        update: {
          roles: ["owner", "member"],
          where: [{ column: "state", op: "neq", value: "done" }],
          check: [{ column: "priority", op: "gt", value: 0 }, { column: "state", op: "in", value: ["open", "started", "done"] }],
        },
        delete: { roles: ["owner"], where: [{ column: "due_on", op: "lt", value: "2026-01-01" }] },
      },
    },
    {
      name: "announcements",
      columns: [
        { name: "id", type: "integer", primaryKey: true },
        { name: "body", type: "text", notNull: true },
        { name: "audience", type: "text", notNull: true, default: "'staff'" },
      ],
      firewall: { public: true },
      access: {
        select: {},
        insert: { roles: ["owner"], check: [{ column: "audience", op: "in", value: ["all", "staff"] }] },
        update: { roles: ["owner"], check: [{ column: "audience", op: "notIn", value: ["hidden"] }] },
        delete: { roles: ["owner"] },
      },
      anonymous: { select: { where: [{ column: "audience", op: "eq", value: "all" }] } },
    },
  ],
});

export const MUTATION_DESIGNS: Record<string, () => Design> = {
  "saas with tables tenancy and FORCE": tablesTenancy,
  "conditions (tasks, announcements)": conditions,
};

/**
 * Mutants that change no access the meaning distinguishes, per design, each with the reason
 * (docs/proof.md argues them at length). The tests require verify to pass on these.
 */
export const EQUIVALENT_MUTANTS: Record<string, Record<string, string>> = {};
