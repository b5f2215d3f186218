"use client";
import { useEffect, useMemo, useRef } from "react";
import Editor, { DiffEditor } from "@monaco-editor/react";
import { previewFor, shownFile } from "../state/compiled";
import { designerStore } from "../state/store";
import { useDesigner } from "../state/hooks";
import { useDark } from "../ui/theme";
import { baselineUri, bundleUri, languageOf, monaco } from "./monaco";
import { flushPending, shownFiles, syncBaseline, syncBundle } from "./models";

/**
 * The read-only Monaco view of one bundle file, or its diff against the last download.
 * Models follow the store directly (a subscription, not a React effect per render), so a
 * keystroke reaches the preview in the same task that handled it.
 */

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  readOnly: true,
  domReadOnly: true,
  readOnlyMessage: { value: "Generated from the design: change the design to change this file." },
  minimap: { enabled: false },
  fontSize: 12.5,
  lineHeight: 19,
  fontFamily: 'ui-monospace, "SF Mono", "Cascadia Code", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
  scrollBeyondLastLine: false,
  wordWrap: "on",
  wrappingIndent: "indent",
  padding: { top: 8, bottom: 8 },
  lineNumbersMinChars: 3,
  glyphMargin: false,
  folding: true,
  renderLineHighlight: "none",
  stickyScroll: { enabled: false },
  tabFocusMode: true,
  automaticLayout: true,
  scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10, useShadows: false },
  overviewRulerLanes: 0,
  hideCursorInOverviewRuler: true,
  contextmenu: true,
  // A viewer, not an editor: no occurrence or bracket highlights to recompute on every change.
  occurrencesHighlight: "off",
  selectionHighlight: false,
  matchBrackets: "never",
  bracketPairColorization: { enabled: false },
};

const DIFF_OPTIONS: monaco.editor.IDiffEditorConstructionOptions = {
  ...OPTIONS,
  renderSideBySide: false,
  // The inline diff shows two line-number columns (before, after) and a +/− sign: without room
  // between them and the code, the numbers read as part of the SQL.
  lineNumbersMinChars: 4,
  lineDecorationsWidth: 22,
  renderMarginRevertIcon: false,
  originalEditable: false,
  renderOverviewRuler: false,
  hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 3, revealLineCount: 10 },
};

let editor: monaco.editor.IStandaloneCodeEditor | null = null;
let activePath = "";
let flash: monaco.editor.IEditorDecorationsCollection | null = null;
let flashTimer: ReturnType<typeof setTimeout> | undefined;

function showChange(range: monaco.Range) {
  if (!editor) return;
  editor.revealRangeInCenterIfOutsideViewport(range, monaco.editor.ScrollType.Immediate);
  flash?.clear();
  // A change that rewrites much of the file (switching tenancy, a template) is not worth a highlight.
  if (range.endLineNumber - range.startLineNumber > 12) return;
  flash = editor.createDecorationsCollection([{ range, options: { isWholeLine: true, className: "rls-changed-line" } }]);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => flash?.clear(), 1200);
}

/** Scrolls the preview to where the selected table's SQL starts, when it has any in this file. */
function revealTable() {
  const state = designerStore.getState();
  if (!editor || state.selection.kind !== "table") return;
  const name = state.design.tables[state.selection.index]?.name;
  const model = editor.getModel();
  if (!name || !model) return;
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const match = model.findNextMatch(quoted, { lineNumber: 1, column: 1 }, false, true, null, false);
  if (match) editor.revealLineNearTop(match.range.startLineNumber, monaco.editor.ScrollType.Smooth);
}

function follow() {
  const state = designerStore.getState();
  const download = previewFor(state.design, state.baseline);
  if (!download.bundle) return;
  // The file about to be shown may differ from the one on screen (a new default file): update that one now.
  const next = shownFile(download.bundle, state.activeFile);
  const changes = syncBundle(download.bundle, editor && state.previewMode === "file" && next === activePath ? activePath : undefined);
  if (state.previewMode === "changes") syncBaseline(state.baseline, download.bundle);
  const range = changes.get(activePath);
  if (range) showChange(range);
}

declare global {
  interface Window {
    rlsDesigner?: Record<string, unknown>;
  }
}

export default function MonacoPreview({ path, mode }: { path: string; mode: "file" | "changes" }) {
  const dark = useDark();
  const theme = dark ? "rls-dark" : "rls-light";
  const baseline = useDesigner((s) => s.baseline);
  const pathRef = useRef(path);
  const options = useMemo(() => ({ ...OPTIONS, ariaLabel: `${path} (generated, read-only)` }), [path]);

  useEffect(() => {
    pathRef.current = path;
    activePath = path;
    // A file written on demand (the pgTAP tests) has no model until its tab is opened: write it now.
    const state = designerStore.getState();
    const bundle = previewFor(state.design, state.baseline).bundle;
    if (bundle?.some((f) => f.path === path && f.onDemand)) syncBundle(bundle, path);
  }, [path]);

  useEffect(() => {
    follow();
    const unsubscribe = designerStore.subscribe((state, previous) => {
      // Another file or view is about to be shown: every model must be current first.
      if (state.activeFile !== previous.activeFile || state.previewMode !== previous.previewMode) flushPending();
      if (state.design !== previous.design || state.baseline !== previous.baseline || state.previewMode !== previous.previewMode) follow();
      if (state.selection !== previous.selection && state.design === previous.design) revealTable();
    });
    window.rlsDesigner = { ...window.rlsDesigner, monaco, previewFiles: shownFiles };
    return unsubscribe;
  }, []);

  useEffect(() => {
    monaco.editor.setTheme(theme);
  }, [theme]);

  if (mode === "changes" && baseline) {
    return (
      <DiffEditor
        key={path}
        originalModelPath={baselineUri(path).toString()}
        modifiedModelPath={bundleUri(path).toString()}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        language={languageOf(path)}
        beforeMount={() => follow()}
        theme={theme}
        options={DIFF_OPTIONS}
        onMount={(diff) => {
          // Each of the diff's two editors is a text field to a screen reader and needs a name.
          // Set on each editor: the diff editor's originalAriaLabel and modifiedAriaLabel options
          // are lost on its first options pass (monaco 0.57), which leaves aria-label="".
          diff.getOriginalEditor().updateOptions({ ariaLabel: `${path} at the last download (read-only)` });
          diff.getModifiedEditor().updateOptions({ ariaLabel: `${path} now (generated, read-only)` });
        }}
        loading={null}
      />
    );
  }
  return (
    <Editor
      path={bundleUri(path).toString()}
      keepCurrentModel
      beforeMount={() => {
        activePath = pathRef.current;
        follow();
      }}
      language={languageOf(path)}
      onMount={(instance) => {
        editor = instance;
        revealTable();
        instance.onDidDispose(() => {
          if (editor === instance) editor = null;
        });
      }}
      theme={theme}
      options={options}
      loading={null}
    />
  );
}
