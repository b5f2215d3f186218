import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliIn } from "../cli/test-cli";
import type { Database } from "../db";
import { createPostgresTestDatabase, testDatabases } from "../db/test-databases";
import { formatSarif, lintDatabase, perRowCall, type Finding } from ".";

/** Every shape the lint should find, written by hand; `good` is the shape our compiler emits. */
const SCHEMA = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
END $$;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid $$;
CREATE TABLE open_table (id int PRIMARY KEY);
GRANT SELECT ON open_table TO anon;
CREATE TABLE off_with_policy (id int PRIMARY KEY);
CREATE POLICY p ON off_with_policy FOR SELECT TO authenticated USING (true);
CREATE TABLE no_policy (id int PRIMARY KEY);
ALTER TABLE no_policy ENABLE ROW LEVEL SECURITY;
CREATE TABLE parent (id uuid PRIMARY KEY);
CREATE TABLE todos (id uuid PRIMARY KEY, user_id uuid NOT NULL, parent_id uuid REFERENCES parent(id));
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
ALTER TABLE todos FORCE ROW LEVEL SECURITY;
CREATE POLICY per_row ON todos FOR SELECT TO authenticated USING (auth.uid() = user_id);
CREATE POLICY also_select ON todos FOR SELECT TO authenticated USING (false);
CREATE POLICY any_insert ON todos FOR INSERT TO authenticated WITH CHECK (true);
CREATE POLICY raw_claims ON todos FOR DELETE TO authenticated USING (user_id = (select (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')::uuid));
CREATE TABLE good (id uuid PRIMARY KEY, user_id uuid NOT NULL);
CREATE INDEX good_user ON good (user_id);
ALTER TABLE good ENABLE ROW LEVEL SECURITY;
ALTER TABLE good FORCE ROW LEVEL SECURITY;
CREATE POLICY mine ON good FOR SELECT TO authenticated USING (user_id = (select auth.uid()));
CREATE TABLE firewalled (id uuid PRIMARY KEY, user_id uuid NOT NULL);
CREATE INDEX firewalled_user ON firewalled (user_id);
ALTER TABLE firewalled ENABLE ROW LEVEL SECURITY;
ALTER TABLE firewalled FORCE ROW LEVEL SECURITY;
CREATE POLICY firewalled_firewall ON firewalled AS RESTRICTIVE FOR ALL TO authenticated USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY firewalled_insert ON firewalled AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK (true);
CREATE VIEW todo_view AS SELECT id FROM todos;
CREATE VIEW safe_view WITH (security_invoker = true) AS SELECT id FROM good;
CREATE FUNCTION mutable() RETURNS int LANGUAGE sql AS $$ select 1 $$;
CREATE FUNCTION definer_empty() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ select 1 $$;
CREATE FUNCTION definer_ok() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ select 1 $$;
REVOKE EXECUTE ON FUNCTION definer_ok() FROM PUBLIC;
`;

const found = (findings: readonly Finding[]) => findings.map((f) => `${f.rule} ${f.object}`).sort();

describe.each(testDatabases())("lint on $name: a schema written by hand", (factory) => {
  let db: Database;
  beforeAll(async () => {
    db = await factory.open();
    await db.exec(SCHEMA);
  });
  afterAll(() => db?.close());

  it("finds each problem, names the object, why and the fix; says nothing of the good shapes", async () => {
    const { findings } = await lintDatabase(db);
    const names = found(findings);
    expect(names).toEqual(
      expect.arrayContaining([
        "rls_disabled_in_exposed public.open_table",
        "policy_exists_rls_disabled public.off_with_policy",
        "rls_enabled_no_policy public.no_policy",
        'auth_rls_initplan policy per_row on public.todos',
        "multiple_permissive_policies public.todos",
        'permissive_true_write policy any_insert on public.todos',
        'claims_without_nullif policy raw_claims on public.todos',
        "unindexed_policy_column public.todos.user_id",
        "unindexed_foreign_key public.todos foreign key todos_parent_id_fkey",
        "security_definer_view view public.todo_view",
        "function_search_path_mutable function mutable()",
        "security_definer_empty_search_path function definer_empty()",
        "security_definer_executable function definer_empty()",
      ]),
    );
    for (const quiet of ["public.good", "public.firewalled", "safe_view", "definer_ok", "policy mine"]) expect(names.filter((n) => n.includes(quiet))).toEqual([]);
    for (const f of findings) {
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });

  it("writes SARIF that validates against the SARIF 2.1.0 schema (bundled, no network)", async () => {
    const { findings } = await lintDatabase(db);
    const schema = JSON.parse(readFileSync(join(__dirname, "sarif-schema-2.1.0.json"), "utf8"));
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    const log = formatSarif(findings, db.location, "1");
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect((log as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(findings.length);
  });
});

describe("the per-row call shapes, as PostgreSQL prints policies", () => {
  it.each([
    ["(( SELECT auth.uid() AS uid) = user_id)", false],
    ["(user_id = ( SELECT ((current_setting('request.jwt.claims'::text, true))::jsonb ->> 'sub'::text)))", false],
    ["(organization_id = ANY (ARRAY( SELECT rls.member_organization_ids())))", false],
    ["(auth.uid() = user_id)", true],
    // drizzle's crudPolicy(authUid(...)): a correlated subplan, per row.
    ["( SELECT (auth.user_id() = notes.user_id))", true],
  ])("%s per row: %s", (expr, perRow) => expect(perRowCall(expr)).toBe(perRow));
});

describe.skipIf(!process.env.DATABASE_URL)("npm run cli -- lint --database-url", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    ({ db, url } = await createPostgresTestDatabase(process.env.DATABASE_URL!));
    await db.exec(SCHEMA);
  });
  afterAll(() => db?.close());

  it("text by default, exit 1 on errors; json and sarif on request; a bad format exits 2", async () => {
    const text = await runCliIn(process.cwd(), ["lint", "--database-url", url]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/^error: rls_disabled_in_exposed: public\.open_table\n {2}why: .+\n {2}fix: ALTER TABLE public\.open_table ENABLE ROW LEVEL SECURITY/m);
    const json = await runCliIn(process.cwd(), ["lint", "--database-url", url, "--format", "json"]);
    expect(JSON.parse(json.stdout).findings.length).toBeGreaterThan(10);
    const sarif = await runCliIn(process.cwd(), ["lint", "--database-url", url, "--format", "sarif"]);
    expect(JSON.parse(sarif.stdout).version).toBe("2.1.0");
    expect((await runCliIn(process.cwd(), ["lint", "--database-url", url, "--format", "xml"])).exitCode).toBe(2);
    const down = await runCliIn(process.cwd(), ["lint", "--database-url", "postgres://me:Lint-Secret-9@127.0.0.1:1/x"]);
    expect(down.exitCode).toBe(1);
    expect(down.all).not.toContain("Lint-Secret-9");
  });
});
