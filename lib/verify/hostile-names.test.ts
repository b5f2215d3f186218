import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { validateDesign, type Design } from "../design";
import type { Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle } from ".";

const LONGEST = "n".repeat(61) + "é"; // 63 bytes
const hostile: Design = {
  version: 1,
  name: "hostile; --",
  target: "neon",
  auth: { provider: "custom", tenancy: { source: "claims", orgClaim: "o'rg", roleClaim: 'r"ole' } },
  roles: ["o'wner", 'ad"min', "-- member", "select", "Ñandú ✓"],
  tables: [
    {
      name: 'x"; DROP TABLE y; --',
      columns: [
        { name: "select", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "org;id", type: "text", notNull: true },
        { name: "owner--id", type: "text", notNull: true, default: "$user" },
        { name: "it's", type: "text", notNull: true, default: "'it''s'" },
        { name: LONGEST, type: "integer" },
      ],
      firewall: { organization: { column: "org;id" }, owner: { column: "owner--id", mode: "optional", bypassRoles: ["o'wner", 'ad"min'] } },
      access: {
        select: { roles: ["o'wner", 'ad"min', "-- member", "select", "Ñandú ✓"] },
        insert: { roles: ["-- member", "Ñandú ✓"], check: [{ column: "it's", op: "in", value: ["'); DROP TABLE z; --", "ok"] }] },
        update: { roles: ["select"], where: [{ column: LONGEST, op: "gt", value: 1 }], check: [{ column: "it's", op: "neq", value: "$$; --" }] },
        delete: { where: [{ column: "it's", op: "eq", value: "Ñandú ✓" }] },
      },
      anonymous: { select: { where: [{ column: "it's", op: "eq", value: "\\'; --" }] } },
    },
    {
      name: LONGEST,
      columns: [
        { name: "id", type: "text", primaryKey: true },
        { name: "parent", type: "uuid", references: { table: 'x"; DROP TABLE y; --', column: "select", onDelete: "cascade" } },
        { name: "owner", type: "uuid", notNull: true },
      ],
      firewall: { owner: { column: "owner" } },
      access: { select: {}, insert: {}, update: { where: [{ column: "owner", op: "eq", value: "$user" }] }, delete: {} },
    },
  ],
};

/** Names that would end a dollar-quoted function body: membership tables in `tables` tenancy, role names. */
const dollars: Design = {
  version: 1,
  name: "dollars",
  target: "postgres",
  postgres: { signedInRole: "web$$user", anonymousRole: "$q0$anon" },
  auth: {
    provider: "custom",
    tenancy: {
      source: "tables",
      membership: { table: "mem$$bers", user: "u$$", org: "o$q0$", role: "r$$" },
      activeOrg: { table: "sess$$ions", user: "u$$", org: "active$$org" },
    },
  },
  roles: ["ad$$min", "member"],
  tables: [
    {
      name: "doc$$s",
      columns: [
        { name: "id", type: "uuid", primaryKey: true },
        { name: "org$$", type: "text", notNull: true },
        { name: "owner", type: "text", notNull: true },
      ],
      firewall: { organization: { column: "org$$" }, owner: { column: "owner", mode: "optional", bypassRoles: ["ad$$min"] } },
      access: { select: { roles: ["ad$$min", "member"] }, insert: { roles: ["member"] }, delete: { roles: ["ad$$min"] } },
    },
  ],
};

describe.each(testDatabases())("hostile names on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("compile to SQL that applies and behaves: zero mismatches", async () => {
    const result = compileDesign(hostile);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const report = await verifyBundle(result.model, result.bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
    expect(report.cells.some((c) => /^[1-9]/.test(c.expected))).toBe(true);
  });

  it.each(["neon", "supabase", "postgres"] as const)("with dollar signs in names that sit inside function bodies, on %s", async (target) => {
    const result = compileDesign({ ...dollars, target });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const report = await verifyBundle(result.model, result.bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });
});

describe("names PostgreSQL cannot take", () => {
  it("are refused clearly", () => {
    const tooLong = structuredClone(hostile);
    tooLong.tables[1].name = `${LONGEST}x`;
    tooLong.tables[0].columns[1].name = "nul\u0000byte";
    const result = validateDesign(tooLong);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["tables[1].name", "tables[0].columns[1].name"]));
    expect(result.problems.find((p) => p.path === "tables[1].name")!.message).toMatch(/64 bytes; PostgreSQL allows at most 63/);
  });
});
