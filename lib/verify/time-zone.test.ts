import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign, type Bundle } from "../compiler";
import type { Design } from "../design";
import { applyWithin, type Database, type Session } from "../db";
import { testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle, verifyModel } from ".";

/** Zone-less timestamptz values, in a condition and in a default: they mean UTC. */
const design: Design = {
  version: 1,
  name: "zones",
  target: "postgres",
  auth: { provider: "clerk" },
  tables: [
    {
      name: "events",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "user_id", type: "text", notNull: true, default: "$user" },
        { name: "starts_at", type: "timestamptz", notNull: true, default: "'2026-01-31 12:00'" },
        { name: "ends_on", type: "timestamptz" },
      ],
      firewall: { owner: { column: "user_id" } },
      access: {
        select: { where: [{ column: "starts_at", op: "lt", value: "2026-01-31T12:00:00" }] },
        insert: { check: [{ column: "ends_on", op: "in", value: ["2026-02-01", "2026-03-01T00:00:00Z"] }] },
        update: { where: [{ column: "starts_at", op: "gte", value: "2026-01-31 12:00" }], check: [] },
        delete: {},
      },
    },
  ],
};

function compiled() {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

/** Applies as someone whose TimeZone is Asia/Tokyo would (PGTZ, a session default, SET TimeZone). */
async function applyFromTokyo(tx: Session, bundle: Bundle) {
  await tx.query("select set_config('TimeZone', 'Asia/Tokyo', true)");
  expect((await tx.query<{ zone: string }>("select current_setting('TimeZone') as zone")).rows[0].zone).toBe("Asia/Tokyo");
  await applyWithin(bundle, tx);
}

/** The bundle as it would be if zone-less values were passed through. */
const unpinned = (bundle: Bundle): Bundle =>
  bundle.map((f) => ({ ...f, contents: f.contents.replaceAll("'2026-01-31 12:00+00'", "'2026-01-31 12:00'").replaceAll("'2026-01-31T12:00:00+00'", "'2026-01-31T12:00:00'") }));

describe("zone-less timestamptz values are pinned to UTC", () => {
  it("writes them with +00 in policies and defaults; values with a zone stay as written", () => {
    const { bundle } = compiled();
    const all = bundle.map((f) => f.contents).join("\n");
    expect(all).toContain(`"starts_at" < '2026-01-31T12:00:00+00'`);
    expect(all).toContain(`"ends_on" IN ('2026-02-01 00:00:00+00', '2026-03-01T00:00:00Z')`);
    expect(all).toContain(`"starts_at" timestamptz NOT NULL DEFAULT '2026-01-31 12:00+00'`);
  });
});

describe.each(testDatabases())("applied from Asia/Tokyo, on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("means the same instants as in UTC, and verify finds zero mismatches", async () => {
    const { model, bundle } = compiled();
    await db.transaction((tx) => applyFromTokyo(tx, bundle));
    const seen = await db.transaction(async (tx) => {
      await tx.query("select set_config('TimeZone', 'UTC', true)");
      const policy = await tx.query<{ qual: string }>("select qual from pg_catalog.pg_policies where tablename = 'events' and cmd = 'SELECT'");
      const column = await tx.query<{ d: string }>("select column_default as d from information_schema.columns where table_name = 'events' and column_name = 'starts_at'");
      return { qual: policy.rows[0].qual, default: column.rows[0].d };
    });
    expect(seen.qual).toContain("'2026-01-31 12:00:00+00'");
    expect(seen.default).toContain("'2026-01-31 12:00:00+00'");
    const report = await verifyBundle(model, bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });

  it("would mean 03:00 UTC, and verify would find mismatches, if the values were passed through", async () => {
    const { model, bundle } = compiled();
    const other = await open();
    try {
      let report: Awaited<ReturnType<typeof verifyModel>> | null = null;
      await other
        .transaction(async (tx) => {
          await applyFromTokyo(tx, unpinned(bundle));
          await tx.query("select set_config('TimeZone', 'UTC', true)");
          const policy = await tx.query<{ qual: string }>("select qual from pg_catalog.pg_policies where tablename = 'events' and cmd = 'SELECT'");
          expect(policy.rows[0].qual).toContain("'2026-01-31 03:00:00+00'");
          report = await verifyModel(model, tx);
          throw new Error("roll back");
        })
        .catch((error: Error) => {
          if (error.message !== "roll back") throw error;
        });
      expect(report!.ok).toBe(false);
    } finally {
      await other.close();
    }
  });
});
