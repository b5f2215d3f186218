/**
 * `npm run bench:verify` (tsx bench/verify.ts): how long `verify` takes for each template and
 * target, how many statements it runs as a principal and how many round trips to the database it
 * makes for them, on PGlite and (when DATABASE_URL is set) on PostgreSQL. Prints a Markdown table
 * for docs/benchmarks.md. Each run is verifyBundle as the app calls it on an empty database: in a
 * transaction that is rolled back, the bundle's migrations are applied and the design is checked;
 * the time (median of BENCH_VERIFY_RUNS, 3 by default) and the round trips include that apply.
 */
import { performance } from "node:perf_hooks";
import { compileDesign } from "../lib/compiler";
import { TARGETS, TEMPLATE_NAMES, template } from "../lib/design";
import type { Database, Session } from "../lib/db";
import { testDatabases } from "../lib/db/test-databases";
import { verifyBundle } from "../lib/verify";

const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 3);

/** `db` with every query and exec counted (one round trip each), inside its transactions too. */
function counting(db: Database): { db: Database; trips: () => number } {
  let trips = 0;
  const wrap = <S extends Session>(s: S): Session => ({
    query: (sql, params) => {
      trips++;
      return s.query(sql, params);
    },
    exec: (script) => {
      trips++;
      return s.exec(script);
    },
  });
  return { db: { ...db, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) }, trips: () => trips };
}

async function main(): Promise<void> {
  const lines = ["| database | template | target | statements | round trips | median verify (s) | ok |", "|---|---|---|---:|---:|---:|---|"];
  for (const factory of testDatabases()) {
    const opened = await factory.open();
    const { db, trips } = counting(opened);
    try {
      for (const name of TEMPLATE_NAMES) {
        for (const target of TARGETS) {
          const compiled = compileDesign({ ...template(name), target });
          if (!compiled.ok) throw new Error(`${name} does not compile`);
          const times: number[] = [];
          let checks = 0;
          let roundTrips = 0;
          let ok = true;
          for (let i = 0; i < RUNS; i++) {
            const before = trips();
            const start = performance.now();
            const report = await verifyBundle(compiled.model, compiled.bundle, db);
            times.push((performance.now() - start) / 1000);
            roundTrips = trips() - before;
            checks = report.checks;
            ok &&= report.ok;
          }
          times.sort((a, b) => a - b);
          const line = `| ${factory.name} | ${name} | ${target} | ${checks} | ${roundTrips} | ${times[Math.floor(times.length / 2)].toFixed(2)} | ${ok ? "yes" : "NO"} |`;
          console.error(line);
          lines.push(line);
        }
      }
    } finally {
      await opened.close();
    }
  }
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
