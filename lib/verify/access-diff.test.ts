import { describe, expect, it } from "vitest";
import { template, validateDesign, type Design, type AccessRule } from "../design";
import { accessChanges } from "./access-diff";

function model(design: Design) {
  const result = validateDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.model;
}

const edited = (edit: (d: Design) => void): Design => {
  const design = template("saas");
  edit(design);
  return design;
};

describe("what a change does to access, from the meaning", () => {
  it("finds nothing when only the shape of the data changes", () => {
    const v2 = edited((d) => d.tables[1]!.columns.push({ name: "archived", type: "boolean", notNull: true, default: "false" }));
    expect(accessChanges(model(template("saas")), model(v2))).toEqual([]);
  });

  it("names the one cell a widened rule opens", () => {
    const v2 = edited((d) => (d.tables[0]!.access!.delete = { roles: ["owner", "admin"] }));
    const changes = accessChanges(model(template("saas")), model(v2));
    expect(changes.map((c) => [c.table, c.principal, c.operation, c.narrowed])).toEqual([["projects", "admin of org A", "delete", 0]]);
    expect(changes[0]!.widened).toBeGreaterThan(0);
    expect(changes[0]!.text).toMatch(/^admin of org A may now delete from projects \(\d+ of \d+ sample rows\)$/);
  });

  it("names what a narrowed rule closes, for the principals it concerns only", () => {
    const v2 = edited((d) => (d.tables[1]!.access!.select = { roles: ["owner", "admin", "member"] }));
    const changes = accessChanges(model(template("saas")), model(v2));
    expect(changes.map((c) => [c.principal, c.operation, c.widened > 0, c.narrowed > 0])).toEqual([["viewer of org A", "select", false, true]]);
    expect(changes[0]!.text).toMatch(/^viewer of org A may no longer read documents/);
  });

  it("counts a new table's rules as widening and a dropped table's as narrowing", () => {
    const v2 = edited((d) => (d.tables = d.tables.filter((t) => t.name !== "documents")));
    const dropped = accessChanges(model(template("saas")), model(v2));
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((c) => c.table === "documents" && c.narrowed > 0 && c.widened === 0)).toBe(true);
    const added = accessChanges(model(v2), model(template("saas")));
    expect(added.every((c) => c.table === "documents" && c.widened > 0 && c.narrowed === 0)).toBe(true);
  });

  it("sees a condition whose boundary moved", () => {
    const v2 = edited((d) => ((d.tables[1]!.access!.update as AccessRule).check = [{ column: "status", op: "in", value: ["draft", "review", "published"] }]));
    const changes = accessChanges(model(template("saas")), model(v2));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.table === "documents" && c.operation === "update" && c.widened > 0 && c.narrowed === 0)).toBe(true);
  });
});
