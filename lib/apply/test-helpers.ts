import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { compileDesign, STATEMENT_BREAKPOINT, type Bundle } from "../compiler";
import { template, type Design, type TemplateName } from "../design";
import type { Database } from "../db";
import type { ApplyEvent } from "./types";
import { closeEmbedded } from "./embedded";
import type { ApplyEnvironment } from "./workflow";

/** For tests: a template (or any design) compiled, or the test fails. */
export function compiledDesign(design: TemplateName | Design) {
  const result = compileDesign(typeof design === "string" ? template(design) : design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

/** An environment whose "embedded database" is the test's own database, lent and never closed. */
export function lend(db: Database, extra: Omit<ApplyEnvironment, "embedded"> = {}): ApplyEnvironment {
  return { ...extra, embedded: async () => ({ db, release: async () => {} }) };
}

export function collect(): { events: ApplyEvent[]; onEvent: (e: ApplyEvent) => void } {
  const events: ApplyEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

const JOURNAL = "drizzle/meta/_journal.json";

/** The bundle with one more migration at the end of drizzle's journal. */
export function withMigration(bundle: Bundle, tag: string, statements: string[]): Bundle {
  const journalFile = bundle.find((f) => f.path === JOURNAL)!;
  const journal = JSON.parse(journalFile.contents) as { entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[] };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1000, tag, breakpoints: true });
  return [
    ...bundle.map((f) => (f.path === JOURNAL ? { ...f, contents: `${JSON.stringify(journal, null, 2)}\n` } : f)),
    { path: `drizzle/${tag}.sql`, contents: `${statements.join(`\n${STATEMENT_BREAKPOINT}\n`)}\n` },
  ];
}

/** The migration files in journal order, each with its breakpoint-separated statements. */
export function migrationFiles(bundle: Bundle): { path: string; statements: string[] }[] {
  const journal = JSON.parse(bundle.find((f) => f.path === JOURNAL)!.contents) as { entries: { tag: string }[] };
  return journal.entries.map((e) => {
    const path = `drizzle/${e.tag}.sql`;
    return { path, statements: bundle.find((f) => f.path === path)!.contents.split(STATEMENT_BREAKPOINT) };
  });
}

/**
 * The bundle with `failing` inserted so that it becomes the k-th statement (1-based, counted over
 * all migration files in order). Returns where it landed.
 */
export function withFailureAt(bundle: Bundle, k: number, failing = "SELECT 1/0;"): { bundle: Bundle; file: string; statement: number } {
  let remaining = k;
  for (const file of migrationFiles(bundle)) {
    if (remaining <= file.statements.length) {
      const pieces = [...file.statements];
      pieces.splice(remaining - 1, 0, `\n${failing}\n`);
      const contents = pieces.join(STATEMENT_BREAKPOINT);
      return { bundle: bundle.map((f) => (f.path === file.path ? { ...f, contents } : f)), file: file.path, statement: remaining };
    }
    remaining -= file.statements.length;
  }
  throw new Error(`the bundle has fewer than ${k} statements`);
}

export function statementCount(bundle: Bundle): number {
  return migrationFiles(bundle).reduce((n, f) => n + f.statements.length, 0);
}

/**
 * For a test file: the app's embedded database (RLSD_PGLITE_DIR) in a throwaway folder while the
 * file's tests run, closed and removed afterwards.
 */
export function withThrowawayEmbedded(prefix: string): () => string {
  let dir = "";
  const previous = process.env.RLSD_PGLITE_DIR;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    process.env.RLSD_PGLITE_DIR = dir;
  });
  afterAll(async () => {
    await closeEmbedded();
    if (previous === undefined) delete process.env.RLSD_PGLITE_DIR;
    else process.env.RLSD_PGLITE_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
