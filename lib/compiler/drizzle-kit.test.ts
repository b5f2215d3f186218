import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { compileDesign } from ".";
import { TEMPLATE_NAMES, template } from "../design";
import { pendingMigrations } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";
import { formatReport, verifyBundle } from "../verify";

const run = promisify(execFile);
const adminUrl = process.env.DATABASE_URL;
// Inside the project, so the bundle's drizzle.config.ts resolves drizzle-kit as a user's app would.
const root = join(process.cwd(), "tmp", `drizzle-kit-${process.pid}`);
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!adminUrl)("drizzle-kit migrate", () => {
  it.each(TEMPLATE_NAMES)(
    "applies the %s template's folder, unchanged, to a fresh PostgreSQL database",
    async (name) => {
      const result = compileDesign(template(name));
      if (!result.ok) throw new Error("template invalid");
      const folder = join(root, name);
      for (const file of result.bundle) {
        await mkdir(dirname(join(folder, file.path)), { recursive: true });
        await writeFile(join(folder, file.path), file.contents);
      }
      const { url, db } = await createPostgresTestDatabase(adminUrl!);
      try {
        // Plain PostgreSQL has no pg_session_jwt: the bundle's own dev stand-in goes first, as its README says.
        await db.exec(result.bundle.find((f) => f.path === "dev/pg_session_jwt-stand-in.sql")!.contents);
        const drizzleKit = join(process.cwd(), "node_modules", ".bin", "drizzle-kit");
        await run(drizzleKit, ["migrate"], { cwd: folder, env: { ...process.env, DATABASE_URL: url } });

        const policies = await db.query<{ n: string }>("select count(*) as n from pg_policies where schemaname = 'public'");
        const expected = result.bundle.find((f) => f.path.endsWith("_policies.sql"))!.contents.match(/CREATE POLICY/g)!.length;
        expect(Number(policies.rows[0].n)).toBe(expected);
        // Our ledger reading agrees with drizzle's: nothing left to apply.
        expect(await pendingMigrations(result.bundle, db)).toEqual([]);
        const report = await verifyBundle(result.model, result.bundle, db);
        expect(report.mismatches, formatReport(report)).toEqual([]);
      } finally {
        await db.close();
      }
    },
    120_000,
  );
});
