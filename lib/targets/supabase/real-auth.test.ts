import { describe, expect, it } from "vitest";
import { compileDesign, type Bundle } from "../../compiler";
import { template, type Design } from "../../design";
import { apply, type Database } from "../../db";
import { testDatabases } from "../../db/test-databases";
import { formatReport, principalsFor, verifyBundle } from "../../verify";
import { SUPABASE_REAL_AUTH_SQL } from "./real-auth.test-fixture";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

/** The bundle as it was before text user columns compared the sub as text: `auth.uid()::text`. */
function withUidAsText(bundle: Bundle): Bundle {
  return bundle.map((f) => ({ ...f, contents: f.contents.replaceAll("(CASE WHEN pg_catalog.jsonb_typeof(auth.jwt() -> 'sub') = 'string' THEN auth.jwt() ->> 'sub' END)", "auth.uid()::text") }));
}

const supabase = (design: Design): Design => ({ ...design, target: "supabase" });
const tablesTenancy = (): Design => {
  const design = supabase(template("saas"));
  design.auth = { ...design.auth, tenancy: { source: "tables" } };
  return design;
};

/** Each on a database whose schema auth holds Supabase's real functions, not the stand-in. */
describe.each(testDatabases())("Supabase's real auth functions with a third-party provider's ids, on $name", ({ open }) => {
  const withRealAuth = async (fn: (db: Database) => Promise<void>) => {
    const db = await open();
    try {
      await db.exec(SUPABASE_REAL_AUTH_SQL);
      await fn(db);
    } finally {
      await db.close();
    }
  };

  it("signs in with Clerk-shaped ids, since the user columns are text", () => {
    const ids = principalsFor(compiled(supabase(template("todos"))).model).map((p) => p.userId).filter((id) => id !== null);
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) expect(id).toMatch(/^user_2[0-9A-Za-z]{26}$/);
  });

  it.each([
    ["todos (owner column)", () => supabase(template("todos"))],
    ["saas (organization claims, optional owner)", () => supabase(template("saas"))],
    ["saas with tables tenancy (helpers read the membership tables)", tablesTenancy],
    ["blog", () => supabase(template("blog"))],
    ["todos with Auth0 ids (auth0|...)", () => ({ ...supabase(template("todos")), auth: { provider: "auth0" } })],
    ["todos with WorkOS ids (user_01H...)", () => ({ ...supabase(template("todos")), auth: { provider: "workos" } })],
    ["todos with Better Auth ids", () => ({ ...supabase(template("todos")), auth: { provider: "better-auth" } })],
  ] as [string, () => Design][])("%s: applies on the real functions (no stand-in) and verifies with zero mismatches", async (_label, design) => {
    await withRealAuth(async (db) => {
      const { model, bundle } = compiled(design());
      const result = await apply(bundle, db);
      expect(result.notices.join("\n")).not.toMatch(/stand-in/);
      const report = await verifyBundle(model, bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    });
  });

  it("fails with 22P02 when a text user column is compared with auth.uid()::text (as before)", async () => {
    await withRealAuth(async (db) => {
      const { model, bundle } = compiled(supabase(template("todos")));
      const report = await verifyBundle(model, withUidAsText(bundle), db);
      expect(report.ok).toBe(false);
      expect(report.mismatches.some((m) => m.actual.includes("22P02"))).toBe(true);
    });
  });

  it("signs visitors out with the anon key's claims ({\"role\": \"anon\"}), so auth.uid() is NULL for them, not an error", async () => {
    const design = supabase(template("todos"));
    design.auth = { provider: "supabase" };
    design.tables[0].columns.find((c) => c.name === "user_id")!.type = "uuid";
    design.tables[0].anonymous = { select: { where: [{ column: "user_id", op: "neq", value: "$user" }] } };
    const { model, bundle } = compiled(design);
    expect(bundle.find((f) => f.path.endsWith("_policies.sql"))!.contents).toMatch(/TO "anon"\n  USING \("user_id" <> \(select auth\.uid\(\)\)\)/);
    await withRealAuth(async (db) => {
      const report = await verifyBundle(model, bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    });
  });

  it("still uses uuids, and auth.uid(), when the user column is uuid (Supabase Auth)", async () => {
    const design = supabase(template("todos"));
    design.auth = { provider: "supabase" };
    const owner = design.tables[0].columns.find((c) => c.name === "user_id")!;
    owner.type = "uuid";
    const { model, bundle } = compiled(design);
    expect(bundle.find((f) => f.path.endsWith("_policies.sql"))!.contents).toContain(`"user_id" = (select auth.uid())`);
    for (const p of principalsFor(model)) if (p.userId) expect(p.userId).toMatch(/^[0-9a-f-]{36}$/);
    await withRealAuth(async (db) => {
      const report = await verifyBundle(model, bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    });
  });
});
