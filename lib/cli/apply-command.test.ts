import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { template } from "../design";
import type { Database } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";
import { PROXY_ALLOWED_ADDRESS, sharedWsProxy } from "../db/test-ws-proxy";
import { startNeonStandIn, type NeonStandIn } from "../neon/test-stand-in";
import { runCliIn } from "./test-cli";

const adminUrl = process.env.DATABASE_URL;
const withPostgres = !!adminUrl && new URL(adminUrl).host === PROXY_ALLOWED_ADDRESS;
const PASSWORD = "Cli-Secret-Passw0rd";
const API_KEY = "napi_clitest0123456789abcdefghijklmnopqrstuvwxyz";
const NEON_PASSWORD = "npg_CliStandInPw77";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "rlsd-cli-apply-"));
  await writeFile(join(cwd, "design.json"), JSON.stringify(template("todos")));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const cli = (argv: string[], env: Record<string, string | undefined> = {}) => runCliIn(cwd, argv, env);

describe("npm run cli -- apply: bad input exits 2 and touches nothing", () => {
  it.each([
    [["apply", "design.json", "--neon-project", "soft-dew-123"], {}, /NEON_API_KEY/],
    [["apply", "design.json", "--neon-project", "soft-dew-123", "--database-url", "postgres://x@h/db"], { NEON_API_KEY: API_KEY }, /not both/],
    [["plan", "design.json", "--neon-parent-branch", "br-x"], {}, /need --neon-project/],
    [["apply", "design.json", "--neon-project", "Not An Id"], { NEON_API_KEY: API_KEY }, /^--neon-project: a Neon project ID/],
    [["apply", "design.json", "--database-url", "mysql://root:pw@h/db"], {}, /^--database-url: expected a connection string/],
    [["plan", "design.json", "--yes"], {}, /yes/],
  ] as const)("%j", async (argv, env, message) => {
    const { exitCode, stderr, stdout } = await cli([...argv], env);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
    expect(stderr).not.toContain(API_KEY);
  });
});

describe.skipIf(!withPostgres)("npm run cli -- apply and plan on PostgreSQL and Neon", () => {
  let db: Database;
  let url: string;
  let standIn: NeonStandIn;
  let proxy: string;
  beforeAll(async () => {
    const created = await createPostgresTestDatabase(adminUrl!);
    db = created.db;
    const withPassword = new URL(created.url);
    withPassword.password = PASSWORD;
    url = withPassword.toString();
    standIn = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: NEON_PASSWORD });
    proxy = (await sharedWsProxy()).url;
  });
  afterAll(async () => {
    await standIn?.close();
    await db?.close();
  });

  it("plans without changing anything, then applies: plan, progress, matrix, exit 0", async () => {
    const planned = await cli(["plan", "design.json", "--database-url", url]);
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toMatch(/^plan for postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/\w+: 4 of 4 migrations to apply$/m);
    expect(planned.stdout).toMatch(/^ {2}0001_tables {4,}pending {5}table todos; row-level security on 1 table; 1 grant$/m);
    expect(planned.stdout).toContain("plan only: nothing was changed.");
    expect((await cli(["apply", "design.json", "--plan-only", "--database-url", url])).stdout).toContain("plan only: nothing was changed.");
    expect((await db.query("select to_regclass('public.todos') is null as absent")).rows).toEqual([{ absent: true }]);

    const applied = await cli(["apply", "design.json", "--database-url", url]);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain("  migration 4 of 4: 0003_indexes");
    expect(applied.stdout).toMatch(/^table todos$/m);
    expect(applied.stdout).toMatch(/^verified: 1 tables x \d+ principals/m);
    expect(applied.all).not.toContain(PASSWORD);

    const again = await cli(["apply", "design.json", "--database-url", url]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("nothing to apply: all 4 migrations are already applied");
  });

  it("exits 1 when the database cannot be reached, naming the step and the fix, without the password", async () => {
    const { exitCode, stderr, all } = await cli(["apply", "design.json", "--database-url", `postgres://me:${PASSWORD}@127.0.0.1:1/db`]);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^connect failed: could not connect to postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/db/);
    expect(stderr).toMatch(/^fix: Nothing answers/m);
    expect(all).not.toContain(PASSWORD);
  });

  it("creates a Neon branch with NEON_API_KEY from the environment, applies and verifies there", async () => {
    const env = { NEON_API_KEY: API_KEY, RLSD_NEON_API_URL: standIn.baseURL, RLSD_NEON_WS_PROXY: proxy };
    const { exitCode, stdout, all } = await cli(["apply", "design.json", "--neon-project", standIn.projectId, "--neon-branch-name", "rls/cli-test"], env);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^creating branch rls\/cli-test from the default branch$/m);
    expect(stdout).toMatch(/^endpoint ep-\w+ is ready$/m);
    expect(stdout).toMatch(/^verified: /m);
    expect(stdout).toMatch(/^Neon branch: rls\/cli-test \(br-\w+\) in project /m);
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(NEON_PASSWORD);
  });
});
