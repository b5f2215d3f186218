import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apply, openDatabase, readMigrations, type Bundle, type Database } from "./index";
import { NEON_SETUP, NOTES_TABLE, dumpState, makeBundle } from "./test-bundles";
import { createPostgresTestDatabase } from "./test-databases";

const adminUrl = process.env.DATABASE_URL;
const DRIZZLE_KIT = resolve("node_modules/.bin/drizzle-kit");

const SLOW_MIGRATION = { tag: "0002_slow", statements: ["SELECT pg_sleep(0.3);", `CREATE INDEX "notes_user" ON "notes" ("user_id");`] };

/** Writes the bundle and a drizzle.config.ts for `url` to a new folder, as a user's project would hold them. */
async function writeProject(bundle: Bundle, url: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rlsd-drizzle-kit-"));
  for (const file of bundle) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.contents);
  }
  const config = { dialect: "postgresql", out: "./drizzle", dbCredentials: { url } };
  await writeFile(join(dir, "drizzle.config.ts"), `export default ${JSON.stringify(config)};\n`);
  return dir;
}

async function drizzleKitMigrate(dir: string): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(DRIZZLE_KIT, ["migrate", "--config", "drizzle.config.ts"], { cwd: dir, timeout: 60_000 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failure.code === "number" ? failure.code : 1, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe.skipIf(!adminUrl)("apply on PostgreSQL, against other connections and drizzle-kit", () => {
  let url: string;
  let db: Database;
  let projectDir: string | undefined;
  beforeEach(async () => {
    ({ url, db } = await createPostgresTestDatabase(adminUrl!));
  });
  afterEach(async () => {
    await db?.close();
    if (projectDir) await rm(projectDir, { recursive: true, force: true });
    projectDir = undefined;
  });

  it("serialises applies from two connections: both succeed, each migration runs once", async () => {
    const other = await openDatabase({ url });
    try {
      const bundle = makeBundle([NEON_SETUP, NOTES_TABLE, SLOW_MIGRATION]);
      const results = await Promise.all([apply(bundle, db), apply(bundle, other)]);
      const tags = ["0000_neon_setup", "0001_notes", "0002_slow"];
      expect(results.map((r) => r.applied).sort()).toEqual([[], tags]);
      expect(results.map((r) => r.alreadyApplied).sort()).toEqual([[], tags]);
      expect(results.filter((r) => r.standIn)).toHaveLength(1);
      expect((await db.query("select count(*)::int as n from drizzle.__drizzle_migrations")).rows).toEqual([{ n: 3 }]);
    } finally {
      await other.close();
    }
  });

  it("leaves drizzle-kit migrate nothing to do", async () => {
    const bundle = makeBundle([NEON_SETUP, NOTES_TABLE, SLOW_MIGRATION]);
    await apply(bundle, db);
    const before = await dumpState(db);
    projectDir = await writeProject(bundle, url);

    const run = await drizzleKitMigrate(projectDir);
    expect(run.output).toContain("migrations applied successfully");
    expect(run.exitCode).toBe(0);
    expect(await dumpState(db)).toBe(before);
  });

  it("agrees with the ledger drizzle-kit migrate writes", async () => {
    // No CREATE EXTENSION here: drizzle-kit itself would fail on a server without pg_session_jwt.
    const bundle = makeBundle([
      { tag: "0000_roles", statements: NEON_SETUP.statements.slice(1) },
      { tag: "0001_tables", statements: [`CREATE TABLE "plain" ("id" int PRIMARY KEY);`, `ALTER TABLE "plain" ENABLE ROW LEVEL SECURITY;`] },
    ]);
    projectDir = await writeProject(bundle, url);
    expect((await drizzleKitMigrate(projectDir)).exitCode).toBe(0);

    expect(await apply(bundle, db)).toMatchObject({ applied: [], alreadyApplied: ["0000_roles", "0001_tables"] });
    const ledger = await db.query<{ hash: string; created_at: string }>("select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id");
    const ours = await readMigrations(bundle);
    expect(ledger.rows).toEqual(ours.map((m) => ({ hash: m.hash, created_at: String(m.when) })));
  });
});
