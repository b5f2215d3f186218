"use client";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useState } from "react";
import { TableEditor } from "./panels/TableEditor";
import { ProjectPanel } from "./panels/ProjectPanel";
import { TableList } from "./panels/TableList";
import { Preview } from "./preview/Preview";
import { useApply } from "./apply/hooks";
import { Notices } from "./Notices";
import { Toolbar } from "./Toolbar";
import { boot, followShareLinks, startAutosave } from "./state/boot";
import { commands, run, runByName } from "./state/commands";
import { useDesigner } from "./state/hooks";
import { handleKeydown } from "./state/keyboard";
import { designerStore } from "./state/store";

/** The ER canvas (and @xyflow/react) loads only when first shown, so the first load stays small. */
const Canvas = dynamic(() => import("./canvas/Canvas"), {
  ssr: false,
  loading: () => <p className="p-4 text-[12px] text-muted">Loading the canvas…</p>,
});

/** The Apply panel (and lib/apply's client) loads when first opened, like the canvas. */
const ApplyPanel = dynamic(() => import("./apply/ApplyPanel").then((m) => m.ApplyPanel), { ssr: false });

/**
 * The designer page: toolbar, tables, the editor for the selected table (or the project), and
 * the live preview. State lives in the store; this component only wires it to the page.
 */
export function Designer() {
  const ready = useDesigner((s) => s.ready);
  const selection = useDesigner((s) => s.selection);
  const name = useDesigner((s) => s.design.name);
  // Below 1280 px the table list is a drawer: opened from the strip above the editor, closed by a choice.
  const [drawer, setDrawer] = useState(false);
  const [view, setView] = useState<"forms" | "canvas">("forms");
  const openTable = useCallback((index: number) => {
    run("selectTable", { index });
    setView("forms");
  }, []);
  // Mounted from the first opening on (closing it does not stop a run; reopening shows it).
  const applyOpen = useApply((s) => s.open);
  const [applyUsed, setApplyUsed] = useState(false);
  if (applyOpen && !applyUsed) setApplyUsed(true);
  // Choosing a table or the project closes the drawer (adjusted while rendering, not in an effect).
  const [chosen, setChosen] = useState(selection);
  if (chosen !== selection) {
    setChosen(selection);
    setDrawer(false);
  }
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setDrawer(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawer]);

  useEffect(() => {
    if (ready) document.title = `${name || "untitled"} · RLS Designer`;
  }, [name, ready]);

  useEffect(() => {
    boot();
    const stopAutosave = startAutosave();
    const stopFollowing = followShareLinks();
    const onKey = (e: KeyboardEvent) => handleKeydown(e);
    window.addEventListener("keydown", onKey, true);
    // A design file dropped anywhere on the page is imported, like the Import button does.
    const onDragOver = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const onDrop = async (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      run("importDesign", { text: await file.text(), fileName: file.name });
    };
    window.addEventListener("dragover", onDragOver);
    window.addEventListener("drop", onDrop);
    // The same commands the buttons use, for browser tests and the curious.
    window.rlsDesigner = { ...window.rlsDesigner, store: designerStore, commands, run: runByName };
    return () => {
      stopAutosave();
      stopFollowing();
      window.removeEventListener("keydown", onKey, true);
      window.removeEventListener("dragover", onDragOver);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  return (
    <div className="flex h-dvh min-h-0 flex-col">
      <Toolbar />
      {ready ? (
        <>
          <div className="flex h-9 shrink-0 items-center gap-2 border-b border-line bg-subtle px-3 text-[12px]">
            <button
              type="button"
              aria-expanded={drawer}
              aria-controls="design-drawer"
              onClick={() => setDrawer((open) => !open)}
              className="inline-flex h-7 cursor-pointer items-center gap-1.5 rounded-md border border-line bg-panel px-2 font-medium hover:bg-hover xl:hidden"
            >
              <span aria-hidden="true">☰</span> Tables
            </button>
            <OpenItemName />
            <div role="group" aria-label="View" className="flex shrink-0 rounded-md border border-line bg-panel p-0.5">
              {(["forms", "canvas"] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  aria-pressed={view === v}
                  onClick={() => setView(v)}
                  className={`h-6 cursor-pointer rounded px-2 font-medium ${view === v ? "bg-accent-soft text-accent-text" : "text-muted hover:text-fg"}`}
                >
                  {v === "forms" ? "Forms" : "Canvas"}
                </button>
              ))}
            </div>
          </div>
          {/* ≥1280: three columns. 768-1279: editor and preview side by side, the list a drawer. <768: stacked, the page scrolls. */}
          <div className="relative grid min-h-0 flex-1 grid-cols-1 overflow-y-auto md:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)] md:overflow-hidden xl:grid-cols-[188px_minmax(0,1.3fr)_minmax(0,1fr)]">
            {drawer && <div className="fixed inset-0 z-30 bg-black/30 xl:hidden" aria-hidden="true" onClick={() => setDrawer(false)} />}
            <div
              id="design-drawer"
              className={`${drawer ? "fixed inset-y-0 left-0 z-40 flex w-[min(18rem,85vw)] shadow-2xl" : "hidden"} min-h-0 flex-col xl:static xl:z-auto xl:flex xl:w-auto xl:shadow-none [&>nav]:flex-1`}
            >
              <TableList />
            </div>
            <main className="min-w-0 bg-panel md:min-h-0 md:overflow-y-auto md:contain-strict" aria-label={selection.kind === "project" ? "Project settings" : "Table editor"}>
              {view === "canvas" ? <Canvas onOpen={openTable} /> : selection.kind === "project" ? <ProjectPanel /> : <TableEditor key={selection.index} index={selection.index} />}
            </main>
            <div className="flex h-[80dvh] min-h-0 min-w-0 flex-col max-md:border-t max-md:border-line md:h-auto [&>section]:flex-1">
              <Preview />
            </div>
          </div>
        </>
      ) : (
        <div className="flex flex-1 items-center justify-center text-[12px] text-muted">Loading the design…</div>
      )}
      {ready && applyUsed && <ApplyPanel />}
      <Notices />
    </div>
  );
}

/** The open table's name in the strip, subscribed on its own: typing a name re-renders this, not the page. */
function OpenItemName() {
  const label = useDesigner((s) => (s.selection.kind === "project" ? "Project settings" : s.design.tables[s.selection.index]?.name || "untitled table"));
  // `relative`: its own paint layer, so that the name changing as it is typed repaints the label, not the page.
  // The inner box has a fixed height and size and layout containment: a relayout boundary (a flex item
  // cannot be one), so the new text lays out the label alone, not the page.
  return (
    <span className="relative min-w-0 flex-1 text-muted">
      <span className="block h-[18px] truncate [contain:size_layout]">{label}</span>
    </span>
  );
}
