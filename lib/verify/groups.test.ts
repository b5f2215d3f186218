import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { largeDesign } from "../../bench/scale/design";
import { compileDesign, type Bundle } from "../compiler";
import { template, type Design } from "../design";
import { apply, readLockTable, type Database } from "../db";
import { createPostgresTestDatabase, testDatabases } from "../db/test-databases";
import { arbitraryDesignFor } from "../testing/arbitrary-design";
import { groupTables, tablesPerGroup, verifyBundle } from ".";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const withTablesTenancy: Design = {
  ...template("saas"),
  auth: {
    provider: "custom",
    tenancy: { source: "tables", membership: { table: "members", user: "user_id", org: "org_id", role: "role" }, activeOrg: { table: "sessions", user: "user_id", org: "org_id" } },
  },
} as Design;

describe.each(testDatabases())("verify in groups on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const sameReport = async (design: Design, bundle?: Bundle) => {
    const result = compiled(design);
    const whole = await verifyBundle(result.model, bundle ?? result.bundle, db, undefined, [], { tablesPerGroup: 10_000 });
    const groups: string[][] = [];
    const split = await verifyBundle(result.model, bundle ?? result.bundle, db, undefined, [], { tablesPerGroup: 1, onGroup: (g) => groups.push([...g.tables]) });
    expect(groups.flat().sort()).toEqual(result.model.tables.map((t) => t.name).sort());
    const bound = result.model.tables.some((t) => t.firewall.kind === "parent" || Object.values(t.access).flat().some((r) => r?.sharedVia));
    if (!bound) expect(groups.length).toBe(Math.max(1, result.model.tables.length));
    expect(split).toEqual(whole);
    return split;
  };

  it("gives the same report table by table as in one transaction, with tables tenancy (memberships in every group)", async () => {
    const report = await sameReport(withTablesTenancy);
    expect(report.ok).toBe(true);
    expect(report.tables).toEqual(["projects", "documents", "members", "sessions"]);
  });

  it("gives the same mismatches when a policy is wrong", async () => {
    const { bundle } = compiled(template("saas"));
    const broken = bundle.map((f) => (f.path.endsWith("_policies.sql") ? { ...f, contents: f.contents.replace(`\n    AND "status" = 'draft'`, "") } : f));
    expect(broken).not.toEqual(bundle);
    const report = await sameReport(template("saas"), broken);
    expect(report.mismatches.length).toBeGreaterThan(0);
  });

  it("gives the same report for random designs", async () => {
    for (const design of fc.sample(arbitraryDesignFor(), { numRuns: 2 })) await sameReport(design);
  });
});

describe("grouping", () => {
  it("keeps tables joined by foreign keys together and the design's order otherwise", () => {
    const { model } = compiled(largeDesign(5));
    expect(groupTables(model, 3)).toEqual([
      ["projects_1", "documents_1"],
      ["projects_2", "documents_2"],
      ["projects_3", "documents_3"],
      ["projects_4", "documents_4"],
      ["projects_5", "documents_5"],
    ]);
    expect(groupTables(model, 4).map((g) => g.length)).toEqual([4, 4, 2]);
    expect(groupTables(model, 1).flat()).toEqual(model.tables.map((t) => t.name));
  });

  it("never splits a table from the parent its firewall goes through, nor from its sharing table", () => {
    const { model } = compiled(template("tracker"));
    expect(groupTables(model, 1)).toEqual([["projects", "tasks", "comments"]]);
    const { model: documents } = compiled(template("documents"));
    expect(groupTables(documents, 1)).toEqual([["documents", "document_shares"]]);
  });

  it("keeps every parent firewall and sharing table in its table's group, for random designs (property)", () => {
    fc.assert(
      fc.property(arbitraryDesignFor(), fc.integer({ min: 1, max: 4 }), (design, size) => {
        const { model } = compiled(design);
        const groups = groupTables(model, size);
        const groupOf = (name: string) => groups.findIndex((g) => g.includes(name));
        expect(groups.flat().sort()).toEqual(model.tables.map((t) => t.name).sort());
        for (const t of model.tables) {
          if (t.firewall.kind === "parent") expect(groupOf(t.firewall.table)).toBe(groupOf(t.name));
          for (const rule of Object.values(t.access).flat()) if (rule?.sharedVia) expect(groupOf(rule.sharedVia.table)).toBe(groupOf(t.name));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("sizes groups well inside PostgreSQL's default lock table (64 x 100 entries)", () => {
    const size = tablesPerGroup({ maxLocksPerTransaction: 64, maxConnections: 100, maxPreparedTransactions: 0, size: 6400 });
    expect(size).toBeGreaterThanOrEqual(20);
    expect(size * 16 + 64).toBeLessThanOrEqual(6400 / 8);
    expect(tablesPerGroup({ maxLocksPerTransaction: 10, maxConnections: 5, maxPreparedTransactions: 0, size: 50 })).toBe(1);
  });
});

// 120 tables: one transaction overflowed PostgreSQL's default lock table at 100.
describe.skipIf(!process.env.DATABASE_URL)("120 tables on PostgreSQL with default settings", () => {
  it("applies, then verifies in groups without running out of locks, and leaves the database as it was", async () => {
    const { db } = await createPostgresTestDatabase(process.env.DATABASE_URL!);
    try {
      const { model, bundle } = compiled(largeDesign(60));
      await apply(bundle, db);
      const lockTable = await readLockTable(db);
      const snapshot = () => db.query("select relname, n_live_tup from pg_stat_user_tables order by 1");
      await db.query("insert into public.projects_1 (organization_id, name) values ('org_keep', 'kept')");
      const before = await db.query("select count(*)::int as n from public.projects_1");
      const groups: number[] = [];
      const progress: number[] = [];
      const report = await verifyBundle(model, bundle, db, (p) => progress.push(p.index), [], { onGroup: (g) => groups.push(g.tables.length) });
      expect(report.mismatches).toEqual([]);
      expect(report.tables.length).toBe(120);
      expect(report.cells.length).toBe(120 * report.principals.length * 4);
      expect(groups.length).toBe(Math.ceil(120 / tablesPerGroup(lockTable)));
      expect(progress).toEqual([...Array(120).keys()]);
      expect((await db.query("select count(*)::int as n from public.projects_1")).rows).toEqual(before.rows);
      expect((await snapshot()).rows.length).toBe(120 + 1); // the design's tables and the ledger
    } finally {
      await db.close();
    }
  }, 300_000); // a time limit for a hang, not a speed target (bench:scale measures that)
});
