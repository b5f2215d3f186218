import {
  ApiRequestError,
  requestApply,
  requestEmptyEmbedded,
  requestNeonBranches,
  requestNeonDatabases,
  requestNeonProjects,
  requestPlan,
  type ApplyEvent,
  type ApplyOutcome,
} from "@/lib/apply/client";
import type { Design } from "@/lib/design";
import { compiled, problemsOf } from "../state/compiled";
import { designerStore } from "../state/store";
import { rememberConnection, rememberedConnection } from "./connection";
import { rememberSecret } from "./secrets";
import {
  applyStore,
  confirmedForeign,
  currentRehearsal,
  destinationKey,
  destinationOf,
  readiness,
  samePolicies,
  type ApplyState,
  type DestinationKind,
  type Failure,
  type PlanState,
  type TimedEvent,
} from "./store";

/**
 * What the Apply panel does: edit the destination, load Neon's pickers, plan, apply, and empty
 * the embedded database. Each reads and writes the apply store; the design comes from the
 * designer's store and is only read. Responses that arrive after the form changed are dropped.
 */

const get = () => applyStore().getState();
const set = (patch: Partial<ApplyState>) => applyStore().setState(patch);
const design = (): Design => designerStore.getState().design;
const problemCount = (d: Design) => problemsOf(compiled(d)).length;

/** What a refused request or a thrown error says, in the shape the panel shows. */
function failureOf(error: unknown): Failure {
  if (error instanceof ApiRequestError) {
    const body = error.body.error as { message: string; fix?: string; issues?: Failure["issues"] };
    return { failure: null, message: body.message, ...(body.issues ? { issues: body.issues } : {}), ...(body.fix ? { fix: body.fix } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { failure: null, message: /fetch|network/i.test(message) ? `the app's server did not answer (${message}): is it still running?` : message };
}

export function openPanel(): void {
  const s = get();
  const d = design();
  // A finished run belongs to the design it applied; once that changed, it would mislead.
  const stale = s.run.state !== "idle" && s.run.state !== "running" && s.run.design !== d;
  set({ open: true, ...(stale ? { run: { state: "idle" } } : {}) });
  // The design's connected branch, as it was left on this device (the key itself only if remembered).
  const connection = s.projectId === "" ? rememberedConnection(d.name) : null;
  if (connection) {
    set({ kind: "neon", neonMode: "connected", projectId: connection.projectId, connectedBranchId: connection.branchId, databaseName: connection.databaseName, roleName: connection.roleName });
  }
  const now = get();
  if (now.kind === "neon" && now.apiKey && now.projects.state === "idle") void loadProjects();
}

export function closePanel(): void {
  set({ open: false, ...(get().emptying === "confirm" ? { emptying: "idle" } : {}) });
}

export function setKind(kind: DestinationKind): void {
  const s = get();
  if (s.kind === kind) return;
  set({ kind, confirmDestructive: false, dropForeign: false, emptying: "idle", emptyError: null, emptied: null, ...(s.run.state !== "running" ? { run: { state: "idle" } } : {}) });
  if (kind === "neon" && s.apiKey && s.projects.state === "idle") void loadProjects();
}

export function setUrl(url: string): void {
  set({ url });
  if (get().rememberUrl) rememberSecret("url", true, url);
}

export function setRememberUrl(remember: boolean): void {
  set({ rememberUrl: remember });
  rememberSecret("url", remember, get().url);
}

/** A new key: the projects and branches listed for the old one go (the connected branch stays picked, to be found again). */
export function setApiKey(apiKey: string): void {
  set({ apiKey, projects: { state: "idle" }, branches: { state: "idle" }, parentBranchId: "", databases: { state: "idle" } });
  if (get().rememberKey) rememberSecret("apiKey", true, apiKey);
}

export function setRememberKey(remember: boolean): void {
  set({ rememberKey: remember });
  rememberSecret("apiKey", remember, get().apiKey);
}

export function setBranchName(branchName: string): void {
  set({ branchName });
}

export function setParentBranch(parentBranchId: string): void {
  set({ parentBranchId });
}

export function setNeonMode(neonMode: ApplyState["neonMode"]): void {
  const s = get();
  if (s.neonMode === neonMode) return;
  set({ neonMode, confirmDestructive: false, dropForeign: false, ...(s.run.state !== "running" ? { run: { state: "idle" } } : {}) });
  const now = get();
  if (neonMode === "connected" && now.branches.state === "loaded" && now.connectedBranchId === "") void chooseConnectedBranch(now.parentBranchId);
  else if (neonMode === "connected" && now.connectedBranchId && now.databases.state === "idle") void loadDatabases();
}

/** Connects a branch: lists its databases and roles, and picks `neondb` (or the first) as its owner. */
export async function chooseConnectedBranch(branchId: string): Promise<void> {
  const keep = get().connectedBranchId === branchId;
  set({ connectedBranchId: branchId, rehearsed: null, ...(keep ? {} : { databaseName: "", roleName: "" }) });
  await loadDatabases();
}

async function loadDatabases(): Promise<void> {
  const { apiKey, projectId, connectedBranchId: branchId } = get();
  if (!apiKey.trim() || !projectId || !branchId) return set({ databases: { state: "idle" } });
  set({ databases: { state: "loading" } });
  try {
    const found = await requestNeonDatabases(apiKey.trim(), projectId, branchId);
    const now = get();
    if (now.connectedBranchId !== branchId || now.projectId !== projectId) return;
    const database = found.databases.find((d) => d.name === now.databaseName) ?? found.databases[0];
    const roleName = found.roles.includes(now.roleName) ? now.roleName : (database?.ownerName ?? found.roles[0] ?? "");
    set({ databases: { state: "loaded", value: found }, databaseName: database?.name ?? "", roleName });
    saveConnection();
  } catch (error) {
    if (get().connectedBranchId !== branchId) return;
    const { message = "the branch's databases could not be listed", fix } = failureOf(error);
    set({ databases: { state: "failed", message, ...(fix ? { fix } : {}) } });
  }
}

export function setDatabase(databaseName: string): void {
  const s = get();
  const owner = s.databases.state === "loaded" ? s.databases.value.databases.find((d) => d.name === databaseName)?.ownerName : undefined;
  set({ databaseName, ...(owner ? { roleName: owner } : {}) });
  saveConnection();
}

export function setRole(roleName: string): void {
  set({ roleName });
  saveConnection();
}

export function setKeepRehearsal(keepRehearsal: boolean): void {
  set({ keepRehearsal });
}

/** The design's connected branch, for the next time it is opened on this device. */
function saveConnection(): void {
  const s = get();
  if (s.neonMode !== "connected" || !s.projectId || !s.connectedBranchId || !s.databaseName || !s.roleName) return;
  rememberConnection(design().name, { projectId: s.projectId, branchId: s.connectedBranchId, databaseName: s.databaseName, roleName: s.roleName });
}

/** Forgets the design's connected branch on this device, and goes back to a new branch per apply. */
export function disconnect(): void {
  rememberConnection(design().name, null);
  set({ neonMode: "new", connectedBranchId: "", databases: { state: "idle" }, databaseName: "", roleName: "", rehearsed: null });
}

export function setConfirmDestructive(confirmDestructive: boolean): void {
  set({ confirmDestructive });
}

/**
 * "Drop these policies the design does not produce": the apply then sends the plan's list. A
 * rehearsal made without (or with) it proved something else, so it no longer counts.
 */
export function setDropForeign(dropForeign: boolean): void {
  set({ dropForeign, rehearsed: null });
}

export async function loadProjects(): Promise<void> {
  const apiKey = get().apiKey.trim();
  if (!apiKey) return;
  set({ projects: { state: "loading" } });
  try {
    const projects = await requestNeonProjects(apiKey);
    if (get().apiKey.trim() !== apiKey) return;
    const keep = projects.some((p) => p.id === get().projectId) ? get().projectId : projects.length === 1 ? projects[0].id : "";
    set({ projects: { state: "loaded", value: projects } });
    if (keep) await chooseProject(keep);
  } catch (error) {
    if (get().apiKey.trim() !== apiKey) return;
    const { message = "the projects could not be listed", fix } = failureOf(error);
    set({ projects: { state: "failed", message, ...(fix ? { fix } : {}) } });
  }
}

/** Picks a project and lists its branches; the parent defaults to the project's default branch. */
export async function chooseProject(projectId: string): Promise<void> {
  const apiKey = get().apiKey.trim();
  const same = get().projectId === projectId;
  set({ projectId, parentBranchId: "", branches: projectId ? { state: "loading" } : { state: "idle" }, ...(same ? {} : { connectedBranchId: "", databases: { state: "idle" } }) });
  if (!projectId || !apiKey) return;
  try {
    const branches = await requestNeonBranches(apiKey, projectId);
    if (get().projectId !== projectId || get().apiKey.trim() !== apiKey) return;
    const fallback = (branches.find((b) => b.isDefault) ?? branches[0])?.id ?? "";
    set({ branches: { state: "loaded", value: branches }, parentBranchId: fallback });
    if (get().neonMode === "connected") {
      const connected = get().connectedBranchId;
      await chooseConnectedBranch(branches.some((b) => b.id === connected) ? connected : fallback);
    }
  } catch (error) {
    if (get().projectId !== projectId) return;
    const { message = "the branches could not be listed", fix } = failureOf(error);
    set({ branches: { state: "failed", message, ...(fix ? { fix } : {}) } });
  }
}

/** Asks the server what applying would do; changes nothing anywhere. */
export async function plan(): Promise<void> {
  const d = design();
  if (!readiness(get(), d, problemCount(d)).canPlan) return;
  const destination = destinationOf(get());
  if (!destination.ok) return;
  const planning: PlanState = { state: "planning", design: d, key: destinationKey(destination.destination) };
  set({ plan: planning, confirmDestructive: false, dropForeign: false });
  let next: PlanState;
  try {
    const outcome = await requestPlan({ design: d as unknown as Record<string, unknown>, destination: destination.destination });
    next = outcome.ok && outcome.plan ? { ...planning, state: "planned", outcome } : { ...planning, state: "failed", error: { failure: outcome.error ?? null, message: outcome.error ? undefined : "the plan could not be made" } };
  } catch (error) {
    next = { ...planning, state: "failed", error: failureOf(error) };
  }
  if (get().plan === planning) set({ plan: next });
}

/** Applies, streaming each step into the panel; then, where the database changed, plans again. */
export async function applyNow(): Promise<void> {
  const d = design();
  const s = get();
  if (!readiness(s, d, problemCount(d)).canApply) return;
  const destination = destinationOf(s);
  if (!destination.ok) return;
  const key = destinationKey(destination.destination);
  const kind = s.kind;
  const connected = s.kind === "neon" && s.neonMode === "connected";
  const rehearsal = connected ? currentRehearsal(s, d)?.rehearsal?.fingerprint : undefined;
  // Only the policies the user saw in the plan and confirmed: the server refuses if it finds others.
  const dropForeignPolicies = confirmedForeign(s, d);
  const previousBranch = s.plan.state === "planned" ? s.plan.outcome.branch : undefined;
  const started = performance.now();
  let events: TimedEvent[] = [];
  set({ run: { state: "running", kind, design: d, events }, emptied: null });

  const onEvent = (event: ApplyEvent) => {
    events = [...events, { event, at: performance.now() - started }];
    const patch: { -readonly [K in keyof ApplyState]?: ApplyState[K] } = { run: { state: "running", kind, design: d, events } };
    // The plan made inside the apply's lock is the one that counts: show it in the plan section.
    if (event.step === "plan" && event.status === "done" && event.plan) {
      // On a rehearsal, the plan was made on the child branch: a copy of the connected one, which it still describes.
      const outcome: ApplyOutcome = {
        ok: true,
        mode: "plan",
        location: event.plan.location,
        plan: event.plan,
        applied: [],
        alreadyApplied: [],
        notices: [],
        ...(connected && previousBranch ? { branch: previousBranch } : {}),
      };
      const changed = JSON.stringify(event.plan.destructive) !== JSON.stringify(currentDestructive());
      // Another list than the one confirmed: the server refuses it; the new list needs its own yes.
      const foreignChanged = !samePolicies(event.plan.foreignPolicies ?? [], currentForeign());
      patch.plan = { state: "planned", design: d, key, outcome };
      if (changed) patch.confirmDestructive = false;
      if (foreignChanged) patch.dropForeign = false;
    }
    set(patch);
  };

  let outcome: ApplyOutcome | undefined;
  try {
    outcome = await requestApply(
      {
        design: d as unknown as Record<string, unknown>,
        destination: destination.destination,
        confirmDestructive: s.confirmDestructive,
        ...(rehearsal ? { rehearsal } : {}),
        ...(dropForeignPolicies ? { dropForeignPolicies } : {}),
      },
      onEvent,
    );
    set({ run: { state: "finished", kind, design: d, events, outcome } });
    // A failed run may have rolled back: its outcome's plan says what it really dropped (nothing, then).
    const shown = get().plan;
    if (outcome.plan && outcome.error && shown.state === "planned" && shown.design === d && shown.key === key) {
      set({ plan: { ...shown, outcome: { ...shown.outcome, plan: outcome.plan } } });
    }
  } catch (error) {
    set({ run: { state: "failed", kind, design: d, events, error: failureOf(error) } });
  }
  // A rehearsal that passed is what "Apply to <branch>" applies; any other run ends it.
  if (connected) set({ rehearsed: outcome?.mode === "rehearse" && outcome.ok && outcome.rehearsal?.fingerprint ? { design: d, key, outcome } : null });
  // The database changed under the plan: read it again (a new Neon branch was made for the apply: its parent is as planned).
  const changedHere = outcome && (outcome.applied.length > 0 || (outcome.plan?.foreignPolicies ?? []).some((p) => p.dropped));
  if (outcome && changedHere && outcome.mode === "apply" && (kind !== "neon" || connected) && get().kind === kind) {
    set({ confirmDestructive: false });
    await plan();
  }
}

function currentDestructive() {
  const p = get().plan;
  return p.state === "planned" ? (p.outcome.plan?.destructive ?? []) : [];
}

function currentForeign() {
  const p = get().plan;
  return p.state === "planned" ? (p.outcome.plan?.foreignPolicies ?? []) : [];
}

export function askToEmpty(): void {
  set({ emptying: "confirm", emptyError: null });
}

export function cancelEmpty(): void {
  set({ emptying: "idle" });
}

/** Drops what designs made in the embedded database, then plans again. */
export async function emptyEmbedded(): Promise<void> {
  if (get().run.state === "running") return;
  set({ emptying: "busy", emptyError: null });
  try {
    const dropped = await requestEmptyEmbedded();
    set({ emptying: "idle", emptied: dropped, run: { state: "idle" }, plan: { state: "none" } });
    await plan();
  } catch (error) {
    set({ emptying: "confirm", emptyError: failureOf(error).message ?? "the embedded database could not be emptied" });
  }
}
