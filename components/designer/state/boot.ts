import type { Design } from "@/lib/design";
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from "@/lib/design/templates";
import { EMPTY_DESIGN } from "../edits/project";
import { loadEngine } from "./compiled";
import { addDesign, designFromFragment, hasSharedDesign, readAutosave, readBaseline, readDesignList, setCurrentDesign, writeAutosave } from "./persistence";
import { clampSelection, designerStore, notify, type Selection, type Snapshot } from "./store";

/**
 * Loads the design when the page opens, in this order: a share link (`#design=...`), a
 * `?template=` link (`empty`, `todos`, `saas`, `blog`), the autosave, or the saas template.
 * A link never destroys the autosaved design: a share link opens as a new design of the list
 * kept in this browser (the autosaved one stays there, under "Designs"); a template link becomes
 * an edit of the open design, one undo away from it.
 */
export function boot(): void {
  if (designerStore.getState().ready || booting) return;
  booting = true;
  const url = new URL(location.href);
  // The compiler and the validator first (the autosave is read through the validator; their chunk
  // started loading with the page's script); then a share link (its decompressor loads on
  // demand). The page shows the design only after.
  void loadEngine().then(
    async () => {
      const shared = hasSharedDesign(url.hash) ? await takeShareLink(url.hash) : undefined;
      booting = false;
      finishBoot(url, shared);
    },
    (error: unknown) => {
      booting = false;
      notify(`The designer could not load its compiler: ${error instanceof Error ? error.message : String(error)}. Reload the page to try again.`, "error");
    },
  );
}

let booting = false;

function finishBoot(url: URL, shared: string | null | undefined): void {
  let design: Design | null = null;
  let selection: Selection = { kind: "table", index: 0 };
  const requested = url.searchParams.get("template");
  if (!design && requested !== null) {
    if (requested === "empty") design = structuredClone(EMPTY_DESIGN);
    else if ((TEMPLATE_NAMES as string[]).includes(requested)) design = structuredClone(TEMPLATES[requested as TemplateName]) as Design;
  }
  if (shared !== undefined || requested !== null) {
    url.hash = "";
    url.searchParams.delete("template");
    history.replaceState(null, "", url.pathname + url.search);
  }

  const designId = readDesignList().current;
  const saved = readAutosave(designId);
  const past: Snapshot[] = [];
  if (design) {
    if (saved) past.push({ design: saved.design, selection: saved.selection });
  } else if (saved) {
    design = saved.design;
    selection = saved.selection;
  } else {
    design = structuredClone(TEMPLATES.saas) as Design;
  }
  designerStore.setState({
    ready: true,
    designId,
    design,
    selection: clampSelection(selection, design),
    past,
    future: [],
    activeFile: saved?.activeFile ?? null,
    baseline: readBaseline(designId),
  });
}

/** Saves the open design, then opens another of the list with its own autosave, history empty. */
export function switchDesign(id: string): boolean {
  const state = designerStore.getState();
  writeAutosave({ design: state.design, selection: state.selection, activeFile: state.activeFile }, state.designId);
  const saved = readAutosave(id);
  if (!saved) return false;
  setCurrentDesign(id);
  designerStore.setState({
    designId: id,
    design: saved.design,
    selection: clampSelection(saved.selection, saved.design),
    past: [],
    future: [],
    mergeKey: null,
    activeFile: saved.activeFile,
    previewMode: "file",
    baseline: readBaseline(id),
  });
  return true;
}

/**
 * A share link's design becomes a new entry of the list (or the entry that already holds it) and
 * the current one. Says what happened; answers the entry's id, or null when the link had no
 * design or an unreadable one (undefined when the fragment holds no design at all).
 */
async function takeShareLink(hash: string): Promise<string | null | undefined> {
  const shared = await designFromFragment(hash);
  if (!shared) return undefined;
  if (!shared.ok) {
    notify(`This share link could not be opened: ${shared.message}`, "error");
    return null;
  }
  const before = readDesignList();
  const added = addDesign(shared.design);
  const kept = before.designs.find((d) => d.id === before.current && d.id !== added.id);
  notify(
    added.existed
      ? `Opened "${shared.design.name}" from a share link (already kept in this browser)`
      : `Opened "${shared.design.name}" from a share link as a new design${kept ? `; "${kept.name}" is kept under Designs` : ""}`,
  );
  return added.id;
}

/**
 * A share link pasted into a tab that already shows the designer changes only the fragment, so
 * the page does not load again: the link is opened here, the same way boot opens it.
 */
export function followShareLinks(): () => void {
  const onHashChange = async () => {
    if (!hasSharedDesign(location.hash) || !designerStore.getState().ready) return;
    const hash = location.hash;
    history.replaceState(null, "", location.pathname + location.search);
    const state = designerStore.getState();
    // Saved first, so the entry list compares the link's design with what is open now.
    writeAutosave({ design: state.design, selection: state.selection, activeFile: state.activeFile }, state.designId);
    const id = await takeShareLink(hash);
    if (id && id !== designerStore.getState().designId) switchDesign(id);
  };
  const listener = () => void onHashChange();
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

/** Saves shortly after each change, and at once when the page is hidden or unloaded. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const { ready, designId, design, selection, activeFile } = designerStore.getState();
    if (ready) writeAutosave({ design, selection, activeFile }, designId);
  };
  const unsubscribe = designerStore.subscribe((state, previous) => {
    if (state.design === previous.design && state.selection === previous.selection && state.activeFile === previous.activeFile) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, 200);
  });
  const onHide = () => flush();
  const onVisibility = () => document.visibilityState === "hidden" && flush();
  window.addEventListener("pagehide", onHide);
  document.addEventListener("visibilitychange", onVisibility);
  flush();
  return () => {
    unsubscribe();
    flush();
    window.removeEventListener("pagehide", onHide);
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
