import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { template } from "../design";
import { createPostgresTestDatabase } from "../db/test-databases";
import { runCliIn } from "./test-cli";

const adminUrl = process.env.DATABASE_URL;
const PASSWORD = "Fail-Secret-Passw0rd";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "rlsd-cli-fail-"));
  await writeFile(join(cwd, "design.json"), JSON.stringify(template("todos")));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const cli = (argv: string[], env: Record<string, string | undefined> = {}) => runCliIn(cwd, argv, env);

/** One failure as the command line must show it: a message and a fix, exit 1, no stack trace, no secret. */
function expectOneFailure(result: Awaited<ReturnType<typeof cli>>, message: RegExp) {
  expect(result.exitCode, result.all).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.all).not.toMatch(/^\s+at /m);
  expect(result.all).not.toContain(PASSWORD);
  expect(result.stderr.match(/failed:/g)?.length, result.stderr).toBe(1);
  expect(result.stderr).toMatch(/^fix: /m);
}

/**
 * Every command that connects to a database server, with the arguments that name one. `reset`
 * takes none (it empties the embedded database only; servers are never emptied), so it has its
 * bad-input case below and its folder cases further down.
 */
const DATABASE_COMMANDS: readonly { name: string; args: (url: string) => string[] }[] = [
  { name: "plan", args: (url) => ["plan", "design.json", "--database-url", url] },
  { name: "apply", args: (url) => ["apply", "design.json", "--database-url", url] },
  { name: "verify", args: (url) => ["verify", "design.json", "--database-url", url] },
  { name: "verify --current", args: (url) => ["verify", "design.json", "--current", "--database-url", url] },
  { name: "lint", args: (url) => ["lint", "--database-url", url] },
  { name: "import", args: (url) => ["import", "--database-url", url] },
];
const cases = DATABASE_COMMANDS.map((command) => [command.name, command] as const);

describe("every database command against an unreachable server: one message, exit 1", () => {
  it.each(cases)("%s", async (_name, command) => {
    const result = await cli(command.args(`postgres://someone:${PASSWORD}@127.0.0.1:1/app`));
    expectOneFailure(result, /ECONNREFUSED|connect/);
    expect(result.stderr).toMatch(/Nothing answers at that host and port/);
  });
});

describe("every database command given a connection string that is not one: bad input, exit 2, nothing connected", () => {
  it.each(cases)("%s", async (_name, command) => {
    const result = await cli(command.args(`mysql://someone:${PASSWORD}@127.0.0.1:1/app`));
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/^--database-url: expected .*postgres:\/\/user(:password)?@host:port\/database/m);
    expect(result.all).not.toMatch(/^\s+at /m);
    expect(result.all).not.toContain(PASSWORD);
  });

  it("reset, which never empties a server, refuses --database-url as bad input", async () => {
    const result = await cli(["reset", "--database-url", `postgres://someone:${PASSWORD}@127.0.0.1:1/app`]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/database-url/);
    expect(result.all).not.toContain(PASSWORD);
  });
});

describe.skipIf(!adminUrl)("against PostgreSQL", () => {
  const missing = () => {
    const url = new URL(adminUrl!);
    url.pathname = "/rlsd_no_such_database";
    url.password = PASSWORD;
    return url.toString();
  };

  it.each(cases)("%s on a database that does not exist: SQLSTATE 3D000 and the fix", async (_name, command) => {
    const result = await cli(command.args(missing()));
    expectOneFailure(result, /3D000/);
    expect(result.stderr).toMatch(/does not exist: create it/);
  });

  it("verify on a database holding another version of the design says so and how to move it; apply moves it", async () => {
    const { url, db } = await createPostgresTestDatabase(adminUrl!);
    try {
      expect((await cli(["apply", "design.json", "--database-url", url])).exitCode).toBe(0);
      const changed = template("todos");
      changed.tables[0].columns.push({ name: "note", type: "text" });
      await writeFile(join(cwd, "design.json"), JSON.stringify(changed));
      const result = await cli(["verify", "design.json", "--database-url", url]);
      expectOneFailure(result, /holds another version of this design/);
      expect(result.stderr).toContain("npm run cli -- apply design.json");
      expect((await cli(["apply", "design.json", "--database-url", url])).exitCode).toBe(0);
      expect((await cli(["verify", "design.json", "--database-url", url])).exitCode).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe("the embedded database's folder", () => {
  it("RLSD_PGLITE_DIR and --pglite-dir move it for apply, verify and reset", async () => {
    const fromEnv = join(cwd, "env-pglite");
    const applied = await cli(["apply", "design.json"], { RLSD_PGLITE_DIR: fromEnv });
    expect(applied.exitCode, applied.all).toBe(0);
    expect(applied.stdout).toContain(`the data lives in PGlite in ${fromEnv}`);
    expect(existsSync(join(cwd, ".data"))).toBe(false);

    const fromOption = join(cwd, "option-pglite");
    const verified = await cli(["verify", "design.json", "--pglite-dir", "option-pglite"], { RLSD_PGLITE_DIR: fromEnv });
    expect(verified.exitCode, verified.all).toBe(0);
    expect(verified.stdout).toContain(`verifying in PGlite in ${fromOption}`);

    const reset = await cli(["reset"], { RLSD_PGLITE_DIR: fromEnv });
    expect(reset.stdout).toContain(`emptied the embedded database in ${fromEnv}`);
    expect(existsSync(join(cwd, ".data"))).toBe(false);
  }, 180_000);

  it("a folder that cannot be a database: one message, exit 1", async () => {
    await writeFile(join(cwd, "a-file"), "not a folder");
    for (const command of ["plan", "apply", "verify", "reset"]) {
      const result = await cli(command === "reset" ? ["reset", "--pglite-dir", "a-file"] : [command, "design.json", "--pglite-dir", "a-file"]);
      expect(result.exitCode, result.all).toBe(1);
      expect(result.stderr).toMatch(/could not open the PGlite database/);
      expect(result.all).not.toMatch(/^\s+at /m);
    }
  }, 60_000);

  it("compile into a folder that cannot be made: one message, exit 1", async () => {
    await writeFile(join(cwd, "a-file"), "not a folder");
    const result = await cli(["compile", "design.json", "--out", "a-file/out"]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toMatch(/^compile failed: .*(ENOTDIR|not a directory)/);
    expect(result.all).not.toMatch(/^\s+at /m);
  });

  it("--pglite-dir with a server URL is bad input (exit 2)", async () => {
    for (const command of ["apply", "verify"]) {
      const result = await cli([command, "design.json", "--pglite-dir", "x", "--database-url", "postgres://u@127.0.0.1:1/db"]);
      expect(result.exitCode).toBe(2);
    }
  });
});
