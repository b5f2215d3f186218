import { describe, expect, it } from "vitest";
import { template, validateDesign, type Design, type AccessRule } from "@/lib/design";
import { addCondition, setAccess, setCondition } from "./access";
import { addColumn, patchColumn, renameColumn } from "./columns";
import { setBypassRole, setOrganizationFirewall, setOwnerFirewall, setOwnerMode } from "./firewall";
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
