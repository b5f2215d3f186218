import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { freshPglite } from "../db/pglite-template";
import { explainBundle, formatExplanation, parseExplainSpec } from ".";

function compiled(name: "saas" | "todos") {
  const result = compileDesign(template(name));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

describe("verify --explain", () => {
  it("parses table:principal:operation, with colons inside the principal", () => {
    expect(parseExplainSpec("documents:owner: of org A:update")).toEqual({ table: "documents", principal: "owner: of org A", operation: "update" });
    expect(() => parseExplainSpec("documents:update")).toThrow(/table:principal:operation/);
    expect(() => parseExplainSpec("documents:x:upsert")).toThrow(/select, insert, update, delete/);
  });

  it("says, per row, each part of the meaning with its values and what the database did, and they agree on a fresh apply", async () => {
    const { model, bundle } = compiled("saas");
    const db = await freshPglite();
    try {
      const report = await explainBundle(model, bundle, db, { table: "documents", principal: "member of org A", operation: "update" });
      expect(report.rows.length).toBeGreaterThan(10);
      expect(report.rows.every((r) => r.agrees)).toBe(true);
      // Some rows are updated, some refused by the firewall, some by the where, and some new values fail the check.
      expect(report.rows.some((r) => r.database === "updated")).toBe(true);
      expect(report.rows.some((r) => r.reasons.some((x) => x.part.startsWith("firewall owner") && !x.holds))).toBe(true);
      expect(report.rows.some((r) => r.reasons.some((x) => x.part === "where status eq 'draft'" && !x.holds))).toBe(true);
      expect(report.rows.some((r) => r.newValues?.purpose === "fail the check" && r.database === "refused (42501)")).toBe(true);
      // A row of the member's own moved to the other organization, every other check met: only the firewall refuses it.
      expect(report.rows.some((r) => r.newValues?.purpose === "leave the firewall" && r.database === "refused (42501)")).toBe(true);
      const text = formatExplanation(report);
      expect(text).toMatch(/✓ roles \[owner, admin, member\]: r = 'member'/);
      expect(text).toMatch(/firewall organization \(old row\): organization_id '[^']+' = o '[^']+'/);
      expect(text).toContain("the database agrees with the meaning on each");
    } finally {
      await db.close();
    }
  });

  it("shows the row where a weakened database differs", async () => {
    const { model, bundle } = compiled("todos");
    const db = await freshPglite();
    try {
      const weakened = bundle.map((f) => (f.path.endsWith("_policies.sql") ? { ...f, contents: f.contents.replace(`USING ("user_id" = (select auth.user_id()))`, "USING (true)") } : f));
      const report = await explainBundle(model, weakened, db, { table: "todos", principal: "user A", operation: "delete" });
      const differing = report.rows.filter((r) => !r.agrees);
      expect(differing.length).toBeGreaterThan(0);
      expect(differing[0].database).toBe("deleted");
      expect(differing[0].reasons.find((x) => x.part.startsWith("firewall owner"))?.holds).toBe(false);
      expect(formatExplanation(report)).toMatch(/meaning: refused; database: deleted ✗ MISMATCH/);
    } finally {
      await db.close();
    }
  });
});
