"use client";
import { useEffect } from "react";
import { TableEditor } from "./panels/TableEditor";
import { ProjectPanel } from "./panels/ProjectPanel";
import { TableList } from "./panels/TableList";
import { Preview } from "./preview/Preview";
import { ApplyPanel } from "./apply/ApplyPanel";
import { Notices } from "./Notices";
import { Toolbar } from "./Toolbar";
import { boot, startAutosave } from "./state/boot";
import { commands, run, runByName } from "./state/commands";
import { useDesigner } from "./state/hooks";
import { handleKeydown } from "./state/keyboard";
import { designerStore } from "./state/store";

/**
 * The designer page: toolbar, tables, the editor for the selected table (or the project), and
 * the live preview. State lives in the store; this component only wires it to the page.
 */
export function Designer() {
  const ready = useDesigner((s) => s.ready);
  const selection = useDesigner((s) => s.selection);
  const name = useDesigner((s) => s.design.name);

  useEffect(() => {
    if (ready) document.title = `${name || "untitled"} · RLS Designer`;
  }, [name, ready]);

  useEffect(() => {
    boot();
    const stopAutosave = startAutosave();
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
      window.removeEventListener("keydown", onKey, true);
      window.removeEventListener("dragover", onDragOver);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  return (
    <div className="flex h-dvh min-h-0 flex-col">
      <Toolbar />
      {ready ? (
        <div className="grid min-h-0 flex-1 grid-cols-[188px_minmax(600px,1.3fr)_minmax(380px,1fr)]">
          <TableList />
          <main className="min-h-0 overflow-y-auto bg-panel contain-strict" aria-label={selection.kind === "project" ? "Project settings" : "Table editor"}>
            {selection.kind === "project" ? <ProjectPanel /> : <TableEditor key={selection.index} index={selection.index} />}
          </main>
          <Preview />
        </div>
      ) : (
        <div className="flex flex-1 items-center justify-center text-[12px] text-muted">Loading the design…</div>
      )}
      {ready && <ApplyPanel />}
      <Notices />
    </div>
  );
}
