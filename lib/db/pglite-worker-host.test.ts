import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgliteWorker } from "./pglite-worker-host";
import { DatabaseError, DatabaseRestartedError, type Database } from "./types";

const RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r) SELECT count(*) FROM r";
const DEADLINE_MS = 300;
/** The backstop for requests that name no deadline (the server's embedded database has 120 s). */
const DEFAULT_DEADLINE_MS = 1500;

/** How many times a 20 ms timer fired while `work` ran: the event loop was free if it kept firing. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ ticks: number; settled: PromiseSettledResult<T> }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const [settled] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { ticks, settled };
}

const errorOf = (settled: PromiseSettledResult<unknown>) => (settled.status === "rejected" ? settled.reason : new Error("it did not fail"));

describe("PGlite in a worker thread", () => {
  let dir: string;
  let db: Database;
  /** One per worker the host started, settling when that worker's thread has exited. */
  const exits: Promise<number>[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rlsd-pglite-worker-"));
    db = await openPgliteWorker(dir, `PGlite in ${dir}`, {
      defaultDeadlineMs: DEFAULT_DEADLINE_MS,
      onWorker: (worker) => exits.push(new Promise((resolve) => worker.once("exit", resolve))),
    });
    await db.exec(`CREATE TABLE kept (id int PRIMARY KEY, label text); INSERT INTO kept VALUES (1, 'committed before');`);
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers as the in-process PGlite does: int8 as text, SQLSTATEs, transactions", async () => {
    const { rows } = await db.query("SELECT count(*) AS n, $1::jsonb AS doc", [JSON.stringify({ a: [1] })]);
    expect(rows[0]).toEqual({ n: "1", doc: { a: [1] } });
    const missing = await db.query("SELECT * FROM nowhere").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DatabaseError);
    expect((missing as DatabaseError).sqlstate).toBe("42P01");
    const thrown = new Error("from the callback");
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO kept VALUES (2, 'rolled back')");
      throw thrown;
    })).rejects.toBe(thrown);
    const aborted = await db.transaction(async (tx) => {
      await tx.query("SELECT 1/0").catch(() => {});
    }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(DatabaseError);
    expect((await db.query("SELECT id FROM kept ORDER BY id")).rows).toEqual([{ id: 1 }]);
  });

  it("stops a never-ending statement at its deadline, restarts, and keeps what was committed", async () => {
    const started = Date.now();
    const inTransaction = db.transaction(async (tx) => {
      await tx.query("INSERT INTO kept VALUES (3, 'not kept')");
      return tx.query(RUNAWAY, [], { deadlineMs: DEADLINE_MS });
    });
    // Waits behind the transaction inside the worker: it must fail with the restart, not hang.
    const waiting = db.query("SELECT 1 AS one");
    const { ticks, settled } = await ticksDuring(inTransaction);
    const elapsed = Date.now() - started;

    const error = errorOf(settled);
    expect(error).toBeInstanceOf(DatabaseRestartedError);
    expect((error as DatabaseError).sqlstate).toBe("57014");
    expect((error as Error).message).toMatch(/statement timeout: it ran over 0\.3 s; the embedded database was restarted/);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 3000);
    // The server's event loop went on while the statement ran (it would be 0 in-process).
    expect(ticks).toBeGreaterThan(5);
    const other = errorOf((await Promise.allSettled([waiting]))[0]);
    expect((other as DatabaseError).sqlstate).toBe("57P01");

    expect((await db.query("SELECT id, label FROM kept ORDER BY id")).rows).toEqual([{ id: 1, label: "committed before" }]);
  });

  it("stops pg_sleep outside a transaction too, and a statement within its deadline is untouched", async () => {
    const { settled } = await ticksDuring(db.query("SELECT pg_sleep(1e6)", [], { deadlineMs: DEADLINE_MS }));
    expect((errorOf(settled) as DatabaseError).sqlstate).toBe("57014");
    expect((await db.query("SELECT 2 AS two", [], { deadlineMs: 5000 })).rows).toEqual([{ two: 2 }]);
    expect((await db.query("SELECT count(*) AS n FROM kept")).rows).toEqual([{ n: "1" }]);
  });

  it("stops a script that names no deadline at the default one", async () => {
    const error = await db.exec("SELECT 1; SELECT pg_sleep(1e6)").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseRestartedError);
    expect((error as Error).message).toMatch(/it ran over 1\.5 s/);
    expect((await db.query("SELECT count(*) AS n FROM kept")).rows).toEqual([{ n: "1" }]);
  });

  it("a database that cannot be opened is reported, and not tried again in a loop", async () => {
    const started: Promise<number>[] = [];
    const notADirectory = join(dir, "PG_VERSION", "inside-a-file");
    const error = await openPgliteWorker(notADirectory, `PGlite in ${notADirectory}`, {
      onWorker: (worker) => started.push(new Promise((resolve) => worker.once("exit", resolve))),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(/could not open the PGlite database/);
    await Promise.all(started);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toHaveLength(1);
  });

  it("leaves no thread behind: each stopped worker and, once closed, the last one have exited", async () => {
    // The first worker and one per restart (the three tests above).
    expect(exits).toHaveLength(4);
    await Promise.all(exits.slice(0, 3));
    await db.close();
    await Promise.all(exits);
    await expect(db.query("SELECT 1")).rejects.toThrow(/is closed/);
  });
});
