import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { TARGETS, template, type Design } from "../design";
import { apply } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";
import { mutantsFor } from "./mutants";
import { verifyBundle } from ".";
import { PGTAP_PATH, SUPABASE_PGTAP_PATH } from "./pgtap";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const testFile = (design: Design) => compiled(design).bundle.find((f) => f.path === PGTAP_PATH || f.path === SUPABASE_PGTAP_PATH)!;

describe("the pgTAP export (tests/rls.test.sql)", () => {
  it.each(TARGETS)("is in every bundle (target %s), the same bytes each time, and plans exactly the tests it runs", (target) => {
    const design = { ...template("saas"), target };
    const file = testFile(design);
    expect(file.path).toBe(target === "supabase" ? SUPABASE_PGTAP_PATH : PGTAP_PATH);
    expect(testFile(design).contents).toBe(file.contents);
    const lines = file.contents.split("\n");
    expect(lines.find((l) => l.startsWith("BEGIN"))).toBe("BEGIN;");
    expect(lines.at(-2)).toBe("ROLLBACK;");
    const planned = Number(/SELECT plan\((\d+)\);/.exec(file.contents)![1]);
    const tests = lines.filter((l) => /^SELECT (is|matches|ok)\(/.test(l)).length;
    expect(planned).toBe(tests);
    expect(planned).toBeGreaterThan(100);
    // Every principal of verify appears, with its claims set only inside the rolled-back transaction.
    expect(file.contents).toContain("/ signed-out visitor / select");
    expect(file.contents).toContain("/ token whose sub is a number / insert");
  });
});

const adminUrl = process.env.DATABASE_URL;
const hasPgProve = spawnSync("pg_prove", ["--version"]).status === 0;

async function pgtapAvailable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("select 1 from pg_available_extensions where name = 'pgtap'")).rowCount === 1;
  } finally {
    await client.end();
  }
}

const canProve = Boolean(adminUrl) && hasPgProve && (await pgtapAvailable(adminUrl!).catch(() => false));

/** Applies the design to a fresh database, runs `statements` there (committed), then pg_prove on the bundle's test file. */
async function prove(design: Design, statements: readonly string[] = [], before: readonly string[] = []): Promise<{ ok: boolean; output: string }> {
  const { bundle } = compiled(design);
  const { url, db } = await createPostgresTestDatabase(adminUrl!);
  const dir = await mkdtemp(join(tmpdir(), "rlsd-pgtap-"));
  try {
    for (const statement of before) await db.exec(statement);
    await apply(bundle, db);
    for (const statement of statements) await db.exec(statement);
    const file = join(dir, "rls.test.sql");
    await writeFile(file, testFile(design).contents);
    const run = spawnSync("pg_prove", ["-d", url, file], { encoding: "utf8" });
    return { ok: run.status === 0, output: `${run.stdout}\n${run.stderr}` };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function mutant(design: Design, id: string) {
  const found = mutantsFor(compiled(design).model).find((m) => m.id === id);
  if (!found) throw new Error(`no mutant ${id}`);
  return found.statements;
}

describe.skipIf(!canProve)("the pgTAP export on PostgreSQL (pg_prove)", () => {
  it.each([
    ["todos", "neon"],
    ["saas", "supabase"],
    ["blog", "postgres"],
  ] as const)("passes on a fresh apply of %s (target %s)", async (name, target) => {
    const result = await prove({ ...template(name), target });
    expect(result.output).toContain("Result: PASS");
    expect(result.ok, result.output).toBe(true);
  }, 120_000);

  it("passes on an adopted table whose key is an identity GENERATED ALWAYS, beside a generated column", async () => {
    const design: Design = {
      version: 1, name: "adopted", target: "postgres", auth: { provider: "custom" },
      tables: [{
        name: "entries", existing: true,
        columns: [
          { name: "id", type: "bigint", primaryKey: true },
          { name: "user_id", type: "text", notNull: true },
          { name: "body", type: "text", notNull: true, default: "''" },
          { name: "size", type: "integer" },
        ],
        firewall: { owner: { column: "user_id" } },
        access: { select: {}, insert: {}, update: {}, delete: {} },
      }],
    };
    const table = "CREATE TABLE entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id text NOT NULL, body text NOT NULL DEFAULT '', size integer GENERATED ALWAYS AS (length(body)) STORED)";
    const result = await prove(design, [], [table]);
    expect(result.output).toContain("Result: PASS");
    expect(result.ok, result.output).toBe(true);
  }, 120_000);

  it("fails where a trigger forges the harness's own result code (RLSD0) instead of a result", async () => {
    const forge = [
      "CREATE FUNCTION public.forge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF current_user = 'authenticated' THEN RAISE SQLSTATE 'RLSD0' USING MESSAGE = 'inserted'; END IF; RETURN NEW; END $$",
      "CREATE TRIGGER forge BEFORE INSERT ON public.todos FOR EACH ROW EXECUTE FUNCTION public.forge()",
    ];
    const result = await prove(template("todos"), forge);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("error RLSD0");
  }, 120_000);

  it("fails where a weakened table's trigger leaves a search_path behind that would hide what a statement did", async () => {
    // The firewall lets any token delete every row, and a trigger (running as the principal) points
    // search_path at a schema whose array_agg(text) forgets every key: read by unqualified names
    // after the DELETE, each delete would look like "no rows" and the token without sub would pass.
    const weaken = [
      `ALTER POLICY "todos_firewall" ON public."todos" USING (true)`,
      "CREATE SCHEMA rlsd_evil",
      "CREATE FUNCTION rlsd_evil.keep(text[], text) RETURNS text[] LANGUAGE sql AS 'SELECT $1'",
      "CREATE AGGREGATE rlsd_evil.array_agg(text) (sfunc = rlsd_evil.keep, stype = text[], initcond = '{}')",
      "CREATE FUNCTION public.hide() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF current_user = 'authenticated' THEN PERFORM set_config('search_path', 'rlsd_evil, pg_catalog', true); END IF; RETURN NULL; END $$",
      "CREATE TRIGGER hide AFTER DELETE ON public.todos FOR EACH STATEMENT EXECUTE FUNCTION public.hide()",
    ];
    const result = await prove(template("todos"), weaken);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/# Failed test \d+: "todos \/ token without sub \/ delete/);
  }, 120_000);

  it.each(["todos", "saas", "blog"] as const)("plans as many tests for %s as verify runs statements on a fresh apply", async (name) => {
    const { model, bundle } = compiled(template(name));
    const { db } = await createPostgresTestDatabase(adminUrl!);
    try {
      const report = await verifyBundle(model, bundle, db);
      expect(Number(/SELECT plan\((\d+)\);/.exec(testFile(template(name)).contents)![1])).toBe(report.checks);
    } finally {
      await db.close();
    }
  }, 60_000);

  it.each([
    ["todos", "policy:todos_select:drop", "todos / user A / select"],
    ["todos", "table:todos:rls-disabled", "todos / user A / select"],
    ["saas", "policy:projects_update:using-roles1-add-viewer", "projects / viewer of org A / update"],
    ["saas", "policy:projects_firewall_update:check-true", "projects / owner of org A / update"],
  ] as const)("fails on %s weakened by %s, naming the cell", async (name, id, cell) => {
    const design = template(name);
    const result = await prove(design, mutant(design, id));
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Result: FAIL");
    expect(result.output).toContain(cell);
  }, 120_000);
});
