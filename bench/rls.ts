/**
 * `npm run bench:rls`: what the generated row-level security policies cost on 1,000,000 rows,
 * against the same rows fetched by a hand-written indexed query (goal: at most 1.5x), with
 * drizzle's naive shapes beside them for context. Writes its section of docs/benchmarks.md.
 */
import { performance } from "node:perf_hooks";
import { compileDesign } from "../lib/compiler";
import { CASES } from "./rls/cases";
import { loadRows } from "./rls/data";
import { applyBundle, createBenchDatabase, dropBenchDatabase, standIn } from "./rls/database";
import { BENCH_DESIGN } from "./rls/design";
import { explain } from "./rls/explain";
import { measure } from "./rls/measure";
import { environment, GOAL_RATIO, policiesFor, ratio, renderSection, writeSection, type CaseReport } from "./rls/report";
import { withFirewall } from "./rls/session";

const log = (message: string): void => console.error(`[bench:rls] ${message}`);

async function main(): Promise<void> {
  const compiled = compileDesign(BENCH_DESIGN);
  if (!compiled.ok) throw new Error(`bench design does not compile: ${JSON.stringify(compiled.problems)}`);
  const stand = await standIn();
  const client = await createBenchDatabase();
  try {
    await applyBundle(client, compiled.bundle, stand);
    log("loading rows...");
    const loadStart = performance.now();
    await loadRows(client);
    const env = await environment(client, stand.source, (performance.now() - loadStart) / 1000);
    log(`loaded in ${env.loadSeconds.toFixed(1)} s`);

    const reports: CaseReport[] = [];
    for (const kase of CASES) {
      const report = await withFirewall(client, kase, async () => ({
        kase,
        measured: await measure(client, kase),
        plans: await explain(client, kase),
        policies: await policiesFor(client, kase),
      }));
      log(`${kase.shape}: ${report.measured.rls.medianMs.toFixed(2)} ms vs ${report.measured.handWritten.medianMs.toFixed(2)} ms (${ratio(report.measured).toFixed(2)}x)`);
      reports.push(report);
    }

    const section = renderSection(env, reports);
    console.log(section);
    log(`wrote ${writeSection(section)}`);
    const missed = reports.filter((r) => r.kase.kind === "generated" && ratio(r.measured) > GOAL_RATIO);
    if (missed.length > 0) log(`over the ${GOAL_RATIO}x goal: ${missed.map((r) => r.kase.shape).join("; ")}`);
  } finally {
    await client.end();
    await dropBenchDatabase();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
