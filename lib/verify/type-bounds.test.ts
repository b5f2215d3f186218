import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { validateDesign, type Design } from "../design";
import type { Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle } from ".";

type Condition = { column: string; op: "lt" | "lte" | "gt" | "gte" | "eq" | "in"; value: number | string | number[] };

/** One public table whose conditions sit on the bounds of every type: samples one step beyond would not fit. */
function boundsDesign(where: Condition[], check: Condition[]): Design {
  return {
    version: 1,
    name: "bounds",
    target: "postgres",
    auth: { provider: "clerk" },
    tables: [
      {
        name: "measurements",
        columns: [
          { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
          { name: "small", type: "smallint" },
          { name: "whole", type: "integer" },
          { name: "big", type: "bigint" },
          { name: "exact", type: "numeric" },
          { name: "single", type: "real" },
          { name: "double", type: "double precision" },
          { name: "day", type: "date" },
          { name: "moment", type: "timestamptz" },
          { name: "local_moment", type: "timestamp" },
        ],
        firewall: { public: true },
        access: { select: { where }, insert: { check }, update: { where, check }, delete: { where } },
      },
    ],
  };
}

const upper: Condition[] = [
  { column: "small", op: "lt", value: 32767 },
  { column: "whole", op: "gte", value: 2147483647 },
  { column: "big", op: "lte", value: 9223372036854774784 },
  { column: "single", op: "lt", value: 3.4028234663852886e38 },
  { column: "day", op: "lt", value: "9999-12-31" },
  { column: "moment", op: "gt", value: "9999-12-31T23:59:59Z" },
  { column: "local_moment", op: "lte", value: "9999-12-31 23:59:59" },
];
const lower: Condition[] = [
  { column: "small", op: "gt", value: -32768 },
  { column: "whole", op: "in", value: [-2147483648, 0] },
  { column: "big", op: "gte", value: -9223372036854775808 },
  { column: "exact", op: "gt", value: -1e30 },
  { column: "single", op: "gt", value: -3.4028234663852886e38 },
  { column: "double", op: "lt", value: -1.7976931348623157e308 },
  { column: "day", op: "gte", value: "0001-01-01" },
  { column: "moment", op: "gte", value: "0001-01-01T00:00:00Z" },
  { column: "local_moment", op: "gt", value: "0001-01-01 00:00:00" },
];

describe("lint refuses values PostgreSQL cannot read as the column's type", () => {
  it.each([
    [1e39, "1e+39 is out of range for real"],
    [-1e-50, "-1e-50 is out of range for real"],
  ])("real %s", (value, problem) => {
    const result = validateDesign(boundsDesign([], [{ column: "single", op: "lt", value }]));
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `tables[0].access.insert.check[0].value: ${problem}`,
      `tables[0].access.update.check[0].value: ${problem}`,
    ]);
  });
});

describe("lint refuses dates PostgreSQL cannot read", () => {
  it.each(["2026-02-30", "0000-01-01", "2025-02-29"])("%s", (value) => {
    const result = validateDesign(boundsDesign([{ column: "day", op: "eq", value }], []));
    expect(result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `tables[0].access.select.where[0].value: expected a date like "2026-01-31"`,
      `tables[0].access.update.where[0].value: expected a date like "2026-01-31"`,
      `tables[0].access.delete.where[0].value: expected a date like "2026-01-31"`,
    ]);
  });
});

describe.each(testDatabases())("verify at the bounds of every type, on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each([
    ["upper bounds in where, lower in check", upper, lower],
    ["lower bounds in where, upper in check", lower, upper],
  ])("%s: samples stay inside each type and verify finds zero mismatches", async (_label, where, check) => {
    const result = compileDesign(boundsDesign(where, check));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const report = await verifyBundle(result.model, result.bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });
});
