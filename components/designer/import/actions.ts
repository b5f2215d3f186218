import { ApiRequestError } from "@/lib/apply/client";
import { requestImport, type ImportAnswer, type ImportSource, type SourceField } from "@/lib/import/client";
import { run } from "../state/commands";
import { designerStore } from "../state/store";
import { applyStore, destinationOf } from "../apply/store";
import { adoptStore, type AdoptState, type Problem, type SourceKind } from "./store";

/**
 * What the import dialog does (and the source half the check dialog shares): choose where the
 * tables come from, read them through the app's server, and open the result as the design.
 * Answers that arrive after the form changed are dropped.
 */

const get = () => adoptStore.getState();
const set = (patch: Partial<AdoptState>) => adoptStore.setState(patch);

export function openDialog(dialog: "import" | "check"): void {
  set({ dialog });
}

export function closeDialog(): void {
  set({ dialog: null });
}

/** A new source: the answers read from the old one no longer describe it. */
export function setKind(kind: SourceKind): void {
  if (get().kind !== kind) set({ kind, imported: { state: "idle" }, checked: { state: "idle" } });
}

export function setSql(sqlText: string, fileName = ""): void {
  set({ sqlText, fileName, imported: { state: "idle" }, checked: { state: "idle" } });
}

export function setSchema(schema: string): void {
  set({ schema, imported: { state: "idle" }, checked: { state: "idle" } });
}

/** Chosen files: one dump, or migrations read in name order (as drizzle and Supabase number them). */
export async function chooseFiles(files: readonly File[]): Promise<void> {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  if (sorted.length === 0) return;
  const texts = await Promise.all(sorted.map((f) => f.text()));
  setSql(texts.join("\n;\n"), sorted.length === 1 ? sorted[0]!.name : `${sorted[0]!.name} and ${sorted.length - 1} more`);
}

/** The request's source, as the form describes it, or which field is missing what. */
export function sourceOf(s: AdoptState): { ok: true; source: ImportSource } | { ok: false; problem: Problem } {
  if (s.kind === "embedded") return { ok: true, source: { kind: "embedded" } };
  if (s.kind === "postgres") {
    // The Apply panel's connection string, checked as the Apply panel checks it.
    const destination = destinationOf({ ...applyStore().getState(), kind: "postgres" });
    if (!destination.ok) return { ok: false, problem: { field: "source.url", message: destination.reason } };
    return { ok: true, source: destination.destination as ImportSource };
  }
  if (s.sqlText.trim() === "") return { ok: false, problem: { field: "source.text", message: "Paste the SQL (pg_dump --schema-only, or migrations), or choose the files." } };
  return { ok: true, source: { kind: "sql", text: s.sqlText, ...(s.fileName ? { fileName: s.fileName } : {}) } };
}

/** The schema field, or its problem. */
export function schemaOf(s: AdoptState): { ok: true; schema: string } | { ok: false; problem: Problem } {
  const schema = s.schema.trim();
  return schema === "" ? { ok: false, problem: { field: "schema", message: "Name the schema that holds the tables, e.g. public." } } : { ok: true, schema };
}

const FIELDS: readonly SourceField[] = ["source.url", "source.text", "schema"];

/** What a refused request or a thrown error says: the API's message and fields, or that the server did not answer. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiRequestError) {
    const body = error.body.error as { message: string; fix?: string; issues?: Problem["issues"] };
    const field = body.issues?.map((i) => FIELDS.find((f) => i.path === f || i.path.startsWith(`${f}.`))).find(Boolean);
    return { message: body.message, ...(field ? { field } : {}), ...(body.fix ? { fix: body.fix } : {}), ...(body.issues ? { issues: body.issues } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: /fetch|network/i.test(message) ? `the app's server did not answer (${message}): is it still running?` : message };
}

/** What the request was made for: an answer to an older form is dropped. */
function formKey(s: AdoptState): string {
  return JSON.stringify([s.kind, s.kind === "sql" ? s.sqlText : "", s.kind === "postgres" ? applyStore().getState().url : "", s.schema]);
}

export async function readTables(): Promise<void> {
  const s = get();
  const source = sourceOf(s);
  if (!source.ok) return set({ imported: { state: "failed", problem: source.problem } });
  const schema = schemaOf(s);
  if (!schema.ok) return set({ imported: { state: "failed", problem: schema.problem } });
  const key = formKey(s);
  set({ imported: { state: "busy" } });
  const { target, auth } = designerStore.getState().design;
  try {
    const reply = await requestImport({ source: source.source, schema: schema.schema, target, provider: auth.provider });
    if (formKey(get()) !== key) return;
    set({ imported: reply.ok ? { state: "done", value: reply } : { state: "failed", problem: reply.error } });
  } catch (error) {
    if (formKey(get()) === key) set({ imported: { state: "failed", problem: problemOf(error) } });
  }
}

/**
 * Opens the imported design through the designer's own import command: one undo step, so Undo
 * brings back the design that was open; the autosave keeps it across a reload.
 */
export function openImported(answer: ImportAnswer): void {
  const what = `${answer.tables.length} table${answer.tables.length === 1 ? "" : "s"} from ${answer.location}`;
  if (run("importDesign", { text: JSON.stringify(answer.design), fileName: what })) closeDialog();
}
