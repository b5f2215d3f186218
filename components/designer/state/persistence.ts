import type { Design } from "@/lib/design";
import { loadedEngine } from "./compiled";
import type { Baseline, Selection } from "./store";

/**
 * Autosave in localStorage, the list of designs kept in this browser, and the share link that
 * carries a design in the URL fragment. Each design has its own autosave and its own baseline
 * (the bundle last downloaded for it); the first design keeps the keys it always had, so a
 * browser's existing autosave is the first entry of the list.
 */

const AUTOSAVE_KEY = "rls-designer:autosave:v1";
const BASELINE_KEY = "rls-designer:baseline:v1";
const DESIGNS_KEY = "rls-designer:designs:v1";
const SHARE_PARAM = "design";
/** The id of the design whose autosave lives under the original keys. */
export const FIRST_DESIGN_ID = "autosave";

export interface DesignEntry {
  readonly id: string;
  readonly name: string;
  readonly updatedAt: number;
}

export interface DesignList {
  readonly current: string;
  readonly designs: readonly DesignEntry[];
}

const autosaveKey = (id: string) => (id === FIRST_DESIGN_ID ? AUTOSAVE_KEY : `${AUTOSAVE_KEY}:${id}`);
const baselineKey = (id: string) => (id === FIRST_DESIGN_ID ? BASELINE_KEY : `${BASELINE_KEY}:${id}`);

export interface Autosave {
  readonly design: Design;
  readonly selection: Selection;
  readonly activeFile: string | null;
}

/**
 * A design of the right shape, or why not, in words: each wrong field with its path and what is
 * wrong (`tables[0].name: must be text, not the number 5`), the first few of them. Names and
 * references are checked later, by the compiler, and shown beside the fields. The validator is
 * the engine's (see loadEngine): the page reads no design before it is loaded.
 */
export function parseDesign(input: unknown): { ok: true; design: Design } | { ok: false; message: string } {
  const parsed = loadedEngine().parseDesignShape(input);
  if (parsed.ok) return parsed;
  const shown = parsed.problems.slice(0, 3).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  const more = parsed.problems.length - shown.length;
  return { ok: false, message: `${shown.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}` };
}

export function readAutosave(id: string = readDesignList().current): Autosave | null {
  try {
    const raw = localStorage.getItem(autosaveKey(id));
    if (!raw) return null;
    const data = JSON.parse(raw) as Partial<Autosave>;
    const parsed = parseDesign(data.design);
    if (!parsed.ok) return null;
    const selection: Selection =
      data.selection?.kind === "table" && Number.isInteger(data.selection.index) ? { kind: "table", index: data.selection.index } : { kind: "project" };
    return { design: parsed.design, selection, activeFile: typeof data.activeFile === "string" ? data.activeFile : null };
  } catch {
    return null;
  }
}

export function writeAutosave(save: Autosave, id: string = readDesignList().current): void {
  try {
    localStorage.setItem(autosaveKey(id), JSON.stringify(save));
    const list = readDesignList();
    const entry = { id, name: save.design.name, updatedAt: Date.now() };
    const known = list.designs.some((d) => d.id === id);
    writeDesignList({ current: list.current, designs: known ? list.designs.map((d) => (d.id === id ? entry : d)) : [...list.designs, entry] });
  } catch {
    // Storage full or disabled: the design stays in memory; export still works.
  }
}

/** The designs kept in this browser, in the order they were added, and the one open now. */
export function readDesignList(): DesignList {
  try {
    const raw = localStorage.getItem(DESIGNS_KEY);
    const data = raw ? (JSON.parse(raw) as Partial<DesignList>) : null;
    const designs = Array.isArray(data?.designs)
      ? data.designs.filter((d): d is DesignEntry => typeof d?.id === "string" && typeof d.name === "string" && typeof d.updatedAt === "number")
      : [];
    if (designs.length > 0) {
      const current = designs.some((d) => d.id === data?.current) ? (data?.current as string) : designs[0].id;
      return { current, designs };
    }
  } catch {
    // A broken list falls back to the first design alone; its autosave is untouched.
  }
  return { current: FIRST_DESIGN_ID, designs: [{ id: FIRST_DESIGN_ID, name: firstDesignName(), updatedAt: 0 }] };
}

function firstDesignName(): string {
  try {
    const raw = localStorage.getItem(AUTOSAVE_KEY);
    const name = raw ? (JSON.parse(raw) as { design?: { name?: unknown } }).design?.name : undefined;
    return typeof name === "string" ? name : "design";
  } catch {
    return "design";
  }
}

function writeDesignList(list: DesignList): void {
  try {
    localStorage.setItem(DESIGNS_KEY, JSON.stringify(list));
  } catch {
    // Not kept: the designs' own autosaves still are.
  }
}

export function setCurrentDesign(id: string): void {
  const list = readDesignList();
  if (list.designs.some((d) => d.id === id)) writeDesignList({ ...list, current: id });
}

/**
 * Keeps a design as a new entry of the list, beside the others, and makes it the current one.
 * A design already in the list with exactly the same content is reused (opening one share link
 * twice gives one entry, not two); in a browser with no design saved yet it takes the first place.
 */
export function addDesign(design: Design): { id: string; existed: boolean } {
  const list = readDesignList();
  const json = JSON.stringify(design);
  const saved = list.designs.filter((d) => readAutosave(d.id) !== null);
  const same = saved.find((d) => JSON.stringify(readAutosave(d.id)?.design) === json);
  if (same) {
    setCurrentDesign(same.id);
    return { id: same.id, existed: true };
  }
  const id = saved.length === 0 ? list.current : `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  writeAutosave({ design, selection: design.tables.length > 0 ? { kind: "table", index: 0 } : { kind: "project" }, activeFile: null }, id);
  setCurrentDesign(id);
  return { id, existed: false };
}

/** Forgets a design of the list (its autosave and baseline too); the last one stays. */
export function removeDesign(id: string): void {
  const list = readDesignList();
  if (list.designs.length <= 1 || !list.designs.some((d) => d.id === id)) return;
  const designs = list.designs.filter((d) => d.id !== id);
  try {
    localStorage.removeItem(autosaveKey(id));
    localStorage.removeItem(baselineKey(id));
  } catch {
    // Nothing to clean up where storage is disabled.
  }
  writeDesignList({ current: list.current === id ? designs[0].id : list.current, designs });
}

export function readBaseline(id: string = readDesignList().current): Baseline | null {
  try {
    const raw = localStorage.getItem(baselineKey(id));
    if (!raw) return null;
    const data = JSON.parse(raw) as Baseline;
    return typeof data.at === "number" && data.files && typeof data.files === "object" ? data : null;
  } catch {
    return null;
  }
}

export function writeBaseline(baseline: Baseline, id: string = readDesignList().current): void {
  try {
    localStorage.setItem(baselineKey(id), JSON.stringify(baseline));
  } catch {
    // Without it, the changes view simply starts empty after a reload.
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a fragment carries a design (`#design=...`), without reading it. */
export function hasSharedDesign(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, "")).has(SHARE_PARAM);
}

/**
 * `#design=<deflated JSON, base64url>`: the fragment never reaches a server. fflate loads only
 * when a link is made or opened (it is not needed to show the designer).
 */
export async function shareFragment(design: Design): Promise<string> {
  const { deflateSync, strToU8 } = await import("fflate");
  return `#${SHARE_PARAM}=${toBase64Url(deflateSync(strToU8(JSON.stringify(design)), { level: 9 }))}`;
}

export async function designFromFragment(hash: string): Promise<{ ok: true; design: Design } | { ok: false; message: string } | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const encoded = params.get(SHARE_PARAM);
  if (!encoded) return null;
  const { inflateSync, strFromU8 } = await import("fflate");
  try {
    return parseDesign(JSON.parse(strFromU8(inflateSync(fromBase64Url(encoded)))));
  } catch {
    return { ok: false, message: "the link's design could not be read (is it complete?)" };
  }
}
