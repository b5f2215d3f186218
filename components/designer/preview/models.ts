"use client";
import type { Bundle } from "@/lib/compiler";
import type { Baseline } from "../state/store";
import { diffEdits } from "./diff";
import { baselineUri, bundleUri, languageOf, monaco } from "./monaco";

/**
 * One Monaco model per bundle file (and one per file of the last download, for the changes view).
 * An update replaces only the span that differs, so the view keeps its scroll position and the
 * change can be highlighted; unchanged files are not touched at all.
 */

const shown = new Map<string, string>();
const shownBaseline = new Map<string, string>();

function replaceDifference(model: monaco.editor.ITextModel, before: string, after: string): monaco.Range {
  const edits = diffEdits(before, after);
  const ranges = edits.map((e) => {
    const from = model.getPositionAt(e.start);
    const to = model.getPositionAt(e.end);
    return { range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: e.text };
  });
  model.applyEdits(ranges);
  // The first changed span, in the new text: the preview scrolls to it and flashes it.
  const first = edits[0];
  const from = model.getPositionAt(first.start);
  const to = model.getPositionAt(first.start + first.text.length);
  return new monaco.Range(from.lineNumber, 1, to.lineNumber, model.getLineMaxColumn(to.lineNumber));
}

/**
 * The viewer's bracketPairColorization option does not reach models made apart from the editor:
 * without this, every edit rebuilds the file's bracket pair tree and colours brackets that the
 * preview means to leave plain.
 */
function plainBrackets(model: monaco.editor.ITextModel): void {
  if (model.getOptions().bracketPairColorizationOptions.enabled) model.updateOptions({ bracketColorizationOptions: { enabled: false, independentColorPoolPerBracketType: false } });
}

function upsert(uri: monaco.Uri, path: string, contents: string, cache: Map<string, string>): monaco.Range | null {
  const model = monaco.editor.getModel(uri);
  if (!model) {
    const created = monaco.editor.createModel(contents, languageOf(path), uri);
    created.setEOL(monaco.editor.EndOfLineSequence.LF);
    plainBrackets(created);
    cache.set(path, contents);
    return null;
  }
  // A model made elsewhere (empty) takes the platform's line ending, CRLF on Windows: the bundle is LF.
  if (model.getEOL() !== "\n") model.setEOL(monaco.editor.EndOfLineSequence.LF);
  plainBrackets(model);
  const before = cache.get(path) ?? model.getValue();
  if (before === contents) return null;
  cache.set(path, contents);
  return replaceDifference(model, before, contents);
}

let pending: Bundle | null = null;
/** The files of `pending` already brought up to date in the background. */
let pendingDone = new Set<string>();
let quiet: ReturnType<typeof setTimeout> | null = null;
let idle: number | null = null;

/**
 * The other files follow once typing pauses, one file per idle moment: each is written when first
 * read (lib/compiler), and a 100-table design's snapshot or record takes longer than a frame, so
 * doing them all after every keystroke would delay the next one.
 */
const QUIET_MS = 300;

function scheduleBackground(): void {
  cancelBackground();
  quiet = setTimeout(() => {
    quiet = null;
    nextIdle();
  }, QUIET_MS);
}

function nextIdle(): void {
  // Safari has no requestIdleCallback: a short timeout does the same job there.
  if (typeof requestIdleCallback !== "function") {
    quiet = setTimeout(() => {
      quiet = null;
      backgroundStep(() => 8);
    }, 60);
    return;
  }
  idle = requestIdleCallback((deadline) => {
    idle = null;
    backgroundStep(() => deadline.timeRemaining());
  }, { timeout: 2000 });
}

function backgroundStep(timeLeft: () => number): void {
  if (!pending) return;
  do {
    const file = pending.find((f) => !f.onDemand && !pendingDone.has(f.path));
    if (!file) {
      const paths = new Set(pending.map((f) => f.path));
      for (const path of [...shown.keys()]) {
        if (paths.has(path)) continue;
        monaco.editor.getModel(bundleUri(path))?.dispose();
        shown.delete(path);
      }
      pending = null;
      return;
    }
    upsert(bundleUri(file.path), file.path, file.contents, shown);
    pendingDone.add(file.path);
  } while (timeLeft() > 4);
  nextIdle();
}

function cancelBackground(): void {
  if (quiet !== null) clearTimeout(quiet);
  if (idle !== null && typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
  quiet = null;
  idle = null;
}

/**
 * Brings the models up to date with a bundle; returns the changed line span of each file it
 * updated. With `first`, only that file (the one on screen) is updated now and the rest in the
 * background once typing pauses, so a keystroke pays for one model, not fifteen.
 */
export function syncBundle(bundle: Bundle, first?: string): Map<string, monaco.Range> {
  if (first !== undefined && bundle.some((f) => f.path === first)) {
    const changes = new Map<string, monaco.Range>();
    const file = bundle.find((f) => f.path === first)!;
    const range = upsert(bundleUri(file.path), file.path, file.contents, shown);
    if (range) changes.set(file.path, range);
    if (pending !== bundle) {
      pending = bundle;
      pendingDone = new Set([file.path]);
    }
    scheduleBackground();
    return changes;
  }
  cancelBackground();
  pending = null;
  const changes = new Map<string, monaco.Range>();
  const paths = new Set<string>();
  for (const file of bundle) {
    paths.add(file.path);
    // Written when first read (lib/compiler): only once its tab is on screen, never in the background.
    if (file.onDemand) continue;
    const range = upsert(bundleUri(file.path), file.path, file.contents, shown);
    if (range) changes.set(file.path, range);
  }
  for (const path of [...shown.keys()]) {
    if (paths.has(path)) continue;
    monaco.editor.getModel(bundleUri(path))?.dispose();
    shown.delete(path);
  }
  return changes;
}

/** Updates every model still behind the newest bundle (before another file is shown, or for a reader of them all). */
export function flushPending(): void {
  cancelBackground();
  if (pending) syncBundle(pending);
}

/** The last download's files, as models the diff view compares against ("" for files it lacked). */
export function syncBaseline(baseline: Baseline | null, bundle: Bundle): void {
  const paths = new Set([...bundle.map((f) => f.path), ...Object.keys(baseline?.files ?? {})]);
  for (const path of paths) upsert(baselineUri(path), path, baseline?.files[path] ?? "", shownBaseline);
}

/** What the preview's models hold right now, read back from Monaco (for tests and the benchmark). */
export function shownFiles(): Record<string, string> {
  flushPending();
  return Object.fromEntries([...shown.keys()].map((path) => [path, monaco.editor.getModel(bundleUri(path))?.getValue() ?? ""]));
}
