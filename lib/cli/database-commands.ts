import { destinationSchema, formatPlan, planFor, runApply, type ApplyEnvironment, type ApplyEvent, type Destination } from "../apply";
import { describeFailure } from "../apply/errors";
import { compileNextVersion, type Bundle } from "../compiler";
import { openDatabase, readStoredBundle, type Database } from "../db";
import type { Design } from "../design";
import { explainBundle, ExplainError, formatExplanation, formatReport, parseExplainSpec, roleOfUrl, verifyBundle } from "../verify";
import { verifyCurrentPolicies } from "../import";
import { InputError, readDesignFile } from "./io";
import { failureLines, parse, pgliteDirFor, secretsIn, type CliIo } from "./run";

async function withDatabase<T>(url: string | undefined, dataDir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new InputError([`--database-url: expected postgres://user@host:port/database (got something else)`]);
  }
  const db = await openDatabase(url ? { url } : { dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => {});
  }
}

const DESTINATION_OPTIONS = {
  "database-url": { type: "string" },
  "pglite-dir": { type: "string" },
  "neon-project": { type: "string" },
  "neon-parent-branch": { type: "string" },
  "neon-branch-name": { type: "string" },
  "neon-branch": { type: "string" },
  "neon-database": { type: "string" },
  "neon-role": { type: "string" },
  "keep-rehearsal": { type: "boolean" },
} as const;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The embedded database unless a URL or a Neon project is given; the Neon API key only from NEON_API_KEY. */
function destinationFrom(values: Values, env: Record<string, string | undefined>): Destination {
  const url = values["database-url"] as string | undefined;
  const project = values["neon-project"] as string | undefined;
  const parent = values["neon-parent-branch"] as string | undefined;
  const name = values["neon-branch-name"] as string | undefined;
  const branch = values["neon-branch"] as string | undefined;
  const database = values["neon-database"] as string | undefined;
  const role = values["neon-role"] as string | undefined;
  const keep = values["keep-rehearsal"] === true;
  if (url !== undefined && project !== undefined) throw new InputError(["give either --database-url or --neon-project, not both"]);
  if (project === undefined && (branch !== undefined || database !== undefined || role !== undefined || keep)) {
    throw new InputError(["--neon-branch, --neon-database, --neon-role and --keep-rehearsal need --neon-project"]);
  }
  if (branch === undefined && (database !== undefined || role !== undefined || keep)) {
    throw new InputError(["--neon-database, --neon-role and --keep-rehearsal are for a connected branch: give --neon-branch too"]);
  }
  if (branch !== undefined && parent !== undefined) throw new InputError(["give either --neon-branch (apply to that branch, rehearsed on a child) or --neon-parent-branch (a new branch from it), not both"]);
  if (values["pglite-dir"] !== undefined && (url !== undefined || project !== undefined)) {
    throw new InputError(["--pglite-dir is for the embedded database: give it without --database-url and --neon-project"]);
  }
  if (project === undefined && (parent !== undefined || name !== undefined)) {
    throw new InputError(["--neon-parent-branch and --neon-branch-name need --neon-project"]);
  }
  let candidate: unknown = { kind: "embedded" };
  if (url !== undefined) candidate = { kind: "postgres", url };
  if (project !== undefined) {
    const apiKey = env.NEON_API_KEY;
    if (!apiKey) {
      throw new InputError(["--neon-project needs a Neon API key in the environment: NEON_API_KEY=... (never as an option, so it stays out of your shell history)"]);
    }
    candidate = {
      kind: "neon",
      apiKey,
      projectId: project,
      ...(parent ? { parentBranchId: parent } : {}),
      ...(name ? { branchName: name } : {}),
      ...(branch ? { branchId: branch } : {}),
      ...(database ? { databaseName: database } : {}),
      ...(role ? { roleName: role } : {}),
      ...(keep ? { keepRehearsal: true } : {}),
    };
  }
  const parsed = destinationSchema.safeParse(candidate);
  if (!parsed.success) {
    const option: Record<string, string> = {
      url: "--database-url",
      projectId: "--neon-project",
      parentBranchId: "--neon-parent-branch",
      branchName: "--neon-branch-name",
      branchId: "--neon-branch",
      databaseName: "--neon-database",
      roleName: "--neon-role",
      apiKey: "NEON_API_KEY",
    };
    throw new InputError(parsed.error.issues.map((issue) => `${option[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`));
  }
  return parsed.data;
}

function cliEnvironment(dataDir: string, env: Record<string, string | undefined>): ApplyEnvironment {
  return {
    async embedded() {
      const db = await openDatabase({ dataDir });
      return { db, release: () => db.close() };
    },
    neon: {
      ...(env.RLSD_NEON_API_URL ? { baseURL: env.RLSD_NEON_API_URL } : {}),
      ...(env.RLSD_NEON_WS_PROXY ? { proxy: env.RLSD_NEON_WS_PROXY } : {}),
      // A local stand-in answers at once; Neon itself is polled every second.
      ...(Number(env.RLSD_NEON_POLL_MS) > 0 ? { pollIntervalMs: Number(env.RLSD_NEON_POLL_MS) } : {}),
    },
  };
}

/** One line per step as it happens; the plan and the access matrix in full; failures on stderr with what to do. */
function printEvent(io: CliIo, event: ApplyEvent): void {
  const { step, status, detail } = event;
  if (step === "done") return;
  if (status === "failed") {
    if (event.matrix) io.stdout(`${event.matrix}\n`);
    const error = event.error;
    const lines = [`${step} failed: ${detail}`];
    if (error?.file) lines.push(`  in ${error.file}, statement ${error.statementNumber}:`, ...(error.statement ?? "").split("\n").map((l) => `    ${l}`));
    if (error?.fix) lines.push(`fix: ${error.fix}`);
    io.stderr(`${lines.join("\n")}\n`);
    return;
  }
  if (step === "plan" && event.plan) return io.stdout(`${formatPlan(event.plan)}\n`);
  if (step === "verify" && status === "done" && event.matrix) return io.stdout(`${event.matrix}\n`);
  if (step === "migration" && status === "running" && event.index) return io.stdout(`  ${detail}\n`);
  if (step === "verify" && status === "running" && event.index) return io.stdout(`  ${detail}\n`);
  if (step === "stand-in" && status === "done") return io.stdout(`note: ${detail}\n`);
  if (status === "running") return io.stdout(`${detail}\n`);
  if (status === "done" || status === "skipped") io.stdout(`${detail}\n`);
}

/**
 * The roles the application connects as, from the connection strings the bundle's .env.example
 * names; verify warns when the policies do not hold them (superuser, BYPASSRLS, table owner).
 */
function appRolesFrom(env: Record<string, string | undefined>): string[] {
  return [env.DATABASE_AUTHENTICATED_URL, env.DATABASE_APP_URL].flatMap((url) => {
    const role = url ? roleOfUrl(url) : null;
    return role ? [role] : [];
  });
}

async function runJob(args: string[], io: CliIo, mode: "plan" | "apply") {
  const options =
    mode === "apply" ? { ...DESTINATION_OPTIONS, yes: { type: "boolean", short: "y" }, "plan-only": { type: "boolean" }, "rehearse-only": { type: "boolean" }, "drop-foreign-policies": { type: "boolean" } } : DESTINATION_OPTIONS;
  const { values, positionals } = parse(args, options as Parameters<typeof parse>[1]);
  if (positionals.length > 1) throw new InputError([`expected one design file, got ${positionals.join(", ")}`]);
  const env = io.env ?? process.env;
  const { model, bundle, design } = await readDesignFile(io.cwd, positionals[0]);
  const destination = destinationFrom(values, env);
  const connected = destination.kind === "neon" && destination.branchId !== undefined;
  if (values["rehearse-only"] && !connected) throw new InputError(["--rehearse-only is for a connected branch: give --neon-project and --neon-branch"]);
  const job = { model, bundle, design, destination, confirmDestructive: values.yes === true, appRoles: appRolesFrom(env), dropForeignPolicies: values["drop-foreign-policies"] === true };
  const environment = cliEnvironment(pgliteDirFor(values, io), env);
  const print = (event: ApplyEvent) => printEvent(io, event);
  const jobMode = values["plan-only"] || mode === "plan" ? "plan" : connected ? "rehearse" : "apply";

  let outcome = await runApply({ ...job, mode: jobMode }, environment, print);
  if (outcome.mode === "rehearse") {
    const r = outcome.rehearsal;
    if (r) io.stdout(`rehearsal branch: ${r.branch.branchName} (${r.branch.branchId})${r.kept ? (r.deleteError ? ", NOT deleted: delete it in the Neon Console" : ", kept") : ", deleted"}\n`);
    const target = outcome.branch?.branchName ?? "the connected branch";
    if (!outcome.ok || !r?.fingerprint) {
      io.stderr(`rehearsal failed: ${target} was not changed\n`);
      return { exitCode: 1 };
    }
    if (values["rehearse-only"]) {
      io.stdout(`rehearsed only: ${target} was not changed. Apply without --rehearse-only to bring it to this version.\n`);
      return { exitCode: 0 };
    }
    if (io.confirm && !(await io.confirm(`Apply the rehearsed migrations to branch ${target}? [y/N] `))) {
      io.stdout(`not confirmed: ${target} was not changed.\n`);
      return { exitCode: 1 };
    }
    io.stdout(`applying the rehearsed migrations to ${target}\n`);
    outcome = await runApply({ ...job, mode: "apply", rehearsal: r.fingerprint }, environment, print);
  }
  if (outcome.branch && outcome.mode === "apply") io.stdout(`Neon branch: ${outcome.branch.branchName} (${outcome.branch.branchId}) in project ${outcome.branch.projectId}\n`);
  if (outcome.ok) io.stdout(outcome.mode === "plan" ? "plan only: nothing was changed.\n" : `the data lives in ${outcome.location}\n`);
  return { exitCode: outcome.ok ? 0 : 1 };
}

export async function applyCommand(args: string[], io: CliIo) {
  return runJob(args, io, "apply");
}

export async function planCommand(args: string[], io: CliIo) {
  return runJob(args, io, "plan");
}

export async function verifyCommand(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, { "database-url": { type: "string" }, "pglite-dir": { type: "string" }, explain: { type: "string" }, current: { type: "boolean" } });
  if (positionals.length > 1) throw new InputError([`expected one design file, got ${positionals.join(", ")}`]);
  const url = values["database-url"] as string | undefined;
  const explain = values.explain as string | undefined;
  let request: ReturnType<typeof parseExplainSpec> | undefined;
  try {
    request = explain === undefined ? undefined : parseExplainSpec(explain);
  } catch (error) {
    throw new InputError([(error as Error).message]);
  }
  if (url !== undefined && values["pglite-dir"] !== undefined) throw new InputError(["give either --database-url or --pglite-dir, not both"]);
  const { model, bundle: fresh, design } = await readDesignFile(io.cwd, positionals[0]);
  const env = io.env ?? process.env;
  let step: "connect" | "plan" | "verify" = "connect";
  try {
    return await withDatabase(url, pgliteDirFor(values, io), async (db) => {
      if (values.current) {
        // Issue 10: what the database's own policies allow today, against the design's meaning; nothing of the design is applied.
        step = "verify";
        io.stdout(`verifying the policies ${db.location} has now, before any change (in a transaction that is rolled back)\n`);
        const report = await verifyCurrentPolicies(model, fresh, db, (p) => io.stdout(`  table ${p.index + 1} of ${p.total}: ${p.table}\n`));
        io.stdout(formatReport(report) + "\n");
        io.stdout(report.ok ? "the database already behaves as the design says: applying it changes no access\n" : "each mismatch is a place where applying the design changes access (expected: the design's meaning; got: what the database does today)\n");
        return { exitCode: report.ok ? 0 : 1 };
      }
      step = "plan";
      // A database holding another version of the design cannot take this bundle in a transaction: say so, and how to move it.
      let bundle = fresh;
      const plan = await planFor(fresh, db, db.location);
      const stored = plan.conflicts.length > 0 ? await readStoredBundle(db) : null;
      // The database holds this very design, as apply moved it there version by version: verify that bundle.
      if (stored !== null && sameDesign(stored, design)) bundle = stored;
      else if (stored !== null) {
        io.stderr(
          `verify failed: ${db.location} holds another version of this design (${plan.conflicts.join(" ")})\n` +
            `fix: move it to this version first: npm run cli -- apply ${positionals[0]}${url ? " --database-url <the same URL>" : ""}; then verify again\n`,
        );
        return { exitCode: 1 };
      }
      step = "verify";
      if (request) {
        io.stdout(`explaining in ${db.location} (inside a transaction that is rolled back)\n`);
        try {
          const explained = await explainBundle(model, bundle, db, request);
          io.stdout(formatExplanation(explained, model.tables.find((t) => t.name === explained.table)) + "\n");
          return { exitCode: explained.rows.every((r) => r.agrees) ? 0 : 1 };
        } catch (error) {
          if (error instanceof ExplainError) throw new InputError([error.message]);
          throw error;
        }
      }
      io.stdout(`verifying in ${db.location} (in transactions that are rolled back)\n`);
      const report = await verifyBundle(model, bundle, db, (p) => io.stdout(`  table ${p.index + 1} of ${p.total}: ${p.table}\n`), appRolesFrom(env), {
        onGroup: (g) => {
          if (g.total > 1) io.stdout(`group ${g.index + 1} of ${g.total} (${g.tables.length} tables, one transaction each group)\n`);
        },
      });
      io.stdout(formatReport(report) + "\n");
      return { exitCode: report.ok ? 0 : 1 };
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    io.stderr(failureLines(describeFailure(step, error), "verify", secretsIn(args, env)) + "\n");
    return { exitCode: 1 };
  }
}

/** Whether an earlier bundle (as apply recorded it in the database) was compiled from this design. */
function sameDesign(stored: Bundle, design: Design): boolean {
  try {
    const next = compileNextVersion(stored, design);
    return next.ok && next.kind === "unchanged";
  } catch {
    return false;
  }
}
