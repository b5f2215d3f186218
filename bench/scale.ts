/**
 * `npm run bench:scale`: compile, plan, apply and verify designs of 10, 100 and 500 tables (the
 * saas template's two tables, renamed) on PGlite and on PostgreSQL (DATABASE_URL, default the
 * local server), with statement counts and peak memory. Each size and database runs in its own
 * process, so its peak resident memory is its own. Writes its section of docs/benchmarks.md.
 * Goals (2 cores): 100 tables verified in at most 30 s on PostgreSQL; 500 tables without error.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { planFor } from "../lib/apply";
import { compileDesign } from "../lib/compiler";
import { apply, openDatabase, readLockTable, readMigrations, type Database } from "../lib/db";
import { tablesPerGroup, verifyBundle } from "../lib/verify";
import { largeDesign } from "./scale/design";

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "10,100,500").split(",").map(Number);
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DOC = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
const HEADING = "## Real-size designs (npm run bench:scale)";
const BENCH_DB = "rlsd_bench_scale";

interface Run {
  tables: number;
  database: "pglite" | "postgres";
  ok: boolean;
  error?: string;
  compileMs: number;
  statements: number;
  planMs: number;
  applyMs: number;
  verifyMs: number;
  checks: number;
  groups: number;
  mismatches: number;
  peakRssMb: number;
}

const log = (message: string) => console.error(`[bench:scale] ${message}`);

async function one(tables: number, database: Run["database"]): Promise<Run> {
  const run: Run = { tables, database, ok: false, compileMs: 0, statements: 0, planMs: 0, applyMs: 0, verifyMs: 0, checks: 0, groups: 0, mismatches: 0, peakRssMb: 0 };
  let t = performance.now();
  const compiled = compileDesign(largeDesign(tables / 2));
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  run.compileMs = performance.now() - t;
  run.statements = (await readMigrations(compiled.bundle)).reduce((sum, m) => sum + m.statements.filter((s) => s.trim() !== "").length, 0);

  let admin: pg.Client | undefined;
  let db: Database;
  if (database === "postgres") {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${BENCH_DB}`;
    db = await openDatabase({ url: url.toString() });
  } else {
    db = await openDatabase({});
  }
  try {
    t = performance.now();
    await planFor(compiled.bundle, db, db.location);
    run.planMs = performance.now() - t;
    t = performance.now();
    await apply(compiled.bundle, db);
    run.applyMs = performance.now() - t;
    run.groups = Math.ceil(tables / tablesPerGroup(await readLockTable(db)));
    t = performance.now();
    const report = await verifyBundle(compiled.model, compiled.bundle, db, (p) => {
      if ((p.index + 1) % 50 === 0) log(`${database} ${tables}: verified ${p.index + 1} of ${p.total} tables`);
    });
    run.verifyMs = performance.now() - t;
    run.checks = report.checks;
    run.mismatches = report.mismatches.length;
    run.ok = report.ok;
  } catch (error) {
    run.error = (error as Error).message.split("\n")[0];
  } finally {
    await db.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await admin.end();
    }
  }
  run.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return run;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function section(runs: Run[], serverVersion: string): string {
  const lines = [
    HEADING,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; ` +
      `PostgreSQL ${serverVersion} and PGlite (PostgreSQL 18 in WebAssembly), both with default settings (max_locks_per_transaction 64, max_connections 100). ` +
      "The design is the saas template's projects and documents, k times (documents_k references projects_k). Each row is its own process; " +
      "peak memory is that process's resident set (for PGlite it includes the database; the PostgreSQL server's memory is not counted). " +
      "apply runs every migration in one transaction; verify checks the tables in groups, each group in its own rolled-back transaction.",
    "",
    "| tables | database | compile | migration statements | plan | apply | verify | statements as principals | groups | peak memory | result |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...runs.map(
      (r) =>
        `| ${r.tables} | ${r.database} | ${seconds(r.compileMs)} s | ${r.statements} | ${seconds(r.planMs)} s | ${seconds(r.applyMs)} s | ${seconds(r.verifyMs)} s | ${r.checks} | ${r.groups} | ${r.peakRssMb.toFixed(0)} MB | ${
          r.error ? `error: ${r.error}` : r.ok ? "verified, 0 mismatches" : `${r.mismatches} mismatches`
        } |`,
    ),
    "",
  ];
  const pg100 = runs.find((r) => r.tables === 100 && r.database === "postgres");
  if (pg100) lines.push(`Goal: 100 tables verified in at most 30 s on PostgreSQL: ${seconds(pg100.verifyMs)} s (${pg100.verifyMs <= 30_000 && pg100.ok ? "met" : "missed"}).`);
  const big = runs.filter((r) => r.tables === 500);
  if (big.length) lines.push(`Goal: 500 tables complete without error: ${big.every((r) => r.ok) ? "met" : "missed"} (${big.map((r) => r.database).join(", ")}).`);
  return lines.join("\n") + "\n";
}

function writeSection(text: string): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n";
  const lines = doc.split("\n");
  const start = lines.findIndex((l) => l.trimEnd() === HEADING);
  if (start < 0) return writeFileSync(DOC, `${doc.trimEnd()}\n\n${text}`);
  const next = lines.findIndex((l, i) => i > start && /^## /.test(l));
  writeFileSync(DOC, [...lines.slice(0, start), ...text.trimEnd().split("\n"), ...(next < 0 ? [] : ["", ...lines.slice(next)])].join("\n") + (next < 0 ? "\n" : ""));
}

async function main(): Promise<void> {
  const [flag, tables, database] = process.argv.slice(2);
  if (flag === "--one") {
    process.stdout.write(JSON.stringify(await one(Number(tables), database as Run["database"])) + "\n");
    return;
  }
  const runs: Run[] = [];
  for (const size of SIZES) {
    for (const db of ["pglite", "postgres"] as const) {
      log(`${size} tables on ${db}...`);
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--one", String(size), db], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
      const run = JSON.parse(out.trim().split("\n").at(-1)!) as Run;
      log(`${size} tables on ${db}: apply ${seconds(run.applyMs)} s, verify ${seconds(run.verifyMs)} s, ${run.peakRssMb.toFixed(0)} MB${run.error ? `, error: ${run.error}` : ""}`);
      runs.push(run);
    }
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v;
  await admin.end();
  const text = section(runs, version);
  console.log(text);
  writeSection(text);
  log(`wrote ${DOC}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
