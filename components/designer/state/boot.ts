import { TEMPLATE_NAMES, TEMPLATES, type Design, type TemplateName } from "@/lib/design";
import { EMPTY_DESIGN } from "../edits/project";
import { designFromFragment, readAutosave, readBaseline, writeAutosave } from "./persistence";
import { clampSelection, designerStore, notify, type Selection, type Snapshot } from "./store";

/**
 * Loads the design when the page opens, in this order: a share link (`#design=...`), a
 * `?template=` link (`empty`, `todos`, `saas`, `blog`), the autosave, or the saas template.
 * A link never destroys the autosaved design: it becomes the step that undo returns to.
 */
export function boot(): void {
  if (designerStore.getState().ready) return;
  const saved = readAutosave();
  const url = new URL(location.href);
  let design: Design | null = null;
  let selection: Selection = { kind: "table", index: 0 };

  const shared = designFromFragment(url.hash);
  if (shared?.ok) {
    design = shared.design;
    notify(`Opened "${design.name}" from a share link`);
  } else if (shared) {
    notify(`This share link could not be opened: ${shared.message}`, "error");
  }
  const requested = url.searchParams.get("template");
  if (!design && requested !== null) {
    if (requested === "empty") design = structuredClone(EMPTY_DESIGN);
    else if ((TEMPLATE_NAMES as string[]).includes(requested)) design = structuredClone(TEMPLATES[requested as TemplateName]) as Design;
  }
  if (shared || requested !== null) {
    url.hash = "";
    url.searchParams.delete("template");
    history.replaceState(null, "", url.pathname + url.search);
  }

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
    design,
    selection: clampSelection(selection, design),
    past,
    future: [],
    activeFile: saved?.activeFile ?? null,
    baseline: readBaseline(),
  });
}

/** Saves shortly after each change, and at once when the page is hidden or unloaded. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const { ready, design, selection, activeFile } = designerStore.getState();
    if (ready) writeAutosave({ design, selection, activeFile });
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
