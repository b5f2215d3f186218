import { compileDesign, compileNextVersion, RECORD_PATH, VersionError, type Bundle, type CompileResult } from "@/lib/compiler";
import type { Design, Problem } from "@/lib/design";
import type { Baseline } from "./store";

/**
 * The compiler's answer for a design, computed once per design object. Edits are immutable, so
 * the preview, the problem list and every field's message share one compilation per edit.
 */

const cache = new WeakMap<Design, CompileResult>();
let lastValid: Bundle | null = null;

export function compiled(design: Design): CompileResult {
  let result = cache.get(design);
  if (!result) {
    try {
      result = compileDesign(design);
    } catch (error) {
      // The compiler refuses bad input with problems; a throw is a bug, shown rather than swallowed.
      result = { ok: false, problems: [{ path: "", message: `internal compiler error: ${error instanceof Error ? error.message : String(error)}` }], warnings: [] };
    }
    cache.set(design, result);
  }
  if (result.ok) lastValid = result.bundle;
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
  if (!result.ok) return null;
  const cached = downloads.get(design);
  if (cached && cached.baseline === baseline) return cached.download;
  const download = nextDownload(result.bundle, design, baseline);
  downloads.set(design, { baseline, download });
  return download;
}

function nextDownload(fresh: Bundle, design: Design, baseline: Baseline | null): Download {
  if (!baseline || baseline.files[RECORD_PATH] === undefined) return { bundle: fresh, note: null };
  const previous: Bundle = Object.entries(baseline.files).map(([path, contents]) => ({ path, contents }));
  const at = new Date(baseline.at).toLocaleTimeString();
  try {
    const next = compileNextVersion(previous, design);
    if (!next.ok) return { bundle: fresh, note: null };
    if (next.kind === "unchanged") return { bundle: previous, note: `the same as the bundle downloaded at ${at}` };
    return { bundle: next.bundle, note: `version ${next.record.version}: ${next.migrationPath} appended to the bundle downloaded at ${at}` };
  } catch (error) {
    if (!(error instanceof VersionError)) throw error;
    return { bundle: fresh, note: `a new bundle: ${error.message}` };
  }
}
