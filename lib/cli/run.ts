import { existsSync, readdirSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatProblem, TEMPLATE_DESCRIPTIONS, TEMPLATE_NAMES, template, type TemplateName } from "../design";
import { DEFAULT_PGLITE_DIR, emptyEmbeddedDatabase, openDatabase } from "../db";
import { compileNextVersion, RECORD_PATH, VersionError, type Bundle } from "../compiler";
import { Redactor, type ApplyFailure } from "../apply";
import { describeFailure } from "../apply/errors";
import { InputError, overlayBundle, readDesignFile, readEarlierBundle, writeBundle } from "./io";
import { applyCommand, planCommand, verifyCommand } from "./database-commands";
import { diffCommand } from "./diff-command";
import { importCommand } from "./import-command";
import { lintDatabaseCommand } from "./lint-database";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** The environment (NEON_API_KEY); process.env unless given. */
  env?: Record<string, string | undefined>;
  /** Asks the user yes or no (a terminal only); without it, the command line is the confirmation. */
  confirm?(question: string): Promise<boolean>;
}

export const USAGE = `RLS Designer: PostgreSQL row-level security you can prove.

Usage: npm run cli -- <command> [options]

  compile <design.json> --out <dir> [--from <earlier bundle | design.json>]
                                             write the bundle (migrations, schema.ts, .env.example, README); on a
                                             folder holding an earlier compile, append one migration for the change
  plan    <design.json> [destination]        show which migrations the database has not seen and what they do
  apply   <design.json> [destination] [--yes] [--plan-only]
                                             plan, apply the new migrations in one transaction, then verify there;
                                             --yes confirms changes that drop or rewrite data;
                                             --drop-foreign-policies drops the policies on adopted (existing) tables
                                             that the design does not produce (the plan lists them)
  verify  <design.json> [destination]        prove the policies: every principal x operation against the
                                             meaning, printed as a matrix; exit 1 on any mismatch; changes nothing
          [--current]                        instead, the database's own policies as they are (nothing of the design
                                             applied): each mismatch is what applying the design would change
          [--explain table:principal:op]     instead, for one cell and every sample row: which rule admitted or
                                             refused it, each part with the values it compared, and what the
                                             database did with that row alone
  lint    <design.json>                      check the design and list every problem
  lint    --database-url URL [--schema public] [--format text|json|sarif]
                                             check a live database: splinter's RLS checks and ours, each finding
                                             with the object, why it matters and the fix; exit 1 on any error
  diff    <old.json> <new.json>              what a new version changes: the migration it appends, and who may
                                             now (+) or no longer (-) do what, from the meaning
  import  --database-url URL | --sql FILE [--schema public] [--out design.json] [--target T] [--provider P]
                                             read an existing database's (or a dump's) tables into a design: tables
                                             marked existing, a firewall guessed per table (each guess a warning)
  reset [--pglite-dir DIR]                   empty the embedded database, e.g. to apply a changed design afresh;
                                             servers are never emptied
  init    --template <name> [--out <file>]   start a design from a template (prints it without --out)
  templates                                  list the templates

Destinations (plan, apply, verify): the embedded database by default, in .data/pglite, or in
  --pglite-dir DIR                           another folder (RLSD_PGLITE_DIR in the environment does the same)
  --database-url URL                         any PostgreSQL (a Neon connection string too)
  --neon-project ID [--neon-parent-branch ID] [--neon-branch-name NAME]
                                             a new Neon branch (default name rls/<design>-<time>);
                                             the API key comes from NEON_API_KEY in the environment
  --neon-project ID --neon-branch ID [--neon-database NAME] [--neon-role NAME]
          [--keep-rehearsal] [--rehearse-only]
                                             an existing (connected) Neon branch: apply rehearses on a new child
                                             branch of it first (--neon-branch-name names it), then, once that
                                             applied and verified (and you said yes, in a terminal), applies the
                                             same migrations to the branch and verifies again; the child is deleted

Exit codes: 0 ok, 1 a failure (one message, with the fix; secrets hidden) or mismatches, 2 bad input (nothing is written).
`;

export async function runCli(argv: string[], io: CliIo): Promise<{ exitCode: number }> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "compile":
        return await compile(rest, io);
      case "plan":
        return await planCommand(rest, io);
      case "apply":
        return await applyCommand(rest, io);
      case "verify":
        return await verifyCommand(rest, io);
      case "lint":
        return await lint(rest, io);
      case "diff":
        return await diffCommand(rest, io);
      case "import":
        return await importCommand(rest, io);
      case "reset":
        return await resetCommand(rest, io);
      case "init":
        return await init(rest, io);
      case "templates":
        for (const name of TEMPLATE_NAMES) io.stdout(`${name.padEnd(8)} ${TEMPLATE_DESCRIPTIONS[name]}\n`);
        return { exitCode: 0 };
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return { exitCode: command === undefined ? 2 : 0 };
      default:
        throw new InputError([`unknown command "${command}"`, "", USAGE]);
    }
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(error.lines.join("\n") + "\n");
      return { exitCode: 2 };
    }
    // Never a stack trace: one message (SQLSTATE and hint when the database gave them), what to do, secrets hidden.
    io.stderr(failureLines(describeFailure("connect", error), command ?? "cli", secretsIn(argv, io.env ?? process.env)) + "\n");
    return { exitCode: 1 };
  }
}

/** What failed and the fix, as the command line prints every failure. */
export function failureLines(failure: ApplyFailure, command: string, redactor: Redactor): string {
  const lines = [`${command} failed: ${failure.message}`];
  if (failure.fix) lines.push(`fix: ${failure.fix}`);
  return redactor.redact(lines.join("\n"));
}

/** The secrets a command line may carry: connection strings among the arguments, the Neon API key. */
export function secretsIn(argv: readonly string[], env: Record<string, string | undefined>): Redactor {
  return new Redactor([...argv.filter((a) => /:\/\//.test(a)), env.NEON_API_KEY, env.DATABASE_URL, env.DATABASE_AUTHENTICATED_URL, env.DATABASE_APP_URL]);
}

type ParseOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

export function parse(args: string[], options: ParseOptions) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError([(error as Error).message.replace(/\. To specify.*$/, "")]);
  }
}

async function compile(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, { out: { type: "string", short: "o" }, from: { type: "string" } });
  if (positionals.length > 1) throw new InputError([`expected one design file, got ${positionals.join(", ")}`]);
  if (!values.out) throw new InputError(["--out <dir> is required: the folder to write the bundle into"]);
  const result = await readDesignFile(io.cwd, positionals[0]);
  const outDir = resolve(io.cwd, String(values.out));
  const shown = relative(io.cwd, outDir) || ".";
  const holdsBundle = existsSync(join(outDir, "drizzle", "meta", "_journal.json")) || existsSync(join(outDir, "supabase", "migrations")) || existsSync(join(outDir, RECORD_PATH));
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !holdsBundle) {
    throw new InputError([`--out ${values.out}: the folder exists and does not hold a bundle; choose a new or empty folder`]);
  }
  const from = values.from === undefined ? undefined : String(values.from);
  if (!holdsBundle && from === undefined) {
    await writeBundle(result.bundle, outDir);
    for (const file of result.bundle) io.stdout(`wrote ${join(shown, file.path)}\n`);
    return { exitCode: 0 };
  }

  // Spec §5: a new version of the design; earlier migrations stay as they are.
  const previous = await earlierVersion(io, outDir, holdsBundle, from);
  let next;
  try {
    next = compileNextVersion(previous, result.design);
  } catch (error) {
    if (error instanceof VersionError) throw new InputError([`${from ?? `--out ${values.out}`}: ${error.message}`]);
    throw error;
  }
  if (!next.ok) throw new InputError(next.problems.map((p) => formatProblem(p)));
  if (next.kind === "unchanged") {
    io.stdout(`no change since version ${next.record.version} of the design: nothing written\n`);
    return { exitCode: 0 };
  }
  if (holdsBundle) await overlayBundle(next.bundle, outDir);
  else await writeBundle(next.bundle, outDir);
  io.stdout(`version ${next.record.version}: ${next.migrationPath} appended\n${next.changes.map((c) => `  ${c}\n`).join("")}`);
  const earlier = new Map(previous.map((f) => [f.path, f.contents]));
  for (const file of next.bundle) {
    if (file.path !== next.migrationPath && earlier.get(file.path) !== file.contents) io.stdout(`wrote ${join(shown, file.path)}\n`);
  }
  return { exitCode: 0 };
}

/**
 * The earlier bundle a new version is compiled against: the folder's own (its record, or the
 * design given with --from when it has none), or a fresh compile of --from (a design file, or
 * another bundle folder).
 */
async function earlierVersion(io: CliIo, outDir: string, holdsBundle: boolean, from: string | undefined): Promise<Bundle> {
  const fromPath = from === undefined ? undefined : resolve(io.cwd, from);
  const fromBundle = fromPath !== undefined && existsSync(fromPath) && statSync(fromPath).isDirectory();
  if (fromPath !== undefined && fromBundle) {
    const earlier = await readEarlierBundle(fromPath);
    if (!earlier.some((f) => f.path === RECORD_PATH)) throw new InputError([`--from ${from}: no ${RECORD_PATH} there: not a bundle RLS Designer compiled`]);
    return earlier;
  }
  const folder = holdsBundle ? await readEarlierBundle(outDir) : [];
  if (folder.some((f) => f.path === RECORD_PATH) && from === undefined) return folder;
  if (from === undefined) {
    throw new InputError([
      `--out ${relative(io.cwd, outDir) || "."}: the bundle there has no ${RECORD_PATH} (compiled before versions were recorded); add --from <the design file it was compiled from>`,
    ]);
  }
  // The design the folder (if any) was compiled from: its record is that design's fresh compile.
  const earlier = await readDesignFile(io.cwd, from);
  const record = earlier.bundle.find((f) => f.path === RECORD_PATH)!;
  return holdsBundle ? [...folder.filter((f) => f.path !== RECORD_PATH), record] : earlier.bundle;
}

/**
 * The embedded database's folder: --pglite-dir, else RLSD_PGLITE_DIR (as for the app), else
 * .data/pglite; relative to the working directory.
 */
export function pgliteDirFor(values: Record<string, unknown>, io: CliIo): string {
  const env = io.env ?? process.env;
  const given = values["pglite-dir"];
  if (given !== undefined && (typeof given !== "string" || given === "")) throw new InputError(["--pglite-dir: give a folder"]);
  return resolve(io.cwd, (given as string | undefined) ?? (env.RLSD_PGLITE_DIR || DEFAULT_PGLITE_DIR));
}

async function resetCommand(args: string[], io: CliIo) {
  const { values } = parse(args, { "pglite-dir": { type: "string" } });
  const dataDir = pgliteDirFor(values, io);
  if (!existsSync(dataDir)) {
    io.stdout(`nothing to empty: there is no embedded database in ${dataDir}\n`);
    return { exitCode: 0 };
  }
  const db = await openDatabase({ dataDir });
  try {
    const dropped = await emptyEmbeddedDatabase(db);
    io.stdout(`emptied the embedded database in ${dataDir} (dropped schemas ${dropped.join(", ")})\n`);
  } finally {
    await db.close();
  }
  return { exitCode: 0 };
}

async function lint(args: string[], io: CliIo) {
  if (args.some((a) => a === "--database-url" || a.startsWith("--database-url="))) return lintDatabaseCommand(args, io);
  const { positionals } = parse(args, {});
  const result = await readDesignFile(io.cwd, positionals[0]);
  const policies = result.bundle.filter((f) => f.path.endsWith("policies.sql")).map((f) => f.contents.match(/CREATE POLICY/g)?.length ?? 0).reduce((a, b) => a + b, 0);
  for (const warning of result.warnings) io.stdout(`${positionals[0]}: warning: ${formatProblem(warning)}\n`);
  io.stdout(`${positionals[0]}: no problems (${result.model.tables.length} tables, ${policies} policies)\n`);
  return { exitCode: 0 };
}

async function init(args: string[], io: CliIo) {
  const { values } = parse(args, { template: { type: "string", short: "t" }, out: { type: "string", short: "o" }, force: { type: "boolean" } });
  const name = values.template as string | undefined;
  if (!name || !TEMPLATE_NAMES.includes(name as TemplateName)) {
    throw new InputError([`--template: choose one of ${TEMPLATE_NAMES.join(", ")}${name ? ` (got "${name}")` : ""}`]);
  }
  const text = JSON.stringify(template(name as TemplateName), null, 2) + "\n";
  if (!values.out) {
    io.stdout(text);
    return { exitCode: 0 };
  }
  const out = resolve(io.cwd, String(values.out));
  if (existsSync(out) && !values.force) throw new InputError([`--out ${values.out}: the file exists; add --force to replace it`]);
  await writeFile(out, text);
  io.stdout(`wrote ${values.out} (template ${name}); next: npm run cli -- verify ${values.out}\n`);
  return { exitCode: 0 };
}
