import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lend } from "../apply/test-helpers";
import type { Database } from "../db";
import { createPostgresTestDatabase, testDatabases } from "../db/test-databases";
import { template, validateDesign } from "../design";
import { designFixFor, type DesignFix } from "../lint/design-fixes";
import { handleLintRequest, type LintAnswer } from "../lint/server";
import { sharedWsProxy, PROXY_ALLOWED_ADDRESS } from "../db/test-ws-proxy";
import { startNeonStandIn, type NeonStandIn } from "../neon/test-stand-in";
import { handleImportRequest, type ImportAnswer, type SourceEnvironment, type SourceFailure } from "./server";
import { handleVerifyCurrentRequest, type VerifyCurrentEvent } from "./verify-server";

/** The designer's "Import from database / from SQL" and "Check database", through the handlers the routes call. */

const ORIGIN = "http://localhost:3210";
const adminUrl = process.env.DATABASE_URL;

function post(path: string, body: unknown): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

type Reply<T> = T | { ok: false; error: SourceFailure };

/** The server's environment for a test: its own database lent as the embedded one, or another environment (Neon's stand-in). */
const envOf = (db?: Database | SourceEnvironment): SourceEnvironment =>
  db && "embedded" in db ? db : db ? lend(db) : { embedded: () => Promise.reject(new Error("no embedded database in this test")) };

async function importing(body: unknown, db?: Database | SourceEnvironment): Promise<{ status: number; text: string; reply: Reply<ImportAnswer> }> {
  const response = await handleImportRequest(post("/api/import", body), envOf(db));
  const text = await response.text();
  return { status: response.status, text, reply: JSON.parse(text) };
}

/** POST /api/import/verify: every event of the stream, the last one `done`. */
async function verifying(body: unknown, db?: Database | SourceEnvironment): Promise<{ status: number; text: string; events: VerifyCurrentEvent[] }> {
  const response = await handleVerifyCurrentRequest(post("/api/import/verify", body), envOf(db));
  const text = await response.text();
  return { status: response.status, text, events: response.status === 200 ? text.trim().split("\n").map((line) => JSON.parse(line)) : [] };
}

async function linting(body: unknown, db?: Database | SourceEnvironment): Promise<{ status: number; text: string; reply: Reply<LintAnswer> }> {
  const response = await handleLintRequest(post("/api/lint", body), envOf(db));
  const text = await response.text();
  return { status: response.status, text, reply: JSON.parse(text) };
}

/** Written by hand: an organization table, an owned table with drizzle's crudPolicy shape, a table the API may read without RLS. */
const SCHEMA = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
END $$;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text LANGUAGE sql STABLE AS $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub' $$;
CREATE TABLE projects (id uuid PRIMARY KEY, org_id uuid NOT NULL, title text NOT NULL DEFAULT 'untitled');
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id text NOT NULL, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "crud-authenticated-policy-select" ON notes AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.user_id() = user_id));
GRANT SELECT ON projects TO anon;
`;

const expectFailure = (reply: { ok: boolean }): SourceFailure => {
  expect(reply.ok).toBe(false);
  return (reply as unknown as { error: SourceFailure }).error;
};

describe("import from SQL: a dump loaded into a throwaway PGlite", () => {
  it("reads the tables, proposes a firewall per table with every guess a warning, lists existing policies verbatim", async () => {
    const { status, reply } = await importing({ source: { kind: "sql", text: SCHEMA, fileName: "schema.sql" } });
    expect(status).toBe(200);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    expect(reply.location).toBe("schema.sql");
    expect(validateDesign(reply.design).ok).toBe(true);
    expect(reply.tables).toEqual([
      expect.objectContaining({ name: "notes", firewall: "owner (user_id)", rlsEnabled: true, policies: 1 }),
      expect.objectContaining({ name: "projects", firewall: "organization (org_id)", rlsEnabled: false, policies: 0 }),
    ]);
    expect(reply.design.tables.every((t) => t.existing)).toBe(true);
    expect(reply.warnings.filter((w) => w.path.endsWith(".firewall")).map((w) => w.path)).toEqual(["tables[0].firewall", "tables[1].firewall"]);
    expect(reply.existingPolicies).toEqual([expect.objectContaining({ table: "notes", name: "crud-authenticated-policy-select", command: "SELECT", roles: ["authenticated"] })]);
    expect(reply.existingPolicies[0]!.using).toMatch(/auth\.user_id\(\) = (notes\.)?user_id/);
  });

  it("a dump that does not load: says so with the line, on the field source.text", async () => {
    const { reply } = await importing({ source: { kind: "sql", text: "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABEL b (id int);", fileName: "broken.sql" } });
    const error = expectFailure(reply);
    expect(error.field).toBe("source.text");
    expect(error.message).toMatch(/^broken\.sql does not load near line 2 \("CREATE TABEL b \(id int\);"\): syntax error at or near "TABEL" \[SQLSTATE 42601\]$/);
    expect(error.fix).toBeTruthy();
  });

  it("empty SQL and an unknown schema are refused by field", async () => {
    const empty = await importing({ source: { kind: "sql", text: "  " } });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('"path":"source.text"');
    const { reply } = await importing({ source: { kind: "sql", text: SCHEMA }, schema: "app" });
    const error = expectFailure(reply);
    expect(error.field).toBe("schema");
    expect(error.message).toBe('there is no schema "app" in this database');
    expect(error.fix).toMatch(/public/);
  });
});

describe("a PostgreSQL URL that does not answer", () => {
  it("names the field and the cause, and never echoes the password", async () => {
    const url = "postgres://someone:Sekr3t-Passw0rd@127.0.0.1:1/app";
    for (const run of [importing, linting]) {
      const { text, reply } = await run({ source: { kind: "postgres", url } });
      const error = expectFailure(reply);
      expect(error.field).toBe("source.url");
      expect(error.message).toMatch(/^could not connect: /);
      expect(error.fix).toMatch(/Nothing answers at that host and port/);
      expect(text).not.toContain("Sekr3t-Passw0rd");
    }
  });
});

describe.each(testDatabases())("import and check on $name, as the embedded database", (factory) => {
  let db: Database;
  beforeAll(async () => {
    db = await factory.open();
    await db.exec(SCHEMA);
  });
  afterAll(() => db?.close());

  it("imports the same design as from SQL", async () => {
    const { reply } = await importing({ source: { kind: "embedded" } }, db);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    expect(reply.tables.map((t) => `${t.name}: ${t.firewall}`)).toEqual(["notes: owner (user_id)", "projects: organization (org_id)"]);
  });

  it("checks the database: each finding with its object, why and fix; SARIF; a design fix where the design can make it", async () => {
    const { reply } = await linting({ source: { kind: "embedded" } }, db);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    const names = reply.findings.map((f) => `${f.level} ${f.rule} ${f.object}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "error rls_disabled_in_exposed public.projects",
        'warning auth_rls_initplan policy "crud-authenticated-policy-select" on public.notes',
        "warning rls_not_forced_for_owner public.notes",
      ]),
    );
    for (const f of reply.findings) expect([f.title.length > 10, f.message.length > 10, f.fix.length > 10]).toEqual([true, true, true]);
    const sarif = reply.sarif as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toHaveLength(reply.findings.length);

    const imported = await importing({ source: { kind: "embedded" } }, db);
    if (!imported.reply.ok) throw new Error("import failed");
    const design = imported.reply.design;
    const fixOf = (rule: string): DesignFix | null => designFixFor(reply.findings.find((f) => f.rule === rule)!, design);
    expect(fixOf("rls_not_forced_for_owner")).toMatchObject({ kind: "command", command: "setForceRowLevelSecurity" });
    expect(designFixFor(reply.findings.find((f) => f.rule === "rls_not_forced_for_owner")!, { ...design, forceRowLevelSecurity: true })).toMatchObject({ kind: "note" });
    expect(fixOf("rls_disabled_in_exposed")).toMatchObject({ kind: "note", text: expect.stringContaining("enables row-level security") });
    expect(fixOf("auth_rls_initplan")).toMatchObject({ kind: "note", text: expect.stringMatching(/^No design field changes it/) });
    // The policy compares user_id, which the design isolates notes by: applying it creates the index.
    expect(fixOf("unindexed_policy_column")).toMatchObject({ kind: "note", text: expect.stringMatching(/^The design indexes notes \(user_id\): applying it creates /) });
  });

  it("verifies the database's own policies against the imported design, with progress, then what the design changes; nothing is left behind", async () => {
    const catalogNow = () => db.query("select tablename, policyname from pg_policies union all select 'fn', proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ('pg_catalog', 'information_schema') order by 1, 2");
    await db.exec("GRANT SELECT ON projects TO authenticated");
    const before = (await catalogNow()).rows;
    const imported = await importing({ source: { kind: "embedded" } }, db);
    if (!imported.reply.ok) throw new Error("import failed");
    const { status, events } = await verifying({ source: { kind: "embedded" }, design: imported.reply.design }, db);
    expect(status).toBe(200);
    expect(events.map((e) => `${e.step}:${e.status}`).filter((s, i, all) => all.indexOf(s) === i)).toEqual(["open:running", "open:done", "verify:running", "verify:done", "done:done"]);
    expect(events.filter((e) => e.step === "verify" && e.status === "running").map((e) => e.detail).slice(1)).toEqual(["table 1 of 2: notes", "table 2 of 2: projects"]);
    const last = events.at(-1)!;
    if (last.step !== "done" || last.status !== "done") throw new Error(JSON.stringify(last));
    const { report, changes } = last.answer;
    expect(report.tables).toEqual(["notes", "projects"]);
    // Today every signed-in user reads every project (no row-level security, SELECT granted below); the design shows each organization its own.
    expect(changes).toContainEqual(expect.objectContaining({ table: "projects", principal: "member of org A", operation: "select", direction: "narrows", text: expect.stringMatching(/^member of org A may read projects less than today \(today: all (\d+) rows; with the design: \d+ of \1 rows\)$/) }));
    // Nobody signed in may insert notes today (no privilege: each insert fails); the design lets each user insert their own.
    expect(changes.filter((c) => c.table === "notes" && c.operation === "insert").every((c) => c.direction === "widens" && /^0 of \d+ new rows$/.test(c.today))).toBe(true);
    expect(changes.length).toBe(report.cells.filter((c) => !c.ok).length);
    expect(last.answer.matrix).toContain("table projects");
    // Rolled back: the same policies and functions, and none of verify's sample rows.
    expect((await catalogNow()).rows).toEqual(before);
    expect((await db.query("select (select count(*) from notes)::int + (select count(*) from projects)::int as n")).rows).toEqual([{ n: 0 }]);

    // A design whose tables the database lacks is refused in words, before anything runs.
    const other = await verifying({ source: { kind: "embedded" }, design: validateDesign(template("todos")).ok ? template("todos") : {} }, db);
    const refused = other.events.at(-1)!;
    expect(refused).toMatchObject({ step: "done", status: "failed", error: { code: "not-in-database", message: expect.stringContaining("table todos") } });
  }, 120_000);
});

describe.skipIf(!adminUrl)("PostgreSQL by URL (DATABASE_URL)", () => {
  let url: string;
  let db: Database;
  beforeAll(async () => {
    ({ url, db } = await createPostgresTestDatabase(adminUrl!));
    await db.exec(`${SCHEMA}
      DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rlsd_no_usage') THEN CREATE ROLE rlsd_no_usage LOGIN; END IF; END $$;
      CREATE SCHEMA hidden; CREATE TABLE hidden.t (id int PRIMARY KEY); REVOKE ALL ON SCHEMA hidden FROM PUBLIC;`);
  });
  afterAll(() => db?.close());

  it("imports and checks the database the URL names", async () => {
    const imported = await importing({ source: { kind: "postgres", url } });
    if (!imported.reply.ok) throw new Error(JSON.stringify(imported.reply.error));
    expect(imported.reply.tables.map((t) => t.name)).toEqual(["notes", "projects"]);
    const checked = await linting({ source: { kind: "postgres", url } });
    if (!checked.reply.ok) throw new Error(JSON.stringify(checked.reply.error));
    expect(checked.reply.findings.map((f) => f.rule)).toContain("rls_disabled_in_exposed");
  });

  it("no privilege to read the schema: names the field and what to grant", async () => {
    const asRole = new URL(url);
    asRole.username = "rlsd_no_usage";
    const { reply } = await importing({ source: { kind: "postgres", url: asRole.toString() }, schema: "hidden" });
    const error = expectFailure(reply);
    expect(error.field).toBe("schema");
    expect(error.message).toMatch(/may not use schema "hidden"/);
    expect(error.fix).toMatch(/GRANT USAGE ON SCHEMA/);
  });
});

describe.skipIf(!adminUrl || new URL(adminUrl).host !== PROXY_ALLOWED_ADDRESS)("a Neon branch as the source, through the API key (the stand-in's branches are real databases)", () => {
  const API_KEY = "napi_importStandIn0123456789abcdefghijklmnop";
  const PASSWORD = "npg_ImportStandInPassw0rd";
  let standIn: NeonStandIn;
  let env: SourceEnvironment;
  let branch: Database;
  beforeAll(async () => {
    standIn = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: PASSWORD });
    env = { embedded: () => Promise.reject(new Error("not used")), neon: { baseURL: standIn.baseURL, proxy: (await sharedWsProxy()).url } };
    const url = new URL(adminUrl!);
    url.pathname = `/${standIn.databaseOf(standIn.defaultBranchId)}`;
    branch = await (await import("../db")).openDatabase({ url: url.toString() });
    await branch.exec(SCHEMA);
  });
  afterAll(async () => {
    await branch?.close();
    await standIn?.close();
  });

  it("imports, checks and verifies the branch where it is; the key and the branch's password never come back", async () => {
    const source = { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId };
    const imported = await importing({ source }, env);
    if (!imported.reply.ok) throw new Error(JSON.stringify(imported.reply.error));
    expect(imported.reply.location).toBe(`neondb on Neon branch main (${standIn.projectId})`);
    expect(imported.reply.tables.map((t) => t.name)).toEqual(["notes", "projects"]);
    const checked = await linting({ source: { ...source, branchId: standIn.defaultBranchId, databaseName: "neondb", roleName: "postgres" } }, env);
    if (!checked.reply.ok) throw new Error(JSON.stringify(checked.reply.error));
    expect(checked.reply.findings.map((f) => f.rule)).toContain("rls_disabled_in_exposed");
    const verified = await verifying({ source, design: imported.reply.design }, env);
    expect(verified.events.at(-1)).toMatchObject({ step: "done", status: "done", answer: { ok: true, report: { tables: ["notes", "projects"] } } });
    expect((await branch.query("select count(*)::int as n from notes")).rows).toEqual([{ n: 0 }]);
    // A wrong key: the field, Neon's refusal and what to do.
    const refused = await importing({ source: { ...source, apiKey: "napi_wrongKey0123456789abcdefghijklmnop" } }, env);
    expect(expectFailure(refused.reply)).toMatchObject({ field: "source.neon", code: "neon-api", fix: expect.stringMatching(/refused the API key/) });
    for (const text of [imported.text, checked.text, verified.text, refused.text]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(PASSWORD);
    }
    expect(standIn.branches()).toHaveLength(1);
  }, 120_000);
});
