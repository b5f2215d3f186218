import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "pg";
import type { BenchCase } from "./cases";
import { ORGANIZATIONS, ROWS, USERS_PER_ORGANIZATION } from "./data";
import type { CasePlans, PlanSummary } from "./explain";
import type { Measured } from "./measure";

export const GOAL_RATIO = 1.5;
export const HEADING = "## Row-level security (npm run bench:rls)";
const DOC = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));

export interface Environment {
  readonly date: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  /** 1-minute load average when measuring starts: others' work on a 2-core machine shows up in the times. */
  readonly load: number;
  readonly postgres: string;
  readonly settings: string;
  readonly node: string;
  readonly standIn: string;
  readonly loadSeconds: number;
}

export interface CaseReport {
  readonly kase: BenchCase;
  readonly measured: Measured;
  readonly plans: CasePlans;
  /** The policies that apply to a select as `authenticated`, as PostgreSQL stores them. */
  readonly policies: readonly string[];
}

export async function environment(client: Client, standIn: string, loadSeconds: number): Promise<Environment> {
  const { rows } = await client.query<{ version: string; settings: string }>(
    `SELECT version() AS version,
            'shared_buffers=' || current_setting('shared_buffers') || ', work_mem=' || current_setting('work_mem') ||
            ', jit=' || current_setting('jit') || ', max_parallel_workers_per_gather=' ||
            current_setting('max_parallel_workers_per_gather') AS settings`,
  );
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    load: loadavg()[0],
    postgres: rows[0].version,
    settings: rows[0].settings,
    node: process.version,
    standIn,
    loadSeconds,
  };
}

/** Policies on the case's table that a select as `authenticated` goes through (firewall and select). */
export async function policiesFor(client: Client, kase: BenchCase): Promise<string[]> {
  const table = /public\."([^"]+)"/.exec(kase.rls.sql)?.[1];
  const { rows } = await client.query<{ line: string }>(
    `SELECT policyname || ' (' || lower(permissive) || ', ' || lower(cmd) || '): ' || qual AS line
       FROM pg_catalog.pg_policies
      WHERE schemaname = 'public' AND tablename = $1 AND cmd IN ('ALL', 'SELECT') AND 'authenticated' = ANY (roles)
      ORDER BY permissive DESC, policyname`,
    [table],
  );
  return rows.map((r) => r.line);
}

export function ratio(m: Measured): number {
  return m.rls.medianMs / m.handWritten.medianMs;
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

const times = (x: number): string => `${x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(2)}x`;

function verdict(r: CaseReport): string {
  if (r.kase.kind === "naive") return "context";
  return ratio(r.measured) <= GOAL_RATIO ? "yes" : "**no**";
}

function resultsTable(reports: readonly CaseReport[]): string[] {
  return [
    `| shape | RLS median ms | hand-written median ms | ratio | RLS p95 ms | hand-written p95 ms | rows | runs | within ${GOAL_RATIO}x |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...reports.map((r) => {
      const m = r.measured;
      const cells = [r.kase.shape, ms(m.rls.medianMs), ms(m.handWritten.medianMs), times(ratio(m))];
      cells.push(ms(m.rls.p95Ms), ms(m.handWritten.p95Ms), String(m.rows), String(m.rls.runs), verdict(r));
      return `| ${cells.join(" | ")} |`;
    }),
  ];
}

/** Names the generated shapes over the goal, so a regression cannot hide in the table. */
function missedGoal(reports: readonly CaseReport[]): string[] {
  const missed = reports.filter((r) => r.kase.kind === "generated" && ratio(r.measured) > GOAL_RATIO);
  if (missed.length === 0) return [`Every generated shape is within ${GOAL_RATIO}x of the hand-written query.`, ""];
  return [`Over the ${GOAL_RATIO}x goal: ${missed.map((r) => r.kase.shape).join("; ")} (see the plans below).`, ""];
}

const timings = (p: PlanSummary): string =>
  `planning ${ms(p.planningMs)} ms, execution ${ms(p.executionMs)} ms, buffers ${p.buffers || "n/a"}`;

function planSection(r: CaseReport): string[] {
  const { rls, handWritten } = r.plans;
  return [
    `#### ${r.kase.shape}`,
    "",
    `RLS: ${timings(rls)}. Hand-written \`${r.kase.handWritten.sql}\`: ${timings(handWritten)}.`,
    "",
    "```",
    ...r.policies,
    "",
    ...rls.nodes,
    "",
    "-- hand-written:",
    ...handWritten.nodes,
    "```",
    "",
  ];
}

export function renderSection(env: Environment, reports: readonly CaseReport[]): string {
  const lines = [
    HEADING,
    "",
    `Written by \`npm run bench:rls\` (\`bench/rls.ts\`) on ${env.date}; run it again to refresh this section.`,
    "",
    `Each query is \`SELECT * FROM <table>\` as the signed-in role (\`authenticated\`, inside a transaction with`,
    "`set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`), under the policies",
    "that `lib/compiler` generates for a small design (`bench/rls/design.ts`), against the same rows fetched by",
    "the superuser with a hand-written `WHERE` on the same indexes. Times are the client's round trip for the",
    "select alone (planning, execution, transfer), median and p95; the two sides alternate run by run, and the",
    "bench fails if they ever return different rows.",
    "",
    `Data: ${ROWS.toLocaleString("en-US")} rows per table, ${ORGANIZATIONS.toLocaleString("en-US")} organizations x ` +
      `${USERS_PER_ORGANIZATION} users (so one tenant has ${(ROWS / ORGANIZATIONS).toLocaleString("en-US")} rows, one user ` +
      `${ROWS / ORGANIZATIONS / USERS_PER_ORGANIZATION}), spread over the table, then \`VACUUM ANALYZE\`; loading took ${env.loadSeconds.toFixed(0)} s.`,
    "The naive rows swap the `todos` firewall for the shape named (drizzle-orm's `authUid`, as in Neon's `crudPolicy`",
    "guides; and the bare call) on the same table, for context: they are not what the compiler emits.",
    "",
    ...resultsTable(reports),
    "",
    ...missedGoal(reports),
    `Machine: ${env.cpus} CPUs (nproc), ${env.memoryGiB} GiB memory, load average ${env.load.toFixed(2)} when measuring began;`,
    `${env.postgres}; ${env.settings}; Node ${env.node}.`,
    `\`auth.user_id()\`/\`auth.session()\`: pg_session_jwt is not installed here, so the stand-in from ${env.standIn} replaces it`,
    "(SQL functions over `request.jwt.claims`). Before PostgreSQL 18 a SQL function that is not inlined re-parses and",
    "re-plans its body in every statement that calls it; the extension's functions are C, so shapes that call `auth.*`",
    "more often (the naive ones, the organization shapes) should cost somewhat less on Neon than here.",
    "",
    "Command: `npm run bench:rls` (`DATABASE_URL` picks the server, default `postgres://postgres@127.0.0.1:5432/test`;",
    "the bench creates and drops its own database `rlsd_bench`).",
    "",
    "### Plans",
    "",
    "`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)` of each RLS query as `authenticated` (the policies in force, then the plan's",
    "node lines), and of its hand-written counterpart as the superuser. Single runs: the table above is the measurement.",
    "",
    ...reports.flatMap(planSection),
  ];
  return lines.join("\n").trimEnd() + "\n";
}

/** Replaces (or appends) this bench's section, leaving every other section of the file as it is. */
export function replaceSection(doc: string | null, section: string): string {
  if (doc === null) return `# Benchmarks\n\n${section}`;
  const start = doc.split("\n").findIndex((line) => line.trimEnd() === HEADING);
  if (start < 0) return `${doc.trimEnd()}\n\n${section}`;
  const lines = doc.split("\n");
  const next = lines.findIndex((line, i) => i > start && /^## /.test(line));
  const before = lines.slice(0, start).join("\n");
  const after = next < 0 ? "" : `\n${lines.slice(next).join("\n")}`;
  return `${before}${before ? "\n" : ""}${section}${after}`;
}

export function writeSection(section: string): string {
  mkdirSync(dirname(DOC), { recursive: true });
  // Read just before writing: others edit other sections of this file.
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : null;
  writeFileSync(DOC, replaceSection(doc, section));
  return DOC;
}
