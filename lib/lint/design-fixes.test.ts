import { describe, expect, it } from "vitest";
import { validateDesign, type Design, type Table } from "../design";
import type { Finding } from "./checks";
import { designFixFor, type DesignFix } from "./design-fixes";

/**
 * The Check dialog's one-click fixes, without a database: findings as lib/lint writes them, on an
 * imported design (existing tables). A fix is either a valid next design, or a sentence.
 */

const finding = (rule: Finding["rule"], table: string, extra: Partial<Finding> = {}): Finding => ({ rule, level: "warning", object: `public.${table}`, message: "why", fix: "CREATE INDEX ON ...", table, ...extra });

const projects: Table = {
  name: "projects",
  existing: true,
  columns: [
    { name: "id", type: "uuid", primaryKey: true },
    { name: "user_id", type: "text", notNull: true },
  ],
  firewall: { owner: { column: "user_id" } },
  access: { select: {}, insert: {}, update: {}, delete: {} },
};
/** No organization or owner column: the import proposed "public" with no access. */
const tasks: Table = {
  name: "tasks",
  existing: true,
  columns: [
    { name: "id", type: "uuid", primaryKey: true },
    { name: "project_id", type: "uuid", notNull: true, references: { table: "projects", column: "id", crossOrganization: true } },
    { name: "creator", type: "text" },
  ],
  firewall: { public: true },
};
const design: Design = { version: 1, name: "public", target: "postgres", auth: { provider: "custom" }, tables: [projects, tasks] };

/** The design a command fix makes, as the designer's command would make it. */
function after(fix: DesignFix | null): Design {
  if (fix?.kind !== "command") throw new Error(`no command: ${JSON.stringify(fix)}`);
  if (fix.command === "applyDesignFix") return fix.args.design;
  if (fix.command === "setParentFirewall") return { ...design, tables: design.tables.map((t, i) => (i === fix.args.table ? { ...t, firewall: { parent: { column: fix.args.column } } } : t)) };
  return { ...design, forceRowLevelSecurity: true };
}

describe("one-click design fixes for the Check dialog's findings", () => {
  it("RLS off on an imported public table with a reference to an isolated table: isolate it through the parent, one command", () => {
    const fix = designFixFor(finding("rls_disabled_in_exposed", "tasks"), design);
    expect(fix).toEqual({ kind: "command", label: "Isolate tasks through projects (firewall via project_id)", command: "setParentFirewall", args: { table: 1, column: "project_id" } });
    expect(validateDesign(after(fix)).ok).toBe(true);
    // The unindexed foreign key maps to the same change: a parent firewall is indexed by the design.
    expect(designFixFor(finding("unindexed_foreign_key", "tasks", { columns: ["project_id"] }), design)).toEqual(fix);
  });

  it("a column its policies compare with the signed-in user: make it the owner column (the design then indexes it)", () => {
    const fix = designFixFor(finding("unindexed_policy_column", "tasks", { columns: ["creator"], ownerColumn: "creator" }), design);
    expect(fix).toMatchObject({ kind: "command", command: "applyDesignFix", label: "Isolate tasks by its owner column creator (its policies compare it with the signed-in user)" });
    const next = after(fix);
    expect(next.tables[1]!.firewall).toEqual({ owner: { column: "creator" } });
    expect(validateDesign(next).ok).toBe(true);
    // Now the design indexes it, and says so.
    expect(designFixFor(finding("unindexed_policy_column", "tasks", { columns: ["creator"], ownerColumn: "creator" }), next)).toEqual({ kind: "note", text: expect.stringMatching(/^The design indexes tasks \(creator\): applying it creates \w+\.$/) });
  });

  it("a table the design lacks: add it as the import proposes it, references to tables the design lacks left out", () => {
    const proposed: Table[] = [{ ...tasks, name: "labels", columns: [...tasks.columns.slice(0, 1), { name: "user_id", type: "text" }, { name: "board_id", type: "uuid", references: { table: "boards", column: "id" } }], firewall: { owner: { column: "user_id" } } }];
    const fix = designFixFor(finding("rls_disabled_in_exposed", "labels"), design, { proposed });
    expect(fix).toMatchObject({ kind: "command", command: "applyDesignFix", label: "Add labels to the design as an existing table (isolated by its owner column user_id)" });
    const next = after(fix);
    expect(next.tables.map((t) => t.name)).toEqual(["projects", "tasks", "labels"]);
    expect(next.tables[2]!.columns.find((c) => c.name === "board_id")!.references).toBeUndefined();
    expect(validateDesign(next).ok).toBe(true);
    expect(designFixFor(finding("rls_disabled_in_exposed", "labels"), design)).toMatchObject({ kind: "note", text: expect.stringContaining("not in the open design") });
  });

  it("where the design covers it, or no design field can, the finding says so", () => {
    expect(designFixFor(finding("rls_disabled_in_exposed", "projects"), design)).toEqual({ kind: "note", text: "The design has projects and enables row-level security on it and adds its policies: apply the design to this database to fix it." });
    const closed = { ...design, tables: [projects, { ...tasks, firewall: { public: true as const } , columns: tasks.columns.map((c) => ({ ...c, references: undefined })) }] };
    expect(designFixFor(finding("rls_enabled_no_policy", "tasks"), JSON.parse(JSON.stringify(closed)))).toMatchObject({ kind: "note", text: expect.stringContaining("lets nobody do anything there yet") });
    expect(designFixFor(finding("unindexed_policy_column", "projects", { columns: ["id"] }), design)).toMatchObject({ kind: "note", text: expect.stringMatching(/^No design field adds an index by itself/) });
    expect(designFixFor(finding("auth_rls_initplan", "projects"), design)).toMatchObject({ kind: "note", text: expect.stringMatching(/^No design field changes it/) });
    expect(designFixFor({ ...finding("security_definer_view", "x"), table: undefined, object: "view public.v" }, design)).toMatchObject({ kind: "note", text: expect.stringMatching(/^No design field: the design has no views/) });
    expect(designFixFor({ ...finding("app_role_bypasses_rls", "x"), table: undefined, object: "role anon" }, design)).toMatchObject({ kind: "note", text: expect.stringMatching(/^No design field: roles/) });
  });
});
