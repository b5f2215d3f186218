/**
 * `npm run bench:pgtap` (tsx bench/pgtap.ts, needs DATABASE_URL, pg_prove and the pgtap
 * extension): for each template, the bundle's tests/rls.test.sql proved with pg_prove on a fresh
 * apply. Prints a Markdown table for docs/benchmarks.md: tests, file size, median pg_prove time.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compileDesign } from "../lib/compiler";
import { TEMPLATE_NAMES, template } from "../lib/design";
import { apply } from "../lib/db";
import { createPostgresTestDatabase } from "../lib/db/test-databases";

const RUNS = Number(process.env.BENCH_PGTAP_RUNS ?? 3);

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("set DATABASE_URL to a PostgreSQL server with pgTAP available");
  const lines = ["| template | target | tests | file (KB) | median pg_prove (s) | result |", "|---|---|---:|---:|---:|---|"];
  const dir = await mkdtemp(join(tmpdir(), "rlsd-bench-pgtap-"));
  try {
    for (const name of TEMPLATE_NAMES) {
      const compiled = compileDesign(template(name));
      if (!compiled.ok) throw new Error(`${name} does not compile`);
      const file = compiled.bundle.find((f) => f.path.endsWith("rls.test.sql"))!;
      const path = join(dir, `${name}.test.sql`);
      await writeFile(path, file.contents);
      const { url, db } = await createPostgresTestDatabase(adminUrl);
      try {
        await apply(compiled.bundle, db);
        const times: number[] = [];
        let ok = true;
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          const run = spawnSync("pg_prove", ["-d", url, path], { encoding: "utf8" });
          times.push((performance.now() - start) / 1000);
          ok &&= run.status === 0;
        }
        times.sort((a, b) => a - b);
        const tests = /SELECT plan\((\d+)\);/.exec(file.contents)![1];
        lines.push(`| ${name} | ${compiled.model.target} | ${tests} | ${Math.round(file.contents.length / 1024)} | ${times[Math.floor(times.length / 2)].toFixed(2)} | ${ok ? "PASS" : "FAIL"} |`);
      } finally {
        await db.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(lines.join("\n"));
}

void main();
