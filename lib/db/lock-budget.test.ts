import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { largeDesign } from "../../bench/scale/design";
import { compileDesign } from "../compiler";
import type { Design } from "../design";
import { apply, applyWithin, ApplyError, estimateApplyLocks, readLockTable, readMigrations, transactionLockLimit, type Database } from ".";
import { testDatabases } from "./test-databases";

function bundleOf(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.bundle;
}

describe.each(testDatabases())("apply's lock budget on $name", ({ name, open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("estimates at least the locks applying really holds, and not far more", async () => {
    const bundle = bundleOf(largeDesign(name === "postgres" ? 60 : 10));
    const estimate = estimateApplyLocks(await readMigrations(bundle));
    let held = 0;
    await db
      .transaction(async (tx) => {
        await applyWithin(bundle, tx);
        held = Number((await tx.query<{ n: string }>("select count(*) as n from pg_catalog.pg_locks where pid = pg_catalog.pg_backend_pid()")).rows[0].n);
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(held).toBeGreaterThan(0);
    expect(estimate).toBeGreaterThanOrEqual(held);
    expect(estimate).toBeLessThan(held * 1.5);
  }, 60_000);

  it("refuses before any change a bundle whose locks would not fit, naming the setting", async () => {
    const lockTable = await readLockTable(db);
    expect(lockTable.size).toBe(64 * 100); // the defaults
    const bundle = bundleOf(largeDesign(400)); // 800 tables: about 13,600 locks
    expect(estimateApplyLocks(await readMigrations(bundle))).toBeGreaterThan(transactionLockLimit(lockTable));
    const error = await apply(bundle, db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).sqlstate).toBe("53200");
    expect((error as ApplyError).message).toMatch(/ALTER SYSTEM SET max_locks_per_transaction = \d+/);
    const tables = await db.query("select table_name from information_schema.tables where table_schema = 'public'");
    expect(tables.rows).toEqual([]);
  }, 60_000);
});
