/**
 * `npm run bench:verify` (tsx bench/verify.ts): how long `verify` takes for each template and
 * target, and how many statements it runs as a principal, on PGlite and (when DATABASE_URL is
 * set) on PostgreSQL. Prints a Markdown table for docs/benchmarks.md. Each run applies the
 * bundle in a fresh database first (not timed) and then times verifyBundle alone (median of 3).
 */
import { performance } from "node:perf_hooks";
import { compileDesign } from "../lib/compiler";
import { TARGETS, TEMPLATE_NAMES, template } from "../lib/design";
import { testDatabases } from "../lib/db/test-databases";
import { verifyBundle } from "../lib/verify";

const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 3);

async function main(): Promise<void> {
  const lines = ["| database | template | target | statements | median verify (s) | ok |", "|---|---|---|---:|---:|---|"];
  for (const factory of testDatabases()) {
    const db = await factory.open();
    try {
      for (const name of TEMPLATE_NAMES) {
        for (const target of TARGETS) {
          const compiled = compileDesign({ ...template(name), target });
          if (!compiled.ok) throw new Error(`${name} does not compile`);
          const times: number[] = [];
          let checks = 0;
          let ok = true;
          for (let i = 0; i < RUNS; i++) {
            const start = performance.now();
            const report = await verifyBundle(compiled.model, compiled.bundle, db);
            times.push((performance.now() - start) / 1000);
            checks = report.checks;
            ok &&= report.ok;
          }
          times.sort((a, b) => a - b);
          const line = `| ${factory.name} | ${name} | ${target} | ${checks} | ${times[Math.floor(times.length / 2)].toFixed(2)} | ${ok ? "yes" : "NO"} |`;
          console.error(line);
          lines.push(line);
        }
      }
    } finally {
      await db.close();
    }
  }
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
