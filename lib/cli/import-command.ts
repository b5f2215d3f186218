import { existsSync, statSync } from "node:fs";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describeFailure } from "../apply/errors";
import { openDatabase, type Database } from "../db";
import { PROVIDERS, TARGETS, formatProblem, validateDesign, type Provider, type Target } from "../design";
import { CatalogError, DumpError, loadSqlDump, openDumpDatabase, proposeDesign, readCatalog, type ImportResult } from "../import";
import { InputError } from "./io";
import { failureLines, parse, secretsIn, type CliIo } from "./run";

/** A SQL file, or a folder of migrations (drizzle's `*.sql`, Supabase's `supabase/migrations`), in order. */
async function readSql(cwd: string, given: string): Promise<string> {
  const path = resolve(cwd, given);
  if (!existsSync(path)) throw new InputError([`--sql ${given}: no such file or folder`]);
  if (!statSync(path).isDirectory()) return readFile(path, "utf8");
  const names = (await readdir(path)).filter((n) => n.endsWith(".sql")).sort();
  if (names.length === 0) throw new InputError([`--sql ${given}: the folder holds no .sql files`]);
  return (await Promise.all(names.map((n) => readFile(join(path, n), "utf8")))).join("\n;\n");
}

/**
 * `import`: reads a database's (or a dump's) tables into a design whose tables are all marked
 * existing, with a firewall guessed per table; prints every guess as a warning. Nothing is
 * written unless the whole import succeeded.
 */
export async function importCommand(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, {
    "database-url": { type: "string" },
    sql: { type: "string" },
    schema: { type: "string" },
    out: { type: "string", short: "o" },
    name: { type: "string" },
    target: { type: "string" },
    provider: { type: "string" },
    force: { type: "boolean" },
  });
  if (positionals.length) throw new InputError([`unexpected ${positionals.join(", ")}: import takes --database-url URL or --sql FILE`]);
  const url = values["database-url"] as string | undefined;
  const sqlPath = values.sql as string | undefined;
  if ((url === undefined) === (sqlPath === undefined)) throw new InputError(["give --database-url URL (a live database) or --sql FILE (a pg_dump --schema-only file or a migrations folder), one of them"]);
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new InputError(["--database-url: expected postgres://user@host:port/database"]);
  const target = (values.target as string | undefined) ?? "postgres";
  if (!(TARGETS as readonly string[]).includes(target)) throw new InputError([`--target: one of ${TARGETS.join(", ")}`]);
  const provider = (values.provider as string | undefined) ?? (target === "supabase" ? "supabase" : "custom");
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw new InputError([`--provider: one of ${PROVIDERS.join(", ")}`]);
  const schema = (values.schema as string | undefined) ?? "public";
  const out = values.out === undefined ? undefined : resolve(io.cwd, String(values.out));
  if (out && existsSync(out) && !values.force) throw new InputError([`--out ${values.out}: the file exists; add --force to replace it`]);
  const script = sqlPath === undefined ? undefined : await readSql(io.cwd, sqlPath);
  const options = { target: target as Target, provider: provider as Provider, ...(values.name ? { name: String(values.name) } : {}) };

  let result: ImportResult;
  let step: "connect" | "plan" = "connect";
  let db: Database | undefined;
  try {
    db = url ? await openDatabase({ url }) : await openDumpDatabase();
    step = "plan";
    if (script !== undefined) await loadSqlDump(db, script, sqlPath!);
    result = proposeDesign(await readCatalog(db, schema), options);
  } catch (error) {
    if (error instanceof CatalogError || error instanceof DumpError) {
      io.stderr(secretsIn(args, io.env ?? process.env).redact(`import failed: ${error.message}\nfix: ${error.fix}`) + "\n");
      return { exitCode: 1 };
    }
    io.stderr(failureLines(describeFailure(step, error), "import", secretsIn(args, io.env ?? process.env)) + "\n");
    return { exitCode: 1 };
  } finally {
    await db?.close().catch(() => {});
  }

  const source = url ? "the database" : sqlPath!;
  const checked = validateDesign(result.design);
  if (!checked.ok) {
    io.stderr(`import failed: the tables of ${source} do not make a valid design yet:\n${checked.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}\nfix: see each line; nothing was written\n`);
    return { exitCode: 1 };
  }
  if (result.design.tables.length === 0) {
    io.stderr(`import failed: no tables in schema ${schema} of ${source}\nfix: choose the schema that holds them (--schema NAME)\n`);
    return { exitCode: 1 };
  }
  for (const w of result.warnings) io.stdout(`warning: ${formatProblem(w)}\n`);
  const text = JSON.stringify(result.design, null, 2) + "\n";
  if (!out) io.stdout(text);
  else {
    const staging = `${out}.rlsd-tmp-${process.pid}`;
    await writeFile(staging, text);
    await rename(staging, out);
    io.stdout(
      `wrote ${values.out}: ${result.design.tables.length} existing tables, ${result.warnings.length} warnings to review, ${result.existingPolicies.length} existing policies\n` +
        `next: review the firewall and access of each table, then: npm run cli -- plan ${values.out}${url ? " --database-url <the same URL>" : ""}\n`,
    );
  }
  return { exitCode: 0 };
}
