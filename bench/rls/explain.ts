import type { Client } from "pg";
import type { BenchCase, Query } from "./cases";
import { asSignedIn, asSuperuser } from "./session";

export interface PlanSummary {
  /** Plan node lines only (no Index Cond/Filter/Buffers detail), indented as PostgreSQL prints them. */
  readonly nodes: readonly string[];
  readonly planningMs: number;
  readonly executionMs: number;
  /** The root node's buffer counts, e.g. `shared hit=1004`. */
  readonly buffers: string;
}

export interface CasePlans {
  readonly rls: PlanSummary;
  readonly handWritten: PlanSummary;
}

/** A node line is the root, an `->` child, or an InitPlan/SubPlan header. */
function isNodeLine(line: string, index: number): boolean {
  return index === 0 || /^\s*->/.test(line) || /^\s*(InitPlan|SubPlan)\b/.test(line);
}

function summarise(lines: readonly string[]): PlanSummary {
  const timeOf = (label: string): number => Number(/([\d.]+) ms/.exec(lines.find((l) => l.startsWith(label)) ?? "")?.[1] ?? NaN);
  // The root's details come before its children's, so the first Buffers line is the whole query's.
  const buffers = lines.find((l) => /^\s*Buffers:/.test(l)) ?? "";
  return {
    nodes: lines.filter(isNodeLine),
    planningMs: timeOf("Planning Time:"),
    executionMs: timeOf("Execution Time:"),
    buffers: buffers.replace(/^\s*Buffers:\s*/, ""),
  };
}

/** EXPLAIN (ANALYZE, BUFFERS); COSTS OFF keeps the lines short. */
async function explainQuery(client: Client, query: Query): Promise<PlanSummary> {
  const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.sql}`, [
    ...query.params,
  ]);
  return summarise(rows.map((r) => r["QUERY PLAN"]));
}

/** Both plans, each as it is measured: the RLS query as `authenticated`, the hand-written one as the superuser. */
export async function explain(client: Client, kase: BenchCase): Promise<CasePlans> {
  return {
    rls: await asSignedIn(client, kase.claims, () => explainQuery(client, kase.rls)),
    handWritten: await asSuperuser(client, () => explainQuery(client, kase.handWritten)),
  };
}
