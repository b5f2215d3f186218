import { createStore } from "zustand/vanilla";
import type { Design } from "@/lib/design";
import { EMPTY_DESIGN } from "../edits/project";

/**
 * The designer's one store, outside React. It holds the design (the JSON file format, edited by
 * immutable updates), the undo/redo history, and the little UI state worth keeping across reloads.
 * Components read it with `useDesigner`; every change goes through a command (see commands.ts).
 */

export type Selection = { readonly kind: "project" } | { readonly kind: "table"; readonly index: number };

export interface Snapshot {
  readonly design: Design;
  readonly selection: Selection;
}

/** The bundle as it was last downloaded: the preview's "changes" view compares against it. */
export interface Baseline {
  readonly at: number;
  readonly files: Readonly<Record<string, string>>;
}

export interface Notice {
  readonly id: number;
  readonly tone: "info" | "error";
  readonly text: string;
}

export interface DesignerState {
  readonly ready: boolean;
  /** Which of the designs kept in this browser is open (persistence.ts keeps the list). */
  readonly designId: string;
  readonly design: Design;
  readonly selection: Selection;
  readonly past: readonly Snapshot[];
  readonly future: readonly Snapshot[];
  /** Typing into one field keeps extending the newest undo step while this key stays the same. */
  readonly mergeKey: string | null;
  readonly activeFile: string | null;
  readonly previewMode: "file" | "changes";
  readonly baseline: Baseline | null;
  readonly notice: Notice | null;
}

export const HISTORY_LIMIT = 300;

export const designerStore = createStore<DesignerState>()(() => ({
  ready: false,
  designId: "autosave",
  design: EMPTY_DESIGN,
  selection: { kind: "project" },
  past: [],
  future: [],
  mergeKey: null,
  activeFile: null,
  previewMode: "file",
  baseline: null,
  notice: null,
}));

export function clampSelection(selection: Selection, design: Design): Selection {
  if (selection.kind === "project") return selection;
  if (design.tables.length === 0) return { kind: "project" };
  const index = Math.max(0, Math.min(design.tables.length - 1, selection.index));
  return index === selection.index ? selection : { kind: "table", index };
}

function sameSelection(a: Selection, b: Selection): boolean {
  return a.kind === b.kind && (a.kind === "project" || a.index === (b as { index: number }).index);
}

/** Records an edit: the state before it becomes an undo step, unless it continues the same typing. */
export function commitEdit(design: Design, selection: Selection | undefined, mergeKey: string | null): void {
  const state = designerStore.getState();
  let nextSelection = clampSelection(selection ?? state.selection, design);
  if (sameSelection(nextSelection, state.selection)) nextSelection = state.selection;
  if (design === state.design) {
    designerStore.setState({ selection: nextSelection, mergeKey });
    return;
  }
  const merging = mergeKey !== null && mergeKey === state.mergeKey && state.past.length > 0;
  const past = merging ? state.past : [...state.past, { design: state.design, selection: state.selection }].slice(-HISTORY_LIMIT);
  designerStore.setState({ design, selection: nextSelection, past, future: [], mergeKey });
}

/** Any non-typing command ends the current typing step. */
export function endMerge(): void {
  if (designerStore.getState().mergeKey !== null) designerStore.setState({ mergeKey: null });
}

export function undo(): void {
  const state = designerStore.getState();
  const previous = state.past.at(-1);
  if (!previous) return;
  designerStore.setState({
    design: previous.design,
    selection: clampSelection(previous.selection, previous.design),
    past: state.past.slice(0, -1),
    future: [{ design: state.design, selection: state.selection }, ...state.future],
    mergeKey: null,
  });
}

export function redo(): void {
  const state = designerStore.getState();
  const next = state.future[0];
  if (!next) return;
  designerStore.setState({
    design: next.design,
    selection: clampSelection(next.selection, next.design),
    past: [...state.past, { design: state.design, selection: state.selection }],
    future: state.future.slice(1),
    mergeKey: null,
  });
}

let noticeId = 0;
export function notify(text: string, tone: Notice["tone"] = "info"): void {
  designerStore.setState({ notice: { id: ++noticeId, tone, text } });
}
