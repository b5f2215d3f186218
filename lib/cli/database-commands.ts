import { resolve } from "node:path";
import { apply, ApplyError, DEFAULT_PGLITE_DIR, openDatabase, type Database } from "../db";
import { formatReport, verifyBundle } from "../verify";
import { InputError, readDesignFile } from "./io";
import { parse, type CliIo } from "./run";

async function withDatabase<T>(url: string | undefined, io: CliIo, fn: (db: Database) => Promise<T>): Promise<T> {
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new InputError([`--database-url: expected postgres://user@host:port/database (got something else)`]);
  }
  const db = await openDatabase(url ? { url } : { dataDir: resolve(io.cwd, DEFAULT_PGLITE_DIR) });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function applyCommand(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, { "database-url": { type: "string" } });
  const { bundle } = await readDesignFile(io.cwd, positionals[0]);
  return withDatabase(values["database-url"] as string | undefined, io, async (db) => {
    io.stdout(`applying to ${db.location}\n`);
    try {
      const result = await apply(bundle, db, {
        onProgress: (e) => {
          if (e.step === "migration") io.stdout(`  migration ${e.index! + 1} of ${e.total}: ${e.tag}\n`);
        },
      });
      for (const notice of result.notices) io.stdout(`note: ${notice}\n`);
      io.stdout(
        result.applied.length
          ? `applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"}; the data lives in ${db.location}\n`
          : `nothing to apply: ${result.alreadyApplied.length} migrations were already applied to ${db.location}\n`,
      );
      return { exitCode: 0 };
    } catch (error) {
      if (error instanceof ApplyError) {
        io.stderr(`${error.message}\nnothing was changed.\n`);
        return { exitCode: 1 };
      }
      throw error;
    }
  });
}

export async function verifyCommand(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, { "database-url": { type: "string" } });
  const { model, bundle } = await readDesignFile(io.cwd, positionals[0]);
  return withDatabase(values["database-url"] as string | undefined, io, async (db) => {
    io.stdout(`verifying in ${db.location} (inside a transaction that is rolled back)\n`);
    const report = await verifyBundle(model, bundle, db, (p) => io.stdout(`  table ${p.index + 1} of ${p.total}: ${p.table}\n`));
    io.stdout(formatReport(report) + "\n");
    return { exitCode: report.ok ? 0 : 1 };
  });
}
