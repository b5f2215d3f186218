import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { apply, ApplyError, pendingMigrations, type ApplyProgress, type Database } from "./index";
import { NEON_SETUP, NOTES_TABLE, dumpState, makeBundle, whenOf } from "./test-bundles";
import { testDatabases } from "./test-databases";
import { serverlessTestDatabases } from "./test-serverless";

const PLAIN_TABLES = {
  tag: "0000_tables",
  statements: [
    `CREATE TABLE "projects" ("id" serial PRIMARY KEY, "name" text NOT NULL);`,
    `CREATE TABLE "tasks" ("id" serial PRIMARY KEY, "project_id" int REFERENCES "projects"("id"), "done" boolean DEFAULT false);`,
  ],
};

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function ledger(db: Database) {
  return (await db.query<{ hash: string; created_at: string }>(`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id`)).rows;
}

describe.each([...testDatabases(), ...serverlessTestDatabases()])("apply on $name", ({ open }) => {
  let db: Database;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(async () => {
    await db?.close();
  });

  it("creates the tables and records each migration as drizzle-orm would", async () => {
    const bundle = makeBundle([PLAIN_TABLES, { tag: "0001_more", statements: [`ALTER TABLE "tasks" ADD COLUMN "title" text;`] }]);
    const events: ApplyProgress[] = [];
    const result = await apply(bundle, db, { onProgress: (e) => events.push(e) });

    expect(result).toEqual({ applied: ["0000_tables", "0001_more"], alreadyApplied: [], standIn: false, notices: [] });
    const columns = await db.query(
      `select table_name, column_name from information_schema.columns where table_schema = 'public' order by 1, 2`,
    );
    expect(columns.rows).toEqual([
      { table_name: "projects", column_name: "id" },
      { table_name: "projects", column_name: "name" },
      { table_name: "tasks", column_name: "done" },
      { table_name: "tasks", column_name: "id" },
      { table_name: "tasks", column_name: "project_id" },
      { table_name: "tasks", column_name: "title" },
    ]);
    const files = bundle.filter((f) => f.path.endsWith(".sql"));
    expect(await ledger(db)).toEqual([
      { hash: sha256(files[0].contents), created_at: String(whenOf(0)) },
      { hash: sha256(files[1].contents), created_at: String(whenOf(1)) },
    ]);
    expect(events).toEqual([
      { step: "lock" },
      { step: "ledger" },
      { step: "migration", index: 0, total: 2, tag: "0000_tables" },
      { step: "migration", index: 1, total: 2, tag: "0001_more" },
    ]);
  });

  it("does nothing when applied again", async () => {
    const bundle = makeBundle([PLAIN_TABLES]);
    await apply(bundle, db);
    const before = await dumpState(db);
    expect(await apply(bundle, db)).toEqual({ applied: [], alreadyApplied: ["0000_tables"], standIn: false, notices: [] });
    expect(await dumpState(db)).toBe(before);
  });

  it("applies only what is new, and lists what is pending", async () => {
    const first = makeBundle([PLAIN_TABLES]);
    const second = makeBundle([PLAIN_TABLES, { tag: "0001_index", statements: [`CREATE INDEX "tasks_project" ON "tasks" ("project_id");`] }]);
    expect(await pendingMigrations(second, db)).toEqual(["0000_tables", "0001_index"]);
    await apply(first, db);
    expect(await pendingMigrations(second, db)).toEqual(["0001_index"]);
    expect(await apply(second, db)).toMatchObject({ applied: ["0001_index"], alreadyApplied: ["0000_tables"] });
    expect(await pendingMigrations(second, db)).toEqual([]);
    expect(await ledger(db)).toHaveLength(2);
  });

  it("changes nothing when a statement fails, and says which one and why", async () => {
    const setup = { tag: "0000_tables", statements: [...PLAIN_TABLES.statements, `INSERT INTO "projects" ("name") VALUES ('kept');`] };
    await apply(makeBundle([setup]), db);
    const before = await dumpState(db, ["projects"]);

    const bundle = makeBundle([
      setup,
      { tag: "0001_notes_and_data", statements: [...NOTES_TABLE.statements.slice(0, 2), `UPDATE "projects" SET "name" = 'changed';`] },
      {
        tag: "0002_broken",
        statements: [
          `ALTER TABLE "projects" ADD COLUMN "owner" text;`,
          `CREATE POLICY "p" ON "projects" FOR SELECT USING (true);`,
          `INSERT INTO "no_such_table" VALUES (1);`,
          `CREATE TABLE "never" ("id" int);`,
        ],
      },
    ]);
    const error = await apply(bundle, db).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApplyError);
    expect(error).toMatchObject({
      file: "drizzle/0002_broken.sql",
      statement: 3,
      statementText: `INSERT INTO "no_such_table" VALUES (1);`,
      sqlstate: "42P01",
    });
    const message = (error as ApplyError).message;
    expect(message).toContain("drizzle/0002_broken.sql, statement 3");
    expect(message).toContain("42P01");
    expect(message).toContain(`relation "no_such_table" does not exist`);
    expect(await dumpState(db, ["projects"])).toBe(before);
    expect(await pendingMigrations(bundle, db)).toEqual(["0001_notes_and_data", "0002_broken"]);
  });

  it("cuts long failing statements in the error", async () => {
    const long = `SELECT ${"1 + ".repeat(400)}no_such_column;`;
    const error = (await apply(makeBundle([{ tag: "0000_long", statements: [long] }]), db).catch((e: unknown) => e)) as ApplyError;
    expect(error.sqlstate).toBe("42703");
    expect(error.statementText!.length).toBeLessThanOrEqual(501);
    expect(error.statementText!.startsWith("SELECT 1 + 1 + ")).toBe(true);
  });

  it("serialises concurrent applies through one Database", async () => {
    const bundle = makeBundle([PLAIN_TABLES, { tag: "0001_more", statements: [`ALTER TABLE "tasks" ADD COLUMN "title" text;`] }]);
    const results = await Promise.all([apply(bundle, db), apply(bundle, db)]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], ["0000_tables", "0001_more"]]);
    expect(await ledger(db)).toHaveLength(2);
  });

  it("installs the pg_session_jwt stand-in where the extension is missing", async () => {
    const bundle = makeBundle([NEON_SETUP, NOTES_TABLE]);
    const events: ApplyProgress[] = [];
    const result = await apply(bundle, db, { onProgress: (e) => events.push(e) });
    expect(result).toEqual({ applied: ["0000_neon_setup", "0001_notes"], alreadyApplied: [], standIn: true, notices: [expect.stringMatching(/^pg_session_jwt is not available on this database, so a local stand-in/)] });
    expect(events.map((e) => e.step)).toEqual(["lock", "ledger", "stand-in", "migration", "migration"]);
    expect((await db.query("select count(*)::int as n from pg_extension where extname = 'pg_session_jwt'")).rows).toEqual([{ n: 0 }]);

    const claims = await db.transaction(async (tx) => {
      await tx.query("select set_config('request.jwt.claims', $1, true)", ['{"sub":"u1"}']);
      return (await tx.query("select auth.user_id() as user_id, auth.uid() as uid, auth.session() as session")).rows[0];
    });
    expect(claims).toEqual({ user_id: "u1", uid: null, session: { sub: "u1" } });
    expect((await db.query("select auth.user_id() as user_id")).rows).toEqual([{ user_id: null }]);

    // The policies see the stand-in's user when the role is not the table's owner.
    await db.exec(`INSERT INTO "notes" ("user_id", "body") VALUES ('u1', 'mine'), ('u2', 'theirs');`);
    const visible = await db.transaction(async (tx) => {
      await tx.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", ['{"sub":"u1"}']);
      return (await tx.query(`select body from "notes" order by id`)).rows;
    });
    expect(visible).toEqual([{ body: "mine" }]);

    expect(await apply(bundle, db)).toEqual({ applied: [], alreadyApplied: ["0000_neon_setup", "0001_notes"], standIn: false, notices: [] });
  });

  it("leaves schema auth alone when the bundle does not ask for pg_session_jwt", async () => {
    const result = await apply(makeBundle([PLAIN_TABLES]), db);
    expect(result.standIn).toBe(false);
    expect((await db.query("select to_regnamespace('auth') is null as absent")).rows).toEqual([{ absent: true }]);
  });

  it("refuses to replace functions of another schema auth", async () => {
    await db.exec(`CREATE SCHEMA auth; CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql AS 'select null::uuid';`);
    const before = await dumpState(db);
    const error = await apply(makeBundle([NEON_SETUP, NOTES_TABLE]), db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as Error).message).toMatch(/auth\.uid/);
    expect(await dumpState(db)).toBe(before);
  });

  it("uses a stand-in installed earlier without installing it again", async () => {
    await apply(makeBundle([NEON_SETUP]), db);
    // A later bundle that again asks for the extension (e.g. a regenerated setup migration).
    const again = { tag: "0001_setup_again", statements: ["CREATE EXTENSION IF NOT EXISTS \"pg_session_jwt\";"] };
    const result = await apply(makeBundle([NEON_SETUP, again]), db);
    expect(result).toMatchObject({ applied: ["0001_setup_again"], standIn: false });
  });
});

describe("apply refuses a bad bundle before touching the database", () => {
  it.each([
    ["no journal", [], /no meta\/_journal\.json/],
    ["a journal that is not JSON", [{ path: "drizzle/meta/_journal.json", contents: "{" }], /_journal\.json: not valid JSON/],
    [
      "a journal for another dialect",
      [{ path: "drizzle/meta/_journal.json", contents: JSON.stringify({ version: "7", dialect: "mysql", entries: [] }) }],
      /dialect/,
    ],
    [
      "an entry without a time",
      [{ path: "drizzle/meta/_journal.json", contents: JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", tag: "0000_x", breakpoints: true }] }) }],
      /entries\.0\.when/,
    ],
    ["a missing migration file", makeBundle([PLAIN_TABLES]).filter((f) => !f.path.endsWith(".sql")), /drizzle\/0000_tables\.sql is listed in the journal but missing/],
    [
      "times that do not increase",
      makeBundle([PLAIN_TABLES, NOTES_TABLE]).map((f) =>
        f.path.endsWith("_journal.json") ? { ...f, contents: f.contents.replace(String(whenOf(1)), String(whenOf(0))) } : f,
      ),
      /entries\[1\]\.when: .* is not later/,
    ],
  ])("%s", async (_, bundle, message) => {
    const untouchable = { kind: "pglite", location: "nowhere" } as unknown as Database; // any use would throw
    await expect(apply(bundle, untouchable)).rejects.toThrow(message);
  });
});
