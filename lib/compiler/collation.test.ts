import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign, type Bundle } from ".";
import { TARGETS, type Design } from "../design";
import { apply, openDatabase, type Database } from "../db";
import { formatReport, verifyBundle } from "../verify";

const adminUrl = process.env.DATABASE_URL;

/** Text ordering conditions whose sample values ('a' and 'A', 'B' and 'b', 'draft' and 'DRAFT') order differently in C and en-US. */
function orderingDesign(target: Design["target"]): Design {
  return {
    version: 1,
    name: "collation",
    target,
    auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
    roles: ["member"],
    tables: [
      {
        name: "words",
        columns: [
          { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
          { name: "organization_id", type: "text", notNull: true },
          { name: "word", type: "text", notNull: true },
          { name: "label", type: "varchar" },
        ],
        firewall: { organization: { column: "organization_id" } },
        access: {
          select: { where: [{ column: "word", op: "lt", value: "a" }] },
          insert: { check: [{ column: "word", op: "lte", value: "draft" }] },
          update: { where: [{ column: "word", op: "gte", value: "B" }], check: [{ column: "label", op: "gt", value: "m" }] },
          delete: { where: [{ column: "label", op: "lte", value: "Draft" }] },
        },
        anonymous: { select: { where: [{ column: "word", op: "gte", value: "Z" }] } },
      },
    ],
  };
}

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const withoutCollate = (bundle: Bundle): Bundle => bundle.map((f) => ({ ...f, contents: f.contents.replaceAll(' COLLATE "C"', "") }));

describe("text ordering is by code point, whatever the database's collation", () => {
  it('writes lt/lte/gt/gte on text COLLATE "C", equality without, and indexes those columns COLLATE "C"', () => {
    const { bundle } = compiled(orderingDesign("neon"));
    const policies = bundle.find((f) => f.path.endsWith("_policies.sql"))!.contents;
    expect(policies).toContain(`"word" COLLATE "C" < 'a'`);
    expect(policies).toContain(`"label" COLLATE "C" > 'm'`);
    expect(policies).toContain(`"organization_id" = (select`);
    const indexes = bundle.find((f) => f.path.endsWith("_indexes.sql"))!.contents;
    expect(indexes).toContain(`CREATE INDEX "words_organization_id_word_c_idx" ON public."words" USING btree ("organization_id", "word" COLLATE "C");`);
    expect(bundle.find((f) => f.path === "src/db/schema.ts")!.contents).toContain('index("words_organization_id_word_c_idx").on(t.organizationId, sql`${t.word} COLLATE "C"`)');
  });
});

/** PostgreSQL 15 with an ICU default collation (en-US), where 'a' < 'B'. */
describe.skipIf(!adminUrl)("on an ICU-collated database (en-US)", () => {
  const name = `rlsd_icu_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  let db: Database;
  const admin = () => new pg.Client({ connectionString: adminUrl });
  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    await client.end();
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    db = await openDatabase({ url: url.toString() });
  });
  afterAll(async () => {
    await db?.close();
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  it("orders 'a' before 'B' by default, and after it in C", async () => {
    const { rows } = await db.query<{ icu: boolean; c: boolean }>(`select 'a' < 'B' as icu, 'a' < 'B' COLLATE "C" as c`);
    expect(rows[0]).toEqual({ icu: true, c: false });
  });

  it.each(TARGETS)("verifies text ordering conditions with zero mismatches (target %s)", async (target) => {
    const { model, bundle } = compiled(orderingDesign(target));
    const report = await verifyBundle(model, bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });

  it('would find mismatches without COLLATE "C" (the comparison would follow en-US)', async () => {
    const { model, bundle } = compiled(orderingDesign("postgres"));
    const report = await verifyBundle(model, withoutCollate(bundle), db);
    expect(report.ok).toBe(false);
  });

  it('serves the policy from the COLLATE "C" index', async () => {
    const { bundle } = compiled(orderingDesign("postgres"));
    await apply(bundle, db);
    const plan = await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO public.words (organization_id, word) SELECT 'org-' || (i % 50), CASE WHEN i % 100 = 7 THEN '0' ELSE 'z' END || md5(i::text) FROM generate_series(1, 20000) AS i`,
      );
      await tx.query("ANALYZE public.words");
      await tx.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [JSON.stringify({ sub: "user_1", org_id: "org-7", org_role: "member" })]);
      const { rows } = await tx.query<{ "QUERY PLAN": string }>("EXPLAIN (COSTS OFF) SELECT * FROM public.words");
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/Index (Only )?Scan (using|on) words_organization_id_word_c_idx/);
    // EXPLAIN prints the collation-only relabel as a cast: the comparison itself is in "C".
    expect(plan).toMatch(/Index Cond: \(\(organization_id = \$0\) AND \(\(word\)::text < 'a'::text\)\)/);
  });
});
