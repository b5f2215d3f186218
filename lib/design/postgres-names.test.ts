import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { apply, type Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle } from "../verify";
import { formatProblem, implicitPrimaryKeyName, validateDesign, type Design } from ".";

type TableSpec = { name: string; columns?: string[] };

function designOf(tables: TableSpec[], extra: Partial<Design> = {}): Design {
  return {
    version: 1,
    name: "names",
    target: "postgres",
    auth: { provider: "clerk", tenancy: { source: "claims" } },
    roles: ["member"],
    tables: tables.map((t) => ({
      name: t.name,
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        ...(t.columns ?? []).map((name) => ({ name, type: "text" })),
      ],
      firewall: { organization: { column: "organization_id" } },
      access: { select: {}, insert: {}, update: {}, delete: {} },
    })),
    ...extra,
  };
}

const problems = (design: Design) => {
  const result = validateDesign(design);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe("lint refuses names PostgreSQL takes", () => {
  it.each([
    [[{ name: "a" }, { name: "a_pkey" }], 'tables[1].name: table "a_pkey" has the name PostgreSQL gives the primary key of table "a"; rename one of them'],
    [[{ name: "a_pkey" }, { name: "a" }], 'tables[0].name: table "a_pkey" has the name PostgreSQL gives the primary key of table "a"; rename one of them'],
  ])("a table named like another's primary key (%j)", (tables, problem) => {
    expect(problems(designOf(tables))).toEqual([problem]);
  });

  it("cuts the primary key's name to 63 bytes as PostgreSQL does, without splitting a character", () => {
    const long = "x".repeat(63);
    expect(implicitPrimaryKeyName(long)).toBe(`${"x".repeat(58)}_pkey`);
    expect(implicitPrimaryKeyName("é".repeat(31))).toBe(`${"é".repeat(29)}_pkey`);
    expect(problems(designOf([{ name: long }, { name: `${"x".repeat(58)}_pkey` }]))).toEqual([
      `tables[1].name: table "${"x".repeat(58)}_pkey" has the name PostgreSQL gives the primary key of table "${long}"; rename one of them`,
    ]);
  });

  it.each(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"])("a column named %s (a system column)", (name) => {
    expect(problems(designOf([{ name: "docs", columns: ["title", name] }]))).toEqual([
      `tables[0].columns[3].name: "${name}" is the name of a PostgreSQL system column; choose another name`,
    ]);
  });

  it("a json primary key (json has no equality, so no index), with its path; jsonb is fine", () => {
    const design = designOf([{ name: "docs" }]);
    design.tables[0].columns[0] = { name: "id", type: "json", primaryKey: true };
    expect(problems(design)).toEqual(["tables[0].columns[0].primaryKey: PostgreSQL cannot index json (it has no equality); make the key jsonb, or another column"]);
    design.tables[0].columns[0] = { name: "id", type: "jsonb", primaryKey: true };
    expect(problems(design)).toEqual([]);
  });

  it("the same in the membership tables the bundle creates for tables tenancy", () => {
    const tables = designOf([{ name: "members_pkey" }], {
      auth: { provider: "clerk", tenancy: { source: "tables", membership: { table: "members", user: "xmax", org: "organization_id", role: "role" } } },
    });
    expect(problems(tables)).toEqual([
      'tables[0].name: table "members_pkey" has the name PostgreSQL gives the primary key of table "members"; rename one of them',
      'auth.tenancy.membership.user: "xmax" is the name of a PostgreSQL system column; choose another name',
    ]);
    const sessions = designOf([{ name: "docs" }], { auth: { provider: "clerk", tenancy: { source: "tables", activeOrg: { table: "docs_pkey", user: "user_id", org: "ctid" } } } });
    expect(problems(sessions)).toEqual([
      'auth.tenancy.activeOrg.table: table "docs_pkey" has the name PostgreSQL gives the primary key of table "docs"; rename one of them',
      'auth.tenancy.activeOrg.org: "ctid" is the name of a PostgreSQL system column; choose another name',
    ]);
  });
});

/** What lint refuses, PostgreSQL refuses; what it accepts next to those names, PostgreSQL creates. */
describe.each(testDatabases())("names around PostgreSQL's own, on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("PostgreSQL refuses a json primary key and a real default out of range", async () => {
    await expect(db.exec("CREATE TABLE probe_json (id json PRIMARY KEY)")).rejects.toThrow(/no default operator class/);
    await db.exec("CREATE TABLE probe_real (id int, x real DEFAULT 1e39)");
    await expect(db.exec("INSERT INTO probe_real (id) VALUES (1)")).rejects.toThrow(/out of range for type real/);
    await db.exec("DROP TABLE probe_real");
  });

  it("PostgreSQL refuses a system column name and a second relation named like a primary key", async () => {
    await expect(db.exec("CREATE TABLE probe_sys (id int, xmin int)")).rejects.toThrow(/conflicts with a system column name/);
    await db.exec("CREATE TABLE probe (id int PRIMARY KEY)");
    await expect(db.exec("CREATE TABLE probe_pkey (id int PRIMARY KEY)")).rejects.toThrow(/already exists/);
    await db.exec("DROP TABLE probe");
  });

  it("applies and verifies tables named like the bundle's own indexes and policies, an array type, and a column named oid", async () => {
    const design = designOf([
      { name: "docs", columns: ["oid", "status"] },
      // The organization index of docs would be docs_organization_id_idx; the compiler picks another name.
      { name: "docs_organization_id_idx" },
      // Policy names live per table; an array type _docs already exists and PostgreSQL moves it aside.
      { name: "docs_firewall" },
      { name: "_docs" },
    ]);
    const result = compileDesign(design);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const indexes = result.bundle.find((f) => f.path.endsWith("_indexes.sql"))?.contents ?? "";
    expect(indexes).not.toContain('CREATE INDEX "docs_organization_id_idx"');
    await apply(result.bundle, db);
    const report = await verifyBundle(result.model, result.bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });
});
