import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatabaseError, openDatabase, redactUrl, type Database } from "./index";
import { testDatabases } from "./test-databases";
import { serverlessTestDatabases } from "./test-serverless";

describe.each([...testDatabases(), ...serverlessTestDatabases()])("Database on $name", ({ kind, open }) => {
  let db: Database;
  beforeEach(async () => {
    db = await open();
    await db.exec(`CREATE TABLE "t" ("id" int PRIMARY KEY, "label" text); INSERT INTO "t" VALUES (1, 'one');`);
  });
  afterEach(async () => {
    await db?.close();
  });

  it("says what it is", () => {
    expect(db.kind).toBe(kind);
    expect(db.location).not.toBe("");
  });

  it("runs one statement with $n parameters and counts rows", async () => {
    const inserted = await db.query(`INSERT INTO "t" VALUES ($1, $2), ($3, $4)`, [2, "two", 3, null]);
    expect(inserted.rowCount).toBe(2);
    const selected = await db.query<{ id: number; label: string | null }>(`SELECT id, label FROM "t" WHERE id >= $1 ORDER BY id`, [2]);
    expect(selected.rows).toEqual([
      { id: 2, label: "two" },
      { id: 3, label: null },
    ]);
    expect(selected.rowCount).toBe(2);
  });

  it("returns int8 as text and jsonb parsed, the same on both drivers", async () => {
    const { rows } = await db.query("SELECT count(*) AS n, 9007199254740993::int8 AS big, $1::jsonb AS doc", [JSON.stringify({ a: [1] })]);
    expect(rows[0]).toEqual({ n: "1", big: "9007199254740993", doc: { a: [1] } });
  });

  it("refuses two statements in query() but runs scripts in exec()", async () => {
    await expect(db.query("SELECT 1; SELECT 2")).rejects.toMatchObject({ sqlstate: "42601" });
    await db.exec(`INSERT INTO "t" VALUES (5, 'five'); UPDATE "t" SET label = 'FIVE' WHERE id = 5;`);
    expect((await db.query(`SELECT label FROM "t" WHERE id = 5`)).rows).toEqual([{ label: "FIVE" }]);
  });

  it("reports database errors as DatabaseError with the SQLSTATE", async () => {
    const error = await db.query("SELECT * FROM missing_table").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ sqlstate: "42P01", code: "42P01" });
    expect((error as Error).message).toMatch(/missing_table/);
    await expect(db.exec(`INSERT INTO "t" VALUES (1, 'dup')`)).rejects.toMatchObject({ sqlstate: "23505" });
  });

  it("commits a transaction", async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO "t" VALUES (10, 'ten')`);
      return (await tx.query<{ n: string }>(`SELECT count(*) AS n FROM "t"`)).rows[0].n;
    });
    expect(result).toBe("2");
    expect((await db.query(`SELECT id FROM "t" ORDER BY id`)).rows).toEqual([{ id: 1 }, { id: 10 }]);
  });

  it("rolls back when the callback throws, and rethrows the same error", async () => {
    const thrown = new Error("stop");
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO "t" VALUES (11, 'eleven')`);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect((await db.query(`SELECT id FROM "t" ORDER BY id`)).rows).toEqual([{ id: 1 }]);
  });

  it("does not pretend to commit a transaction whose statement failed", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO "t" VALUES (12, 'twelve')`);
        await tx.query("SELECT 1/0").catch(() => {}); // swallowed: the transaction is aborted anyway
      }),
    ).rejects.toBeInstanceOf(DatabaseError);
    expect((await db.query(`SELECT id FROM "t" ORDER BY id`)).rows).toEqual([{ id: 1 }]);
  });

  it("keeps transaction-local settings inside the transaction", async () => {
    const inside = await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('request.jwt.claims', $1, true)", ['{"sub":"u1"}']);
      return (await tx.query<{ c: string }>("SELECT current_setting('request.jwt.claims', true) AS c")).rows[0].c;
    });
    expect(inside).toBe('{"sub":"u1"}');
    const after = (await db.query<{ c: string | null }>("SELECT nullif(current_setting('request.jwt.claims', true), '') AS c")).rows[0].c;
    expect(after).toBeNull();
  });

  it("runs concurrent transactions without mixing them", async () => {
    const insertThenCount = (id: number) =>
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO "t" VALUES ($1, 'x')`, [id]);
        await new Promise((r) => setTimeout(r, 20));
        return (await tx.query<{ id: number }>(`SELECT id FROM "t" WHERE id = $1`, [id])).rows.length;
      });
    expect(await Promise.all([insertThenCount(20), insertThenCount(21), insertThenCount(22)])).toEqual([1, 1, 1]);
    expect((await db.query(`SELECT count(*)::int AS n FROM "t"`)).rows[0]).toEqual({ n: 4 });
  });
});

describe("openDatabase", () => {
  it("refuses both a URL and a data directory, and URLs that are not PostgreSQL's", async () => {
    await expect(openDatabase({ url: "postgres://x@localhost/db", dataDir: "/tmp/x" })).rejects.toThrow(/not both/);
    await expect(openDatabase({ url: "mysql://x@localhost/db" })).rejects.toThrow(/postgres:\/\//);
  });

  it("names the server, without its password, when it cannot connect", async () => {
    const error = await openDatabase({ url: "postgres://me:s3cret@127.0.0.1:1/db" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain("postgres://me:***@127.0.0.1:1/db");
    expect((error as Error).message).not.toContain("s3cret");
    expect((error as DatabaseError).sqlstate).toBeUndefined();
  });

  it("persists PGlite data in a directory, creating it", async () => {
    const parent = await mkdtemp(join(tmpdir(), "rlsd-pglite-"));
    const dataDir = join(parent, "nested", "pglite");
    try {
      const first = await openDatabase({ dataDir });
      expect(first.kind).toBe("pglite");
      expect(first.location).toContain(dataDir);
      await first.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here');`);
      await first.close();
      const second = await openDatabase({ dataDir });
      expect((await second.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
      await second.close();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe("redactUrl", () => {
  it("hides passwords in the user part and in parameters", () => {
    expect(redactUrl("postgres://user:pw@host:5432/db")).toBe("postgres://user:***@host:5432/db");
    expect(redactUrl("postgresql://user@host/db?sslmode=require&password=pw")).toBe("postgresql://user@host/db?sslmode=require&password=***");
    expect(redactUrl("not a url")).not.toContain("not a url");
  });
});
