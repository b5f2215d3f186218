import { validateDesign, type Design, type Model, type Problem } from "../design";
import { authorizedQueryExample, dialectFor, type TargetDialect } from "../targets";
import { bundleReadme, drizzleConfig } from "./bundle-docs";
import { planTables } from "./plan";
import { schemaTs } from "./schema-ts";
import { migrationFile, migrations, type Migration } from "./sql";
import { databaseState, type DatabaseState } from "./state";
import { drizzleSnapshot, NO_SNAPSHOT_ID, snapshotFile, snapshotPath, type DrizzleSnapshot } from "./drizzle-snapshot";
import { nextVersion, recordFile, RECORD_PATH, type NextVersion } from "./versions";
import { pgtapFile, pgtapPath } from "../verify/pgtap";
import type { CompileCache } from "./cache";

export { planTables } from "./plan";
export type { PolicyPlan, IndexPlan, TablePlan } from "./plan";
export { STATEMENT_BREAKPOINT } from "./sql";
export { RECORD_PATH, VersionError, readRecord, type BundleRecord } from "./versions";
export type { DatabaseState } from "./state";
export { createCompileCache, type CompileCache } from "./cache";

export interface BundleFile {
  readonly path: string;
  readonly contents: string;
  /**
   * Written when first read: its contents cost more than the rest of the bundle together (the
   * pgTAP file of a 100-table design is about 50 MB), so the designer, which compiles on every
   * keystroke, reads it only when its tab is opened or the bundle is downloaded.
   */
  readonly onDemand?: true;
}
/** The compiled output: files in a fixed order, each path relative to the bundle's root. */
export type Bundle = readonly BundleFile[];

export type CompileResult =
  | {
      readonly ok: true;
      readonly design: Design;
      readonly model: Model;
      readonly bundle: Bundle;
      /** What the database holds once the bundle is applied (also in the bundle's rls-designer.json). */
      readonly state: DatabaseState;
      readonly warnings: readonly Problem[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

/** Migration times are fixed, not the clock's, so the same design always gives the same bytes. */
const MIGRATION_EPOCH = Date.UTC(2026, 0, 1);

export const MIGRATIONS_FOLDER = "drizzle";
export const SUPABASE_MIGRATIONS_FOLDER = "supabase/migrations";

/** `20260101000003`: Supabase's migration version, one second apart. */
function supabaseVersion(index: number): string {
  return new Date(MIGRATION_EPOCH + index * 1000).toISOString().replace(/\D/g, "").slice(0, 14);
}

/**
 * A file written when first read, then kept. The designer compiles on every keystroke but shows
 * one file at a time: the file on screen is written at once, the others in the background once
 * typing pauses (a 100-table design's snapshot and record alone cost more than its policies).
 */
function lazyFile(path: string, write: () => string, options: { onDemand?: true } = {}): BundleFile {
  let contents: string | null = null;
  return {
    path,
    ...options,
    get contents() {
      return (contents ??= write());
    },
  };
}

/** Computes once, when first asked. */
function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

function migrationFiles(model: Model, steps: readonly Migration[], dialect: TargetDialect, snapshot: () => DrizzleSnapshot): BundleFile[] {
  if (dialect.layout === "supabase") {
    return steps.map((m, idx) =>
      lazyFile(`${SUPABASE_MIGRATIONS_FOLDER}/${supabaseVersion(idx)}_${m.tag.replace(/^\d+_/, "")}.sql`, () => migrationFile(model, m, dialect)),
    );
  }
  const journal = {
    version: "7",
    dialect: "postgresql",
    entries: steps.map((m, idx) => ({ idx, version: "7", when: MIGRATION_EPOCH + idx * 1000, tag: m.tag, breakpoints: true })),
  };
  return [
    ...steps.map((m) => lazyFile(`${MIGRATIONS_FOLDER}/${m.tag}.sql`, () => migrationFile(model, m, dialect))),
    lazyFile(`${MIGRATIONS_FOLDER}/meta/_journal.json`, () => JSON.stringify(journal, null, 2) + "\n"),
    // drizzle-kit generate diffs schema.ts against the newest snapshot: this one says nothing is left to generate.
    lazyFile(snapshotPath(steps.length - 1), () => snapshotFile(snapshot(), steps.length - 1, NO_SNAPSHOT_ID).contents),
  ];
}

/**
 * The verify matrix as pgTAP tests, for any CI (pg_prove, supabase test db). On demand: it costs
 * as much as the rest of the bundle (a sample run of the meaning per principal), and the designer
 * reads it only when its tab is opened, never in the background.
 */
function pgtapBundleFile(model: Model): BundleFile {
  return lazyFile(pgtapPath(model), () => pgtapFile(model), { onDemand: true });
}

/** Compiles a validated model. Pure and deterministic: the same model gives byte-identical files. */
export function compile(model: Model): Bundle {
  return compileWithState(model).bundle;
}

/** The bundle's files, each written when first read (see lazyFile), and the state it leads to, computed when first asked. */
function compileWithState(model: Model, cache?: CompileCache): { bundle: Bundle; state: () => DatabaseState } {
  const dialect = dialectFor(model);
  const plans = planTables(model, dialect, cache);
  const snapshot = once(() => drizzleSnapshot(model, plans, dialect, cache));
  const files: BundleFile[] = [
    ...migrationFiles(model, migrations(model, plans, dialect, cache), dialect, snapshot),
    lazyFile("src/db/schema.ts", () => schemaTs(model, plans, dialect, cache)),
    ...(dialect.layout === "drizzle" ? [lazyFile("drizzle.config.ts", drizzleConfig)] : []),
    lazyFile(".env.example", () => dialect.envExample()),
    ...dialect.devFiles(),
    authorizedQueryExample(model),
    pgtapBundleFile(model),
  ];
  const paths = [...files.map((f) => f.path), "README.md", RECORD_PATH];
  const readme = lazyFile("README.md", () => bundleReadme(model, plans, dialect, paths, cache));
  return { bundle: [...files, readme], state: once(() => databaseState(model, plans, dialect, snapshot(), cache)) };
}

/**
 * Validates any input (parsed JSON) and compiles it; problems come back with their paths, never half a bundle.
 * With a cache (see CompileCache), the tables that did not change since an earlier call are not
 * checked, planned or written again: the same answer, byte for byte, for the cost of the change.
 */
export function compileDesign(input: unknown, cache?: CompileCache): CompileResult {
  const result = validateDesign(input, cache?.validation);
  if (!result.ok) return result;
  const { bundle, state } = compileWithState(result.model, cache);
  const design = withoutLayout(result.design);
  const record = lazyFile(RECORD_PATH, () => recordFile({ rlsDesigner: 1, version: 1, design, state: state() }).contents);
  return {
    ok: true,
    design: result.design,
    model: result.model,
    bundle: [...bundle, record],
    get state() {
      return state();
    },
    warnings: result.warnings,
  };
}

/** The design without the canvas's positions: moving a card changes no byte of the bundle. */
export function withoutLayout(design: Design): Design {
  if (!design.tables.some((t) => t.position)) return design;
  return {
    ...design,
    tables: design.tables.map((t) => {
      if (!t.position) return t;
      const { position: _position, ...rest } = t;
      void _position;
      return rest;
    }),
  };
}

export type VersionResult =
  | (Extract<NextVersion, { kind: "changed" }> & { readonly ok: true; readonly compiled: Extract<CompileResult, { ok: true }> })
  | (Extract<NextVersion, { kind: "unchanged" }> & { readonly ok: true; readonly compiled: Extract<CompileResult, { ok: true }> })
  | Extract<CompileResult, { ok: false }>;

/**
 * Spec §5: compiles `input` as the next version of the design an earlier bundle was compiled from.
 * Throws VersionError when `previous` is not such a bundle.
 */
export function compileNextVersion(previous: Bundle, input: unknown): VersionResult {
  const compiled = compileDesign(input);
  if (!compiled.ok) return compiled;
  return { ...nextVersion(previous, { ...compiled, design: withoutLayout(compiled.design) }), ok: true, compiled };
}
