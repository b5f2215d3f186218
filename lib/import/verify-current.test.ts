import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropForeignPolicySql, foreignPolicies } from "../apply/foreign-policies";
import { compileDesign } from "../compiler";
import { applyWithin, inRolledBackTransaction, type Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { verifyModel } from "../verify";
import { proposeDesign, readCatalog, verifyCurrentPolicies } from ".";

/** Policies written by hand, with the classic hole: WITH CHECK (true) lets anyone insert rows for someone else. */
const HAND_WRITTEN = `
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF; END $$;
CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO authenticated;
CREATE POLICY own_select ON notes FOR SELECT TO authenticated USING (user_id = (select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'));
CREATE POLICY any_insert ON notes FOR INSERT TO authenticated WITH CHECK (true);
INSERT INTO notes VALUES ('00000000-0000-4000-8000-000000000001', 'ada', 'kept');
`;

describe.each(testDatabases())("verify what you imported, on $name", (factory) => {
  let db: Database;
  beforeAll(async () => {
    db = await factory.open();
    await db.exec(HAND_WRITTEN);
  });
  afterAll(() => db?.close());

  it("first the database's own policies against the imported design (nothing applied), then the design applied: the mismatches were the change", async () => {
    const compiled = compileDesign(proposeDesign(await readCatalog(db)).design);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const current = await verifyCurrentPolicies(compiled.model, compiled.bundle, db);
    expect(current.ok).toBe(false);
    // Today: any signed-in user may insert a row owned by someone else; no update or delete at all.
    expect(current.mismatches.some((m) => m.operation === "insert" && m.actual === "inserted")).toBe(true);
    expect(current.mismatches.some((m) => m.operation === "update")).toBe(true);
    // The database is as it was: the policies and the row are still there, nothing of the design.
    expect((await db.query("select policyname from pg_policies where tablename = 'notes' order by 1")).rows).toEqual([{ policyname: "any_insert" }, { policyname: "own_select" }]);
    expect((await db.query("select body from notes")).rows).toEqual([{ body: "kept" }]);

    const after = await inRolledBackTransaction(db, async (tx) => {
      await applyWithin(compiled.bundle, tx);
      for (const p of await foreignPolicies(compiled.model, tx)) await tx.query(dropForeignPolicySql(p));
      return verifyModel(compiled.model, tx);
    });
    expect(after.mismatches).toEqual([]);
  }, 120_000);
});
