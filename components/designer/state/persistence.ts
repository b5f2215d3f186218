import { deflateSync, inflateSync, strFromU8, strToU8 } from "fflate";
import { designSchema, type Design } from "@/lib/design";
import type { Baseline, Selection } from "./store";

/** Autosave in localStorage, and the share link that carries a design in the URL fragment. */

const AUTOSAVE_KEY = "rls-designer:autosave:v1";
const BASELINE_KEY = "rls-designer:baseline:v1";
const SHARE_PARAM = "design";

export interface Autosave {
  readonly design: Design;
  readonly selection: Selection;
  readonly activeFile: string | null;
}

/** A design of the right shape, or why not. Names and references are checked later, by the compiler. */
export function parseDesign(input: unknown): { ok: true; design: Design } | { ok: false; message: string } {
  const parsed = designSchema.safeParse(input);
  if (parsed.success) return { ok: true, design: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
  return { ok: false, message: `${where ? `${where}: ` : ""}${issue.message}` };
}

export function readAutosave(): Autosave | null {
  try {
    const raw = localStorage.getItem(AUTOSAVE_KEY);
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

export function writeAutosave(save: Autosave): void {
  try {
    localStorage.setItem(AUTOSAVE_KEY, JSON.stringify(save));
  } catch {
    // Storage full or disabled: the design stays in memory; export still works.
  }
}

export function readBaseline(): Baseline | null {
  try {
    const raw = localStorage.getItem(BASELINE_KEY);
    if (!raw) return null;
    const data = JSON.parse(raw) as Baseline;
    return typeof data.at === "number" && data.files && typeof data.files === "object" ? data : null;
  } catch {
    return null;
  }
}

export function writeBaseline(baseline: Baseline): void {
  try {
    localStorage.setItem(BASELINE_KEY, JSON.stringify(baseline));
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

/** `#design=<deflated JSON, base64url>`: the fragment never reaches a server. */
export function shareFragment(design: Design): string {
  return `#${SHARE_PARAM}=${toBase64Url(deflateSync(strToU8(JSON.stringify(design)), { level: 9 }))}`;
}

export function designFromFragment(hash: string): { ok: true; design: Design } | { ok: false; message: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const encoded = params.get(SHARE_PARAM);
  if (!encoded) return null;
  try {
    return parseDesign(JSON.parse(strFromU8(inflateSync(fromBase64Url(encoded)))));
  } catch {
    return { ok: false, message: "the link's design could not be read (is it complete?)" };
  }
}
