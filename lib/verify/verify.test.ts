import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign, type Bundle } from "../compiler";
import { TARGETS, TEMPLATE_NAMES, template, type Design } from "../design";
import { applyWithin, inRolledBackTransaction, type Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle, verifyModel, type VerifyReport } from ".";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

/** The same bundle with one file's text changed: a policy bug verify must notice. */
function mutate(bundle: Bundle, suffix: string, from: string, to: string): Bundle {
  return bundle.map((f) => {
    if (!f.path.endsWith(suffix)) return f;
    if (!f.contents.includes(from)) throw new Error(`mutation target not found in ${f.path}: ${from}`);
    return { ...f, contents: f.contents.replace(from, to) };
  });
}


describe.each(testDatabases())("verify on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const templateTargets = TEMPLATE_NAMES.flatMap((templateName) => TARGETS.map((target) => [templateName, target] as const));
  it.each(templateTargets)("finds zero mismatches for the %s template on target %s", async (templateName, target) => {
    const { model, bundle } = compiled({ ...template(templateName), target });
    const report = await verifyBundle(model, bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
    expect(report.cells.length).toBe(report.tables.length * report.principals.length * 4);
    // The matrix is not trivially empty: some principal may do something, and some may not.
    expect(report.cells.some((c) => /^[1-9]\d*\//.test(c.expected))).toBe(true);
    expect(report.cells.some((c) => c.expected.startsWith("0/"))).toBe(true);
  });

  it("leaves the database exactly as it was", async () => {
    const { model, bundle } = compiled(template("saas"));
    const snapshot = () => db.query("select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2");
    const before = await snapshot();
    await verifyBundle(model, bundle, db);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["tenant isolation made permissive", "saas", "_policies.sql", 'AS RESTRICTIVE FOR SELECT TO "authenticated"', 'AS PERMISSIVE FOR SELECT TO "authenticated"', "select"],
    ["the update where dropped", "saas", "_policies.sql", `\n    AND "status" = 'draft'`, "", "update"],
    ["the update check dropped", "saas", "_policies.sql", `WITH CHECK ("status" IN ('draft', 'review'))`, "WITH CHECK (true)", "update"],
    ["signed-out visitors shown drafts", "blog", "_policies.sql", `USING ("published" = true)`, "USING (true)", "select"],
    ["the owner check dropped from new rows", "todos", "_policies.sql", `WITH CHECK ("user_id" = (select auth.user_id()))`, "WITH CHECK (true)", "insert"],
  ])("reports a mismatch when %s", async (_label, templateName, file, from, to, operation) => {
    const { model, bundle } = compiled(template(templateName as "saas"));
    const report = await verifyBundle(model, mutate(bundle, file, from, to), db);
    expect(report.ok).toBe(false);
    expect(report.mismatches.map((m) => m.operation)).toContain(operation);
    const mismatch = report.mismatches.find((m) => m.operation === operation)!;
    expect(mismatch.sql).toMatch(/^(SELECT|INSERT|UPDATE|DELETE)/);
    expect(formatReport(report)).toContain("MISMATCH");
  });

  it("gives the same report statement by statement as in batches, rows pinpointed included", async () => {
    const { model, bundle } = compiled(template("todos"));
    const weakened = mutate(bundle, "_policies.sql", 'USING ("user_id" = (select auth.user_id()))', "USING (true)");
    const batched = await verifyBundle(model, weakened, db);
    const alone = await verifyBundle(model, weakened, db, undefined, [], { statementByStatement: true });
    const same = (r: VerifyReport) => ({ ...r, checks: 0 });
    expect(batched.ok).toBe(false);
    expect(batched.mismatches.some((m) => m.operation === "delete" && m.rows?.length === 1)).toBe(true);
    expect(batched.mismatches.some((m) => m.operation === "update")).toBe(true);
    expect(same(batched)).toEqual(same(alone));
  });

  /** Code that runs as the principal (here a trigger) cannot change what verify reads (docs: lib/verify/batch.ts). */
  const hostile = (body: string, when: string, each = "ROW") => `CREATE FUNCTION public.rlsd_hostile() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF current_user = session_user THEN RETURN NEW; END IF;
      ${body}
      RETURN NEW;
    END $f$;
    CREATE TRIGGER rlsd_hostile ${when} ON public."todos" FOR EACH ${each} EXECUTE FUNCTION public.rlsd_hostile();`;
  const verifyWith = (sql: string, statementByStatement = false) => {
    const { model, bundle } = compiled(template("todos"));
    return inRolledBackTransaction(db, async (tx) => {
      await applyWithin(bundle, tx);
      await tx.exec(sql);
      return verifyModel(model, tx, undefined, [], { statementByStatement });
    });
  };

  it("reads each statement's effect with names the statement cannot shadow (TEMP types, search_path)", async () => {
    // With search_path '' the temporary schema comes first: an unqualified ::text would be this domain.
    const shadow = hostile(
      `PERFORM pg_catalog.set_config('search_path', '', false);
      CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (VALUE IS NULL);
      CREATE TEMP TABLE "todos" (id integer);`,
      "AFTER UPDATE OR DELETE",
      "STATEMENT",
    );
    for (const statementByStatement of [false, true]) {
      const report = await verifyWith(shadow, statementByStatement);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    }
  });

  it("never takes an error the statement raises for a result, and fails a statement that leaves its role", async () => {
    // The code the batch function raises after reading a statement's effect, raised by the statement itself.
    const forged = await verifyWith(hostile(`RAISE SQLSTATE 'RLSD0' USING MESSAGE = 'rows 1 2';`, "BEFORE INSERT"));
    const inserts = forged.mismatches.filter((m) => m.operation === "insert");
    expect(inserts.length).toBeGreaterThan(0);
    expect(inserts.every((m) => m.actual.startsWith("error RLSD0"))).toBe(true);
    // The tests connect as a superuser, so the trigger may take the session's own identity back.
    const escaped = await verifyWith(hostile("SET SESSION AUTHORIZATION DEFAULT;", "AFTER INSERT OR UPDATE OR DELETE"));
    expect(escaped.ok).toBe(false);
    expect(escaped.mismatches.map((m) => m.actual).join("\n")).toContain("RLSD1: the statement left the role");
  });
});
