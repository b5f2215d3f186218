import type { Bundle, CompileCache, CompileResult } from "@/lib/compiler";
import type { Design, Problem } from "@/lib/design";
import type { Baseline } from "./store";

/**
 * The compiler's answer for a design, computed once per design object. Edits are immutable, so
 * the preview, the problem list and every field's message share one compilation per edit; and
 * the compiler's own cache (CompileCache) keeps each table's work, so that a keystroke in one
 * table pays for that table and the checks across tables only.
 */

type Engine = typeof import("./engine");

let engine: Engine | null = null;
let engineLoading: Promise<Engine> | null = null;
let compileCache: CompileCache | null = null;

/**
 * Loads the compiler and the validator (their own chunk, not part of the first load). The page
 * starts it as soon as its script runs, and shows the design once it is here (boot waits for it).
 */
export function loadEngine(): Promise<Engine> {
  engineLoading ??= import("./engine").then(
    (loaded) => {
      engine = loaded;
      compileCache = loaded.createCompileCache();
      return loaded;
    },
    (error: unknown) => {
      engineLoading = null;
      throw error;
    },
  );
  return engineLoading;
}

// The browser starts loading the engine as soon as this script runs, beside the rest of the page.
// Node (unit tests, the server's prerender) has no first load to keep small: there the engine is
// loaded with this module, so that everything the designer does stays synchronous.
if (typeof window !== "undefined") void loadEngine();
else await loadEngine();

/** The loaded engine; only asked for once the design is shown (boot waits for loadEngine). */
export function loadedEngine(): Engine {
  if (!engine) throw new Error("internal: the compiler is not loaded yet");
  return engine;
}

export function engineLoaded(): boolean {
  return engine !== null;
}

/** What `compiled` answers while the compiler is loading: no problems, no bundle. */
export const COMPILING: CompileResult = Object.freeze({ ok: false, problems: Object.freeze([]), warnings: Object.freeze([]) });

const cache = new WeakMap<Design, CompileResult>();
let lastValid: Bundle | null = null;
let lastValidDesign: Design | null = null;

export function compiled(design: Design): CompileResult {
  if (!engine || !compileCache) return COMPILING;
  let result = cache.get(design);
  if (!result) {
    try {
      result = engine.compileDesign(design, compileCache);
    } catch (error) {
      // The compiler refuses bad input with problems; a throw is a bug, shown rather than swallowed.
      result = { ok: false, problems: [{ path: "", message: `internal compiler error: ${error instanceof Error ? error.message : String(error)}` }], warnings: [] };
    }
    cache.set(design, result);
  }
  if (result.ok) {
    lastValid = result.bundle;
    lastValidDesign = design;
  }
  return result;
}

/** The newest bundle of a valid design: keeps the preview's tabs in place while the design is invalid. */
export function lastValidBundle(): Bundle | null {
  return lastValid;
}

const NO_PROBLEMS: readonly Problem[] = [];

export function problemsOf(result: CompileResult): readonly Problem[] {
  return result.ok ? NO_PROBLEMS : result.problems;
}

/** Things that compile but are probably not meant (shown in amber, they do not block the bundle). */
export function warningsOf(result: CompileResult): readonly Problem[] {
  return result.warnings.length > 0 ? result.warnings : NO_PROBLEMS;
}

/** Problems whose path is `path` itself or, with `deep`, anything inside it. */
export function problemsAt(problems: readonly Problem[], path: string, deep = false): readonly Problem[] {
  const found = problems.filter(
    (p) => p.path === path || (deep && (p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`))),
  );
  return found.length > 0 ? found : NO_PROBLEMS;
}

/** The table a problem belongs to, if any: `tables[3].columns[0].name` belongs to table 3. */
export function tableOfProblem(problem: Problem): number | null {
  const match = /^tables\[(\d+)\]/.exec(problem.path);
  return match ? Number(match[1]) : null;
}

/** The file the preview shows: the one chosen, while the bundle has it; else the policies; else the first SQL file. */
export function shownFile(bundle: Bundle | null, chosen: string | null): string {
  if (!bundle) return "";
  if (chosen && bundle.some((f) => f.path === chosen)) return chosen;
  return (bundle.find((f) => /policies/.test(f.path)) ?? bundle.find((f) => f.path.endsWith(".sql")) ?? bundle[0])?.path ?? "";
}

export interface Download {
  readonly bundle: Bundle;
  /** What the download is against the last one, in words (null for a first download). */
  readonly note: string | null;
}

const downloads = new WeakMap<Design, { baseline: Baseline | null; download: Download }>();

/**
 * What "Download bundle" gives (and the preview shows): the first time, the design's bundle; after
 * a download, the next version of that bundle (spec §5), so the earlier migrations stay as they
 * were handed out and one migration for the change is appended, as `compile --out <folder>` does.
 */
export function downloadFor(design: Design, baseline: Baseline | null): Download | null {
  const result = compiled(design);
  if (!result.ok || !engine) return null;
  const cached = downloads.get(design);
  if (cached && cached.baseline === baseline) return cached.download;
  const download = nextDownload(result.bundle, design, baseline);
  downloads.set(design, { baseline, download });
  return download;
}

function nextDownload(fresh: Bundle, design: Design, baseline: Baseline | null): Download {
  const { compileNextVersion, RECORD_PATH, VersionError } = loadedEngine();
  if (!baseline || baseline.files[RECORD_PATH] === undefined) return { bundle: fresh, note: null };
  const previous: Bundle = Object.entries(baseline.files).map(([path, contents]) => ({ path, contents }));
  const at = new Date(baseline.at).toLocaleTimeString();
  try {
    const next = compileNextVersion(previous, design);
    if (!next.ok) return { bundle: fresh, note: null };
    if (next.kind === "unchanged") {
      // The baseline keeps no file written on demand (the pgTAP tests): this design's own go with it.
      const onDemand = fresh.filter((f) => f.onDemand);
      const bundle = [...previous.filter((f) => !onDemand.some((o) => o.path === f.path)), ...onDemand];
      return { bundle, note: `the same as the bundle downloaded at ${at}` };
    }
    return { bundle: next.bundle, note: `version ${next.record.version}: ${next.migrationPath} appended to the bundle downloaded at ${at}` };
  } catch (error) {
    if (!(error instanceof VersionError)) throw error;
    return { bundle: fresh, note: `a new bundle: ${error.message}` };
  }
}

/** What the preview shows for a design: its bundle when valid, else the best valid stand-in. */
export interface PreviewState {
  readonly bundle: Bundle | null;
  /** null: the bundle is the design's own. Else which tables' SQL is older than the design (all, when `whole`). */
  readonly stale: null | { readonly whole: boolean; readonly tables: readonly string[] };
}

const previews = new WeakMap<Design, { baseline: Baseline | null; preview: PreviewState }>();
const keyOf = (t: Design["tables"][number]) => t.id ?? t.name;

/**
 * The preview never goes blank (issue 13): while the design has problems, the tables without any
 * are compiled as they are now and each table with problems is shown as it last was valid (or left
 * out when it never was), so typing an unfinished default keeps every other table current. When
 * the problems are the project's, or the stand-in does not compile either, the last valid bundle
 * is shown whole. Either way the preview says it is stale; Download waits for a valid design.
 */
const LOADING: PreviewState = { bundle: null, stale: null };

export function previewFor(design: Design, baseline: Baseline | null): PreviewState {
  if (!engine) return LOADING;
  const cached = previews.get(design);
  if (cached && cached.baseline === baseline) return cached.preview;
  // Cached per design and baseline: React selectors need the same object back for the same state.
  const result = compiled(design);
  const preview = result.ok ? { bundle: downloadFor(design, baseline)?.bundle ?? result.bundle, stale: null } : standIn(design, result.problems, baseline);
  previews.set(design, { baseline, preview });
  return preview;
}

function standIn(design: Design, problems: readonly Problem[], baseline: Baseline | null): PreviewState {
  const names = (indexes: Iterable<number>) => [...indexes].map((i) => design.tables[i]?.name || `table ${i + 1}`);
  const wrong = new Set<number>();
  let project = false;
  for (const problem of problems) {
    const index = tableOfProblem(problem);
    if (index === null) project = true;
    else wrong.add(index);
  }
  const whole = (): PreviewState => {
    const last = lastValidDesign ? downloadFor(lastValidDesign, baseline) : null;
    return { bundle: last?.bundle ?? lastValid, stale: { whole: true, tables: names(design.tables.keys()) } };
  };
  if (project || !lastValidDesign) return whole();
  const earlier = new Map(lastValidDesign.tables.map((t) => [keyOf(t), t]));
  // A stand-in table can break another (a reference to a table left out): those join the stale ones, a few rounds at most.
  for (let round = 0; round < 3; round++) {
    const tables = design.tables.flatMap((t, i) => {
      if (!wrong.has(i)) return [t];
      const before = earlier.get(keyOf(t));
      return before ? [before] : [];
    });
    const patched: Design = { ...design, tables };
    const result = compiled(patched);
    if (result.ok) return { bundle: downloadFor(patched, baseline)?.bundle ?? result.bundle, stale: { whole: false, tables: names([...wrong].sort((a, b) => a - b)) } };
    let grew = false;
    for (const problem of result.problems) {
      const at = tableOfProblem(problem);
      if (at === null) return whole();
      // Map the patched index back to the design's index.
      const key = keyOf(tables[at]);
      const index = design.tables.findIndex((t, i) => !wrong.has(i) && keyOf(t) === key);
      if (index >= 0) {
        wrong.add(index);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return whole();
}
