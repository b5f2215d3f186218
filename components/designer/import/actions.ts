import { ApiRequestError, requestNeonDatabases } from "@/lib/apply/client";
import { requestImport, requestVerifyCurrent, type ImportAnswer, type ImportSource, type SourceField } from "@/lib/import/client";
import type { Design } from "@/lib/design";
import { run } from "../state/commands";
import { designerStore } from "../state/store";
import { applyStore, destinationOf, type ApplyState } from "../apply/store";
import { adoptStore, type AdoptState, type Problem, type SourceKind, type VerifyAgainst } from "./store";

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

/** What no longer describes the source once it changed: every answer read from the old one. */
const STALE = { imported: { state: "idle" }, checked: { state: "idle" }, verified: { state: "idle" } } as const;

/** A new source: the answers read from the old one no longer describe it. */
export function setKind(kind: SourceKind): void {
  if (get().kind !== kind) set({ kind, ...STALE });
  if (kind === "neon") {
    const a = applyStore().getState();
    if (a.apiKey.trim() && a.projects.state === "idle") void applyActions().then((x) => x.loadProjects());
  }
}

export function setSql(sqlText: string, fileName = ""): void {
  set({ sqlText, fileName, ...STALE });
}

export function setSchema(schema: string): void {
  set({ schema, ...STALE });
}

/** The Apply panel's actions, for the Neon key and project this form shares with it. */
const applyActions = () => import("../apply/actions");

/** The branch the form means: the one picked, if the project still lists it; else the project's default branch. */
export function neonBranchOf(picked: string, branches: ApplyState["branches"]): string {
  const listed = branches.state === "loaded" ? branches.value : [];
  if (listed.some((b) => b.id === picked)) return picked;
  return (listed.find((b) => b.isDefault) ?? listed[0])?.id ?? "";
}

/** The project and branch the form means now, as `neonDatabasesFor` records them. */
export function neonKey(s: AdoptState, a: ApplyState): string {
  return `${a.projectId} ${neonBranchOf(s.neonBranchId, a.branches)}`;
}

/** Picks the branch to read; the form then lists its databases and roles (loadNeonDatabases). */
export function setNeonBranch(branchId: string): void {
  set({ neonBranchId: branchId, neonDatabase: "", neonRole: "", neonDatabases: { state: "idle" }, neonDatabasesFor: "", ...STALE });
}

/** The chosen branch's databases and roles; `neondb` (or the first) and its owner are picked unless already chosen. */
export async function loadNeonDatabases(): Promise<void> {
  const a = applyStore().getState();
  const branchId = neonBranchOf(get().neonBranchId, a.branches);
  const apiKey = a.apiKey.trim();
  if (!apiKey || !a.projectId || !branchId) return;
  const key = `${a.projectId} ${branchId}`;
  const current = () => neonKey(get(), applyStore().getState()) === key;
  set({ neonDatabases: { state: "loading" }, neonDatabasesFor: key });
  try {
    const found = await requestNeonDatabases(apiKey, a.projectId, branchId);
    if (!current()) return;
    const s = get();
    const database = found.databases.find((d) => d.name === s.neonDatabase) ?? found.databases[0];
    const role = found.roles.includes(s.neonRole) ? s.neonRole : (database?.ownerName ?? found.roles[0] ?? "");
    set({ neonDatabases: { state: "loaded", value: found }, neonDatabase: database?.name ?? "", neonRole: role });
  } catch (error) {
    if (!current()) return;
    const { message, fix } = problemOf(error);
    set({ neonDatabases: { state: "failed", message, ...(fix ? { fix } : {}) } });
  }
}

export function setNeonDatabase(name: string): void {
  const s = get();
  const owner = s.neonDatabases.state === "loaded" ? s.neonDatabases.value.databases.find((d) => d.name === name)?.ownerName : undefined;
  set({ neonDatabase: name, ...(owner ? { neonRole: owner } : {}), ...STALE });
}

export function setNeonRole(name: string): void {
  set({ neonRole: name, ...STALE });
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
  if (s.kind === "neon") {
    // The Apply panel's key and project; the branch, database and role this form picked.
    const a = applyStore().getState();
    if (a.apiKey.trim() === "") return { ok: false, problem: { field: "source.neon", message: "Enter your Neon API key, then load its projects." } };
    if (a.projectId === "") return { ok: false, problem: { field: "source.neon", message: "Pick a Neon project." } };
    const branchId = neonBranchOf(s.neonBranchId, a.branches);
    const listed = s.neonDatabases.state === "loaded" && s.neonDatabasesFor === neonKey(s, a);
    return {
      ok: true,
      source: {
        kind: "neon",
        apiKey: a.apiKey.trim(),
        projectId: a.projectId,
        ...(branchId ? { branchId } : {}),
        ...(listed && s.neonDatabase ? { databaseName: s.neonDatabase } : {}),
        ...(listed && s.neonRole ? { roleName: s.neonRole } : {}),
      },
    };
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
/** The request fields of a Neon source, which the form shows as one. */
const NEON_FIELDS = /^source\.(apiKey|projectId|branchId|databaseName|roleName)\b/;

/** What a refused request or a thrown error says: the API's message and fields, or that the server did not answer. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiRequestError) {
    const body = error.body.error as { message: string; fix?: string; issues?: Problem["issues"] };
    const field = body.issues?.map((i): SourceField | undefined => (NEON_FIELDS.test(i.path) ? "source.neon" : FIELDS.find((f) => i.path === f || i.path.startsWith(`${f}.`)))).find(Boolean);
    return { message: body.message, ...(field ? { field } : {}), ...(body.fix ? { fix: body.fix } : {}), ...(body.issues ? { issues: body.issues } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: /fetch|network/i.test(message) ? `the app's server did not answer (${message}): is it still running?` : message };
}

/** What the request was made for: an answer to an older form is dropped. */
function formKey(s: AdoptState): string {
  const a = applyStore().getState();
  const neon = s.kind === "neon" ? [a.apiKey, a.projectId, neonBranchOf(s.neonBranchId, a.branches), s.neonDatabase, s.neonRole] : [];
  return JSON.stringify([s.kind, s.kind === "sql" ? s.sqlText : "", s.kind === "postgres" ? a.url : "", ...neon, s.schema]);
}

export async function readTables(): Promise<void> {
  const s = get();
  const source = sourceOf(s);
  if (!source.ok) return set({ imported: { state: "failed", problem: source.problem } });
  const schema = schemaOf(s);
  if (!schema.ok) return set({ imported: { state: "failed", problem: schema.problem } });
  const key = formKey(s);
  set({ imported: { state: "busy" }, verified: { state: "idle" }, verifyAgainst: "imported" });
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

/** A design as comparable text: keys sorted, the canvas's positions left out (layout is not meaning). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([k, v]) => v !== undefined && k !== "position");
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Whether the design open in the designer says something else than the one read (edited since it was opened, or another design of existing tables). */
export function openDesignDiffers(open: Design, imported: Design): boolean {
  return open !== imported && open.tables.some((t) => t.existing) && canonical(open) !== canonical(imported);
}

export function setVerifyAgainst(verifyAgainst: VerifyAgainst): void {
  set({ verifyAgainst, verified: { state: "idle" } });
}

/** The design the current policies are held to: the one just read, or the one open in the designer. */
function verifiedDesign(s: AdoptState): Design | null {
  if (s.imported.state !== "done") return null;
  return s.verifyAgainst === "open" ? designerStore.getState().design : s.imported.value.design;
}

/**
 * "Verify current policies": the source's own policies against the design's meaning, through the
 * app's server, in a transaction that is rolled back there; the progress as it comes, then the
 * matrix and what applying the design would change. Nothing in the design or the database changes.
 */
export async function verifyCurrent(): Promise<void> {
  const s = get();
  const design = verifiedDesign(s);
  if (!design) return set({ verified: { state: "failed", problem: { message: "Read the tables first: verify holds the policies it finds to the design read from them." } } });
  const source = sourceOf(s);
  if (!source.ok) return set({ verified: { state: "failed", problem: source.problem } });
  const schema = schemaOf(s);
  if (!schema.ok) return set({ verified: { state: "failed", problem: schema.problem } });
  const key = formKey(s);
  const against = s.verifyAgainst;
  const fresh = () => formKey(get()) === key && get().verifyAgainst === against && get().verified.state === "busy";
  set({ verified: { state: "busy", detail: "Starting…" } });
  try {
    const last = await requestVerifyCurrent({ source: source.source, schema: schema.schema, design }, (event) => {
      if (event.step !== "done" && fresh()) set({ verified: { state: "busy", detail: event.detail, ...(event.index !== undefined ? { index: event.index, total: event.total } : {}) } });
    });
    if (!fresh()) return;
    set({ verified: last.status === "done" ? { state: "done", value: last.answer, against } : { state: "failed", problem: last.error } });
  } catch (error) {
    if (fresh()) set({ verified: { state: "failed", problem: problemOf(error) } });
  }
}
