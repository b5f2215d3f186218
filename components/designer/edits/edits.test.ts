import { describe, expect, it } from "vitest";
import { template, validateDesign, type Design, type AccessRule } from "@/lib/design";
import { compileDesign } from "@/lib/compiler";
import {
  addCondition,
  addRule,
  conditionListPath,
  matrixCell,
  removeCondition,
  removeRule,
  rulePath,
  rulesOf,
  setAccess,
  setCondition,
  setRuleColumn,
  setRuleColumns,
  setRuleRole,
  setRuleSharedVia,
  sharingCandidates,
} from "./access";
import { addColumn, patchColumn, renameColumn } from "./columns";
import { parentColumns, setBypassRole, setOrganizationFirewall, setOwnerFirewall, setOwnerMode, setParentFirewall } from "./firewall";
import { shareRows } from "./sharing";
import { adoptProviderTenancy, EMPTY_DESIGN, parseClaim, removeRole, renameRole, sameTenancy, setClaim, setProvider, setTenancy } from "./project";
import { addTable, deleteTable, duplicateTable, moveTable, renameTable } from "./tables";

const saas = () => template("saas") as Design;
const valid = (design: Design) => {
  const result = validateDesign(design);
  return result.ok ? [] : result.problems;
};

describe("design edits", () => {
  it("never change their input", () => {
    const design = saas();
    const frozen = JSON.stringify(design);
    renameTable(design, 0, "boards");
    renameColumn(design, 0, 0, "key");
    setAccess(design, 1, "delete", { kind: "role", role: "member" }, true);
    removeRole(design, 0);
    expect(JSON.stringify(design)).toBe(frozen);
  });

  it("keep the name a table or column had before its first rename as its id, so a version renames rather than replaces", () => {
    let next = renameTable(saas(), 0, "b");
    next = renameTable(next, 0, "boards");
    expect(next.tables[0]).toMatchObject({ id: "projects", name: "boards" });
    next = renameColumn(next, 0, 2, "t");
    next = renameColumn(next, 0, 2, "title");
    expect(next.tables[0]!.columns[2]).toMatchObject({ id: "name", name: "title" });
    expect(valid(next)).toEqual([]);
    // A new table may not take a name that is another table's id, nor a copy its original's id.
    const added = addTable(renameTable(saas(), 0, "boards"), "projects");
    expect(added.design.tables[added.index]!.name).toBe("projects_2");
    const copy = duplicateTable(next, 0);
    expect(copy.design.tables[copy.index]!.id).toBeUndefined();
    expect(valid(copy.design)).toEqual([]);
  });

  it("carry a table rename into the references to it", () => {
    const next = renameTable(saas(), 0, "boards");
    expect(next.tables[1].columns.find((c) => c.name === "project_id")?.references?.table).toBe("boards");
    expect(valid(next)).toEqual([]);
  });

  it("leave references alone while a new name collides with another table", () => {
    const next = renameTable(saas(), 1, "projects");
    expect(next.tables[1].columns.find((c) => c.name === "project_id")?.references?.table).toBe("projects");
    expect(renameTable(next, 1, "documents").tables.map((t) => t.name)).toEqual(["projects", "documents"]);
  });

  it("carry a column rename into the firewall, the conditions and other tables' references", () => {
    let design = renameColumn(saas(), 1, 5, "state");
    expect((design.tables[1].access?.update as AccessRule | undefined)?.where?.[0].column).toBe("state");
    expect((design.tables[1].access?.update as AccessRule | undefined)?.check?.[0].column).toBe("state");
    design = renameColumn(design, 1, 2, "owner_id");
    expect(design.tables[1].firewall?.owner?.column).toBe("owner_id");
    design = renameColumn(design, 0, 0, "project_key");
    expect(design.tables[1].columns[3].references?.column).toBe("project_key");
    expect(valid(design)).toEqual([]);
  });

  it("keep role lists in the declared order, and drop a rule whose last role goes", () => {
    let design = setAccess(saas(), 0, "delete", { kind: "role", role: "viewer" }, true);
    design = setAccess(design, 0, "delete", { kind: "role", role: "admin" }, true);
    expect((design.tables[0].access?.delete as AccessRule | undefined)?.roles).toEqual(["owner", "admin", "viewer"]);
    design = removeRole(design, 0);
    expect((design.tables[0].access?.delete as AccessRule | undefined)?.roles).toEqual(["admin", "viewer"]);
    expect(design.tables[1].firewall?.owner?.bypassRoles).toEqual(["admin"]);
    design = setAccess(setAccess(design, 0, "delete", { kind: "role", role: "admin" }, false), 0, "delete", { kind: "role", role: "viewer" }, false);
    expect(design.tables[0].access?.delete).toBeUndefined();
    expect((renameRole(design, 0, "manager").tables[0].access?.select as AccessRule | undefined)?.roles).toEqual(["manager", "member", "viewer"]);
  });

  it("grant everyone signed in by leaving roles out, keeping the conditions", () => {
    const design = setAccess(saas(), 1, "update", { kind: "anyone" }, true);
    expect(design.tables[1].access?.update).toEqual({ where: [{ column: "status", op: "eq", value: "draft" }], check: [{ column: "status", op: "in", value: ["draft", "review"] }] });
  });

  it("build a valid design from an empty one: tenancy, a table, an organization firewall, access", () => {
    let design = setTenancy(structuredClone(EMPTY_DESIGN), "claims");
    design = { ...design, roles: ["admin", "member"] };
    design = addTable(design, "tasks").design;
    design = addColumn(design, 0).design;
    design = patchColumn(design, 0, 1, { notNull: true });
    design = setOrganizationFirewall(design, 0, true);
    expect(design.tables[0].columns.map((c) => c.name)).toEqual(["id", "organization_id", "column"]);
    design = setAccess(design, 0, "select", { kind: "role", role: "member" }, true);
    design = addCondition(design, 0, { scope: "access", op: "select", list: "where" });
    design = setCondition(design, 0, { scope: "access", op: "select", list: "where" }, 0, { column: "column", op: "eq", value: "open" });
    expect(valid(design)).toEqual([]);
    design = setOwnerFirewall(design, 0, true);
    design = setOwnerMode(design, 0, "optional");
    // Optional ownership ticks no role by itself: the design asks for one instead.
    expect(design.tables[0].firewall?.owner).toEqual({ column: "user_id", mode: "optional" });
    expect(valid(design).map((p) => p.path)).toEqual(["tables[0].firewall.owner.bypassRoles"]);
    design = setBypassRole(design, 0, "admin", true);
    expect(design.tables[0].firewall?.owner).toEqual({ column: "user_id", mode: "optional", bypassRoles: ["admin"] });
    expect(valid(design)).toEqual([]);
  });

  it("duplicate, move and delete tables", () => {
    let { design } = duplicateTable(saas(), 0);
    expect(design.tables.map((t) => t.name)).toEqual(["projects", "projects_copy", "documents"]);
    design = moveTable(design, 2, 0);
    expect(design.tables.map((t) => t.name)).toEqual(["documents", "projects", "projects_copy"]);
    expect(deleteTable(design, 1).tables.map((t) => t.name)).toEqual(["documents", "projects_copy"]);
  });

  it("read a.b as a nested claim", () => {
    const design = setClaim(saas(), "orgClaim", "o.id");
    expect(design.auth.tenancy).toMatchObject({ orgClaim: ["o", "id"] });
    expect(valid(design)).toEqual([]);
  });

  it("switch the provider without touching the claims, and fill them only when asked", () => {
    const design = setClaim(setClaim(saas(), "orgClaim", "tenant"), "roleClaim", "tenant_role");
    const workos = setProvider(design, "workos");
    expect(workos.auth.tenancy).toEqual(design.auth.tenancy);
    const adopted = adoptProviderTenancy(workos);
    expect(adopted.auth.tenancy).toEqual({ source: "claims", orgClaim: "org_id", roleClaim: "role" });
    expect(adoptProviderTenancy(adopted)).toBe(adopted);
    expect(adoptProviderTenancy(setProvider(saas(), "better-auth")).auth.tenancy).toMatchObject({ source: "tables", membership: { table: "member" } });
    expect(adoptProviderTenancy(setProvider(saas(), "custom")).auth.tenancy).toEqual(saas().auth.tenancy);
    expect(valid(adopted)).toEqual([]);
  });

  it("compare tenancies however they are spelled", () => {
    expect(sameTenancy({ source: "claims", orgClaim: "o.id" }, { source: "claims", orgClaim: ["o", "id"] })).toBe(true);
    expect(sameTenancy({ source: "tables" }, { source: "tables", membership: { table: "members", user: "user_id", org: "organization_id", role: "role" } })).toBe(true);
    expect(sameTenancy({ source: "claims", orgClaim: "org_id" }, { source: "tables" })).toBe(false);
  });

  it("keep a namespaced claim whole", () => {
    expect(parseClaim("https://example.com/org_role")).toBe("https://example.com/org_role");
    expect(parseClaim("o.rol")).toEqual(["o", "rol"]);
  });
});

describe("rule lists, parent firewalls and sharing (spec §4)", () => {
  const tracker = () => template("tracker") as Design;
  const documentsApp = () => template("documents") as Design;
  const sql = (design: Design) => {
    const result = compileDesign(design);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.bundle.filter((f) => /^drizzle\/.*\.sql$/.test(f.path)).map((f) => f.contents).join("\n");
  };

  it("tick a matrix cell when any rule of a list admits the role, and untick it from every rule", () => {
    const design = tracker();
    const tasks = design.tables[1]!;
    expect(matrixCell(tasks, "update", { kind: "role", role: "admin" })).toBe(true);
    expect(matrixCell(tasks, "update", { kind: "role", role: "member" })).toBe(true);
    expect(matrixCell(tasks, "update", { kind: "role", role: "viewer" })).toBe(false);
    expect(matrixCell(tasks, "update", { kind: "anyone" })).toBe(false);
    // Unticking member drops the second rule (member was its only role), keeping the first whole.
    const untick = setAccess(design, 1, "update", { kind: "role", role: "member" }, false);
    expect(untick.tables[1]!.access?.update).toEqual({ roles: ["owner", "admin"] });
    // Ticking viewer adds it to the first rule; ticking a role already admitted changes nothing.
    const tick = setAccess(design, 1, "update", { kind: "role", role: "viewer" }, true);
    expect(rulesOf(tick.tables[1]!, "update").map((r) => r.roles)).toEqual([["owner", "admin", "viewer"], ["member"]]);
    expect(setAccess(design, 1, "update", { kind: "role", role: "member" }, true)).toBe(design);
    expect(valid(tick)).toEqual([]);
  });

  it("add and remove rules, a lone rule written as an object and none as denied", () => {
    let design = addRule(saas(), 1, "update");
    const rules = rulesOf(design.tables[1]!, "update");
    expect(rules).toHaveLength(2);
    // The new rule admits the first role the first rule did not: nobody gains access silently beyond it.
    expect(rules[1]).toEqual({ roles: ["viewer"] });
    expect(rulePath(1, design.tables[1]!, "update", 1)).toBe("tables[1].access.update[1]");
    expect(valid(design)).toEqual([]);
    design = removeRule(design, 1, "update", 0);
    expect(design.tables[1]!.access?.update).toEqual({ roles: ["viewer"] });
    expect(rulePath(1, design.tables[1]!, "update", 0)).toBe("tables[1].access.update");
    design = removeRule(design, 1, "update", 0);
    expect(design.tables[1]!.access?.update).toBeUndefined();
  });

  it("edit one rule's roles, conditions, columns and shared rows without touching the others", () => {
    let design = addRule(saas(), 1, "update");
    design = setRuleRole(design, 1, "update", 1, { kind: "role", role: "member" }, true);
    design = setRuleRole(design, 1, "update", 1, { kind: "role", role: "viewer" }, false);
    const second = { scope: "access", op: "update", list: "where", rule: 1 } as const;
    design = addCondition(design, 1, second);
    design = setCondition(design, 1, second, 0, { column: "user_id", op: "eq", value: "$user" });
    design = setRuleColumn(design, 1, 1, "title", true);
    expect(rulesOf(design.tables[1]!, "update")[1]!.columns).toEqual(["organization_id", "user_id", "project_id", "title", "status"]);
    design = setRuleColumns(design, 1, 1, ["title"]);
    design = setRuleColumn(design, 1, 1, "status", true);
    const [first, rule] = rulesOf(design.tables[1]!, "update");
    expect(first).toEqual(rulesOf(saas().tables[1]!, "update")[0]);
    expect(rule).toEqual({ roles: ["member"], where: [{ column: "user_id", op: "eq", value: "$user" }], columns: ["title", "status"] });
    expect(conditionListPath(1, second, design.tables[1]!)).toBe("tables[1].access.update[1].where");
    expect(valid(design)).toEqual([]);
    // Taking the last role out keeps the rule and its conditions; the validator asks for a role there.
    const emptied = setRuleRole(design, 1, "update", 1, { kind: "role", role: "member" }, false);
    expect(rulesOf(emptied.tables[1]!, "update")[1]!.where).toHaveLength(1);
    expect(valid(emptied).map((p) => p.path)).toEqual(["tables[1].access.update[1].roles"]);
    // Columns off: any column may change again.
    expect(rulesOf(setRuleColumns(design, 1, 1, undefined).tables[1]!, "update")[1]!.columns).toBeUndefined();
    expect(sql(design)).not.toBe(sql(saas()));
  });

  it("offer the columns that reference another table's key for a parent firewall, and report a cycle there", () => {
    const design = tracker();
    expect(parentColumns(design, design.tables[2]!)).toEqual(["task_id"]);
    expect(parentColumns(design, design.tables[0]!)).toEqual([]);
    // projects gets a reference to tasks and goes through it: projects -> tasks -> projects.
    let looped = addColumn(design, 0).design;
    const added = looped.tables[0]!.columns.length - 1;
    looped = patchColumn(looped, 0, added, { type: "uuid", references: { table: "tasks", column: "id" } });
    const column = looped.tables[0]!.columns[added]!.name;
    expect(parentColumns(looped, looped.tables[0]!)).toEqual([column]);
    looped = setParentFirewall(looped, 0, column);
    expect(looped.tables[0]!.firewall).toEqual({ parent: { column } });
    expect(valid(looped).some((p) => /firewall\.parent\.column$/.test(p.path) && /cycle/.test(p.message))).toBe(true);
    // An organization firewall replaces the parent (a parent firewall stands alone).
    const back = setOrganizationFirewall(looped, 0, true);
    expect(back.tables[0]!.firewall).toEqual({ organization: { column: "organization_id" } });
    expect(setParentFirewall(design, 1, undefined).tables[1]!.firewall).toBeUndefined();
  });

  it("make a table's firewall go through its parent, and compile it", () => {
    let design = setParentFirewall(saas(), 1, "project_id");
    expect(design.tables[1]!.firewall).toEqual({ parent: { column: "project_id" } });
    // documents.project_id may be NULL; the firewall then refuses the row, which is valid.
    expect(valid(design)).toEqual([]);
    design = setParentFirewall(design, 1, undefined);
    expect(valid(design).map((p) => p.path)).toContain("tables[1].firewall");
  });

  it("share a table's rows in one edit: the sharing table from its template and a sharedVia select rule", () => {
    const before = saas();
    const shared = shareRows(before, 1);
    if ("reason" in shared) throw new Error(shared.reason);
    const { design, sharingIndex } = shared;
    expect(design.tables.map((t) => t.name)).toEqual(["projects", "documents", "documents_shares"]);
    expect(design.tables[sharingIndex]).toEqual({
      name: "documents_shares",
      columns: [
        { name: "document_id", type: "uuid", primaryKey: true, references: { table: "documents", column: "id", onDelete: "cascade" } },
        { name: "user_id", type: "text", primaryKey: true },
      ],
      firewall: { parent: { column: "document_id" } },
      access: { select: { where: [{ column: "user_id", op: "eq", value: "$user" }] } },
    });
    expect(rulesOf(design.tables[1]!, "select")).toEqual([
      rulesOf(before.tables[1]!, "select")[0],
      { sharedVia: { table: "documents_shares", row: "document_id", user: "user_id" } },
    ]);
    expect(valid(design)).toEqual([]);
    expect(sql(design)).toMatch(/"id" = ANY \(\(select "rls"\."documents_shares_document_id_user_id_shared_keys"\(\)\)/);
    // Once shared, sharing again says so; a table with a composite key cannot be shared.
    expect(shareRows(design, 1)).toEqual({ reason: 'rows of "documents" are shared already, through "documents_shares"' });
    expect(shareRows(design, sharingIndex)).toMatchObject({ reason: expect.stringMatching(/single-column primary key/) });
    expect(sharingCandidates(design, "documents")).toEqual([{ table: "documents_shares", row: "document_id", user: "user_id" }]);
    expect(sharingCandidates(documentsApp(), "documents")).toEqual([{ table: "document_shares", row: "document_id", user: "user_id" }]);
  });

  it("give update and delete rules shared rows through a sharing table", () => {
    const shared = shareRows(saas(), 1);
    if ("reason" in shared) throw new Error(shared.reason);
    let design = addRule(shared.design, 1, "delete");
    design = setRuleRole(design, 1, "delete", 1, { kind: "anyone" }, true);
    design = setRuleSharedVia(design, 1, "delete", 1, sharingCandidates(design, "documents")[0]);
    expect(rulesOf(design.tables[1]!, "delete")[1]).toEqual({ sharedVia: { table: "documents_shares", row: "document_id", user: "user_id" } });
    expect(valid(design)).toEqual([]);
    expect(rulesOf(setRuleSharedVia(design, 1, "delete", 1, undefined).tables[1]!, "delete")[1]).toEqual({});
  });
});

describe("rule edits leave what they do not touch", () => {
  it("keep an operation's other rules when one rule's condition is removed, and ignore a rule that is not there", () => {
    const design = template("tracker") as Design;
    const memberRule = { scope: "access", op: "update", list: "where", rule: 1 } as const;
    const next = removeCondition(design, 1, memberRule, 0);
    expect(rulesOf(next.tables[1]!, "update")[0]).toEqual(rulesOf(design.tables[1]!, "update")[0]);
    expect(rulesOf(next.tables[1]!, "update")[1]!.where).toBeUndefined();
    expect(removeRule(design, 1, "update", 5)).toBe(design);
    expect(setRuleRole(design, 1, "update", 5, { kind: "anyone" }, true)).toBe(design);
  });
});
