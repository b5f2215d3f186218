import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliIn } from "../cli/test-cli";
import { openDatabase, type Database } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";

/**
 * Spec §5, adopting, on a database where Better Auth's own migrations ran first (the issue's
 * `relation "member" already exists`): import it, then apply the design on top. Rows stay, the
 * tables get row-level security, and a policy written by hand is listed and dropped only when asked.
 */
const FIXTURE = join(__dirname, "fixtures", "better-auth.sql");
const BETTER_AUTH_TABLES = ["account", "invitation", "jwks", "member", "organization", "session", "user", "verification"];

const SEED = `
insert into "user" (id, name, email, "emailVerified") values ('u1', 'Ada', 'ada@example.com', true);
insert into organization (id, name, slug, "createdAt") values ('o1', 'Acme', 'acme', now());
insert into member (id, "organizationId", "userId", role, "createdAt") values ('m1', 'o1', 'u1', 'owner', now());
create policy legacy_read on "user" for select to public using (true);`;

/** Verify runs after every apply; four tables keep it short (the others stay out of the design, untouched). */
async function keepFourTables(cwd: string) {
  const path = join(cwd, "design.json");
  const design = JSON.parse(await readFile(path, "utf8"));
  design.tables = design.tables.filter((t: { name: string }) => ADOPTED.includes(t.name));
  await writeFile(path, JSON.stringify(design, null, 2));
}
const ADOPTED = ["member", "organization", "session", "user"];

/** `once`: one apply that also drops the foreign policy (verify after each apply is what costs, most on PGlite). */
async function expectAdopted(db: Database, cli: (argv: string[]) => ReturnType<typeof runCliIn>, destination: string[], once = false) {
  const planned = await cli(["plan", "design.json", ...destination]);
  expect(planned.exitCode, planned.all).toBe(0);
  expect(planned.stdout).toMatch(/FOREIGN POLICY user\.legacy_read: PERMISSIVE SELECT TO public USING \(true\) \(not in the design, kept/);

  const applied = await cli(["apply", "design.json", ...(once ? ["--drop-foreign-policies"] : []), ...destination]);
  expect(applied.all).not.toMatch(/migration failed|already exists/);
  expect(applied.stdout).toMatch(/^applied 5 migrations: /m);
  // The proof runs on the adopted tables as they are, Better Auth's own columns and keys included:
  // a permissive policy written by hand and kept widens access, and verify says where.
  const proved = /^verified: 4 tables x \d+ principals x 4 operations, \d+ statements, 0 mismatches$/m;
  if (once) expect(applied.stdout).toMatch(proved);
  else expect(applied.stdout).toMatch(/^table user\n[^]*?unexpected[^]*?^\d+ mismatches \(\d+ statements\)$/m);
  const rls = await db.query<{ relname: string; relrowsecurity: boolean }>(
    `select relname, relrowsecurity from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`,
  );
  expect(rls.rows.filter((r) => BETTER_AUTH_TABLES.includes(r.relname)).map((r) => [r.relname, r.relrowsecurity])).toEqual(
    BETTER_AUTH_TABLES.map((name) => [name, ADOPTED.includes(name)]),
  );
  // Rows are never touched.
  expect((await db.query(`select id, email from "user"`)).rows).toEqual([{ id: "u1", email: "ada@example.com" }]);
  expect((await db.query(`select id, role from member`)).rows).toEqual([{ id: "m1", role: "owner" }]);
  // Better Auth's own indexes and keys are still the ones it made.
  expect((await db.query(`select count(*)::int as n from pg_indexes where indexname = 'member_userId_idx'`)).rows).toEqual([{ n: 1 }]);
  if (once) {
    expect(applied.stdout).toMatch(/FOREIGN POLICY user\.legacy_read: .*\(dropped by this apply\)/);
    expect((await db.query(`select policyname from pg_policies where tablename = 'user' and policyname = 'legacy_read'`)).rows).toHaveLength(0);
    return;
  }
  expect((await db.query(`select policyname from pg_policies where tablename = 'user' and policyname = 'legacy_read'`)).rows).toHaveLength(1);

  const dropped = await cli(["apply", "design.json", "--drop-foreign-policies", ...destination]);
  expect(dropped.stdout).toMatch(/FOREIGN POLICY user\.legacy_read: .*\(dropped by this apply\)/);
  expect(dropped.stdout).toMatch(proved);
  expect((await db.query(`select policyname from pg_policies where tablename = 'user' and policyname = 'legacy_read'`)).rows).toHaveLength(0);
}

describe.skipIf(!process.env.DATABASE_URL)("adopting on PostgreSQL after Better Auth's own migrator (organization and jwt plugins)", () => {
  let db: Database;
  let url: string;
  let cwd: string;
  beforeAll(async () => {
    ({ db, url } = await createPostgresTestDatabase(process.env.DATABASE_URL!));
    cwd = await mkdtemp(join(tmpdir(), "rlsd-adopt-pg-"));
    const [{ getMigrations }, { organization, jwt }, pg] = await Promise.all([import("better-auth/db/migration"), import("better-auth/plugins"), import("pg")]);
    const pool = new pg.default.Pool({ connectionString: url });
    try {
      const { runMigrations } = await getMigrations({ database: pool, plugins: [organization(), jwt()], secret: "s".repeat(40), baseURL: "http://localhost:3000" } as never);
      await runMigrations();
    } finally {
      await pool.end();
    }
    await db.exec(SEED);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it("imports Better Auth's tables with its tenancy preset, then applies on top: RLS on, rows kept, foreign policy dropped only when asked", async () => {
    const cli = (argv: string[]) => runCliIn(cwd, argv);
    const imported = await cli(["import", "--database-url", url, "--provider", "better-auth", "--out", "design.json"]);
    expect(imported.exitCode, imported.all).toBe(0);
    const design = JSON.parse(await readFile(join(cwd, "design.json"), "utf8"));
    expect(design.auth.tenancy).toEqual({
      source: "tables",
      membership: { table: "member", user: "userId", org: "organizationId", role: "role" },
      activeOrg: { table: "session", user: "userId", org: "activeOrganizationId" },
    });
    expect(design.tables.map((t: { name: string }) => t.name).sort()).toEqual(BETTER_AUTH_TABLES);
    await keepFourTables(cwd);
    await expectAdopted(db, cli, ["--database-url", url]);
  }, 240_000);
});

describe("adopting on PGlite after Better Auth's migrations (its migrator's SQL, fixtures/better-auth.sql)", () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "rlsd-adopt-pglite-"));
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it("imports the dump, then applies on top of the same schema", async () => {
    const dir = join(cwd, "pglite");
    let db = await openDatabase({ dataDir: dir });
    await db.exec(await readFile(FIXTURE, "utf8"));
    await db.exec(SEED);
    await db.close();
    const cli = (argv: string[]) => runCliIn(cwd, argv);
    const imported = await cli(["import", "--sql", FIXTURE, "--provider", "better-auth", "--out", "design.json"]);
    expect(imported.exitCode, imported.all).toBe(0);
    await keepFourTables(cwd);
    // The CLI opens the folder itself; between commands the test reads it through its own connection.
    const check = (argv: string[]) => cli([...argv]);
    db = {
      kind: "pglite",
      location: dir,
      async query(sql: string, params?: unknown[]) {
        const d = await openDatabase({ dataDir: dir });
        try {
          return await d.query(sql, params);
        } finally {
          await d.close();
        }
      },
    } as unknown as Database;
    await expectAdopted(db, check, ["--pglite-dir", dir], true);
  }, 240_000);
});
