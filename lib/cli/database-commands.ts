import { resolve } from "node:path";
import { destinationSchema, formatPlan, runApply, type ApplyEnvironment, type ApplyEvent, type Destination } from "../apply";
import { DEFAULT_PGLITE_DIR, openDatabase, type Database } from "../db";
import { explainBundle, ExplainError, formatExplanation, formatReport, parseExplainSpec, roleOfUrl, verifyBundle } from "../verify";
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

const DESTINATION_OPTIONS = {
  "database-url": { type: "string" },
  "neon-project": { type: "string" },
  "neon-parent-branch": { type: "string" },
  "neon-branch-name": { type: "string" },
} as const;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The embedded database unless a URL or a Neon project is given; the Neon API key only from NEON_API_KEY. */
function destinationFrom(values: Values, env: Record<string, string | undefined>): Destination {
  const url = values["database-url"] as string | undefined;
  const project = values["neon-project"] as string | undefined;
  const parent = values["neon-parent-branch"] as string | undefined;
  const name = values["neon-branch-name"] as string | undefined;
  if (url !== undefined && project !== undefined) throw new InputError(["give either --database-url or --neon-project, not both"]);
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
    candidate = { kind: "neon", apiKey, projectId: project, ...(parent ? { parentBranchId: parent } : {}), ...(name ? { branchName: name } : {}) };
  }
  const parsed = destinationSchema.safeParse(candidate);
  if (!parsed.success) {
    const option: Record<string, string> = { url: "--database-url", projectId: "--neon-project", parentBranchId: "--neon-parent-branch", branchName: "--neon-branch-name", apiKey: "NEON_API_KEY" };
    throw new InputError(parsed.error.issues.map((issue) => `${option[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`));
  }
  return parsed.data;
}

function cliEnvironment(io: CliIo, env: Record<string, string | undefined>): ApplyEnvironment {
  return {
    async embedded() {
      const db = await openDatabase({ dataDir: resolve(io.cwd, DEFAULT_PGLITE_DIR) });
      return { db, release: () => db.close() };
    },
    neon: {
      ...(env.RLSD_NEON_API_URL ? { baseURL: env.RLSD_NEON_API_URL } : {}),
      ...(env.RLSD_NEON_WS_PROXY ? { proxy: env.RLSD_NEON_WS_PROXY } : {}),
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
  const options = mode === "apply" ? { ...DESTINATION_OPTIONS, yes: { type: "boolean", short: "y" }, "plan-only": { type: "boolean" } } : DESTINATION_OPTIONS;
  const { values, positionals } = parse(args, options as Parameters<typeof parse>[1]);
  if (positionals.length > 1) throw new InputError([`expected one design file, got ${positionals.join(", ")}`]);
  const env = io.env ?? process.env;
  const { model, bundle, design } = await readDesignFile(io.cwd, positionals[0]);
  const destination = destinationFrom(values, env);
  const outcome = await runApply(
    { model, bundle, design, destination, mode: values["plan-only"] ? "plan" : mode, confirmDestructive: values.yes === true, appRoles: appRolesFrom(env) },
    cliEnvironment(io, env),
    (event) => printEvent(io, event),
  );
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
  const { values, positionals } = parse(args, { "database-url": { type: "string" }, explain: { type: "string" } });
  const { model, bundle } = await readDesignFile(io.cwd, positionals[0]);
  const explain = values.explain as string | undefined;
  if (explain !== undefined) {
    let request;
    try {
      request = parseExplainSpec(explain);
    } catch (error) {
      throw new InputError([(error as Error).message]);
    }
    return withDatabase(values["database-url"] as string | undefined, io, async (db) => {
      io.stdout(`explaining in ${db.location} (inside a transaction that is rolled back)\n`);
      try {
        const report = await explainBundle(model, bundle, db, request);
        io.stdout(formatExplanation(report, model.tables.find((t) => t.name === report.table)) + "\n");
        return { exitCode: report.rows.every((r) => r.agrees) ? 0 : 1 };
      } catch (error) {
        if (error instanceof ExplainError) throw new InputError([error.message]);
        throw error;
      }
    });
  }
  return withDatabase(values["database-url"] as string | undefined, io, async (db) => {
    io.stdout(`verifying in ${db.location} (inside a transaction that is rolled back)\n`);
    const env = io.env ?? process.env;
    const report = await verifyBundle(model, bundle, db, (p) => io.stdout(`  table ${p.index + 1} of ${p.total}: ${p.table}\n`), appRolesFrom(env));
    io.stdout(formatReport(report) + "\n");
    return { exitCode: report.ok ? 0 : 1 };
  });
}
