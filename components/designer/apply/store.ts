import { createStore } from "zustand/vanilla";
import type { ApplyEvent, ApplyFailure, ApplyOutcome, BranchChoice, BranchDatabases, Destination, Issue, Plan, ProjectChoice } from "@/lib/apply/client";
import type { Design } from "@/lib/design";
import { rememberedSecret } from "./secrets";

/**
 * The Apply panel's state, beside the designer's store and never mixed into it: the destination
 * (with its secrets, held in memory only), the plan, and the run's events. Nothing here is
 * autosaved, exported or put in a share link; secrets reach localStorage only through secrets.ts,
 * when the user ticks "remember on this device".
 */

export type DestinationKind = Destination["kind"];

/** Something loaded from the API for a picker. */
export type Load<T> =
  | { readonly state: "idle" }
  | { readonly state: "loading" }
  | { readonly state: "loaded"; readonly value: T }
  | { readonly state: "failed"; readonly message: string; readonly fix?: string };

/** A request the API refused or could not carry out, or a step that failed. */
export interface Failure {
  readonly failure: ApplyFailure | null;
  /** The API's message when the request itself was refused (no step ran). */
  readonly message?: string;
  readonly issues?: readonly Issue[];
  /** What to do about a refused request, when the API knows (a Neon key it refused). */
  readonly fix?: string;
}

export type PlanState =
  | { readonly state: "none" }
  | { readonly state: "planning"; readonly design: Design; readonly key: string }
  | { readonly state: "planned"; readonly design: Design; readonly key: string; readonly outcome: ApplyOutcome }
  | { readonly state: "failed"; readonly design: Design; readonly key: string; readonly error: Failure };

/** One event as it arrived, with the time it arrived (ms since the run started). */
export interface TimedEvent {
  readonly event: ApplyEvent;
  readonly at: number;
}

export type RunState =
  | { readonly state: "idle" }
  | { readonly state: "running"; readonly kind: DestinationKind; readonly design: Design; readonly events: readonly TimedEvent[] }
  | { readonly state: "finished"; readonly kind: DestinationKind; readonly design: Design; readonly events: readonly TimedEvent[]; readonly outcome: ApplyOutcome }
  /** The request was refused, or the stream broke off: `events` holds what arrived before. */
  | { readonly state: "failed"; readonly kind: DestinationKind; readonly design: Design; readonly events: readonly TimedEvent[]; readonly error: Failure };

export interface ApplyState {
  readonly open: boolean;
  readonly kind: DestinationKind;
  readonly url: string;
  readonly rememberUrl: boolean;
  readonly apiKey: string;
  readonly rememberKey: boolean;
  readonly projects: Load<readonly ProjectChoice[]>;
  readonly projectId: string;
  readonly branches: Load<readonly BranchChoice[]>;
  readonly parentBranchId: string;
  readonly branchName: string;
  /** Neon: a new branch for each apply, or the connected branch (rehearsed on a child branch, then changed). */
  readonly neonMode: "new" | "connected";
  readonly connectedBranchId: string;
  readonly databases: Load<BranchDatabases>;
  readonly databaseName: string;
  readonly roleName: string;
  readonly keepRehearsal: boolean;
  /** The last rehearsal that passed, for the design and connection it was made for: what "Apply to <branch>" applies. */
  readonly rehearsed: { readonly design: Design; readonly key: string; readonly outcome: ApplyOutcome } | null;
  readonly plan: PlanState;
  /** The user's explicit yes to the destructive changes of the plan they were shown. */
  readonly confirmDestructive: boolean;
  /** The user's explicit yes to dropping the policies the plan they were shown lists as not produced by the design (spec §5). */
  readonly dropForeign: boolean;
  readonly run: RunState;
  /** "Empty the embedded database": asked, then being done. */
  readonly emptying: "idle" | "confirm" | "busy";
  readonly emptyError: string | null;
  /** The schemas the last "Empty the embedded database" dropped, shown until the next run. */
  readonly emptied: readonly string[] | null;
}

export function initialApplyState(): ApplyState {
  const url = rememberedSecret("url");
  const apiKey = rememberedSecret("apiKey");
  return {
    open: false,
    kind: apiKey ? "neon" : url ? "postgres" : "embedded",
    url: url ?? "",
    rememberUrl: url !== null,
    apiKey: apiKey ?? "",
    rememberKey: apiKey !== null,
    projects: { state: "idle" },
    projectId: "",
    branches: { state: "idle" },
    parentBranchId: "",
    branchName: "",
    neonMode: "new",
    connectedBranchId: "",
    databases: { state: "idle" },
    databaseName: "",
    roleName: "",
    keepRehearsal: false,
    rehearsed: null,
    plan: { state: "none" },
    confirmDestructive: false,
    dropForeign: false,
    run: { state: "idle" },
    emptying: "idle",
    emptyError: null,
    emptied: null,
  };
}

/** Created on first use in the browser (it reads localStorage), so server rendering never touches it. */
let store: ReturnType<typeof createApplyStore> | null = null;

function createApplyStore() {
  return createStore<ApplyState>()(() => initialApplyState());
}

export function applyStore() {
  store ??= createApplyStore();
  return store;
}

/** For tests: a fresh store. */
export function resetApplyStore(state?: Partial<ApplyState>): void {
  applyStore().setState({ ...initialApplyState(), ...state }, true);
}

const CONNECTION_STRING = /^postgres(ql)?:\/\/\S+$/i;

/** The destination the form describes, or why it is not complete yet. */
export function destinationOf(s: ApplyState): { ok: true; destination: Destination } | { ok: false; reason: string } {
  switch (s.kind) {
    case "embedded":
      return { ok: true, destination: { kind: "embedded" } };
    case "postgres": {
      const url = s.url.trim();
      if (url === "") return { ok: false, reason: "Enter the database's connection string." };
      if (!CONNECTION_STRING.test(url)) return { ok: false, reason: "The connection string should look like postgres://user:password@host:5432/database." };
      return { ok: true, destination: { kind: "postgres", url } };
    }
    case "neon": {
      if (s.apiKey.trim() === "") return { ok: false, reason: "Enter your Neon API key, then pick a project." };
      if (s.projectId === "") return { ok: false, reason: "Pick a Neon project." };
      const branchName = s.branchName.trim();
      const project = { kind: "neon", apiKey: s.apiKey.trim(), projectId: s.projectId } as const;
      if (s.neonMode === "connected") {
        if (s.connectedBranchId === "") return { ok: false, reason: "Pick the branch to connect." };
        if (s.databaseName === "" || s.roleName === "") return { ok: false, reason: "Pick the branch's database and role." };
        return {
          ok: true,
          destination: {
            ...project,
            branchId: s.connectedBranchId,
            databaseName: s.databaseName,
            roleName: s.roleName,
            ...(branchName ? { branchName } : {}),
            ...(s.keepRehearsal ? { keepRehearsal: true } : {}),
          },
        };
      }
      return {
        ok: true,
        destination: { ...project, ...(s.parentBranchId ? { parentBranchId: s.parentBranchId } : {}), ...(branchName ? { branchName } : {}) },
      };
    }
  }
}

/**
 * What a plan was made for. The branch name does not change what a Neon plan says (it plans
 * against the parent branch), so it is left out; the key and the URL are in, so changing either
 * asks for a new plan. Held in memory only, like the secrets themselves.
 */
export function destinationKey(destination: Destination): string {
  switch (destination.kind) {
    case "embedded":
      return "embedded";
    case "postgres":
      return `postgres ${destination.url}`;
    case "neon":
      return destination.branchId
        ? `neon ${destination.apiKey} ${destination.projectId} connected ${destination.branchId} ${destination.databaseName ?? ""} ${destination.roleName ?? ""}`
        : `neon ${destination.apiKey} ${destination.projectId} ${destination.parentBranchId ?? ""}`;
  }
}

/** The rehearsal that passed for this design and this connected branch, if any: applying sends its fingerprint. */
export function currentRehearsal(s: ApplyState, design: Design): ApplyOutcome | null {
  const r = s.rehearsed;
  if (!r || r.design !== design || s.kind !== "neon" || s.neonMode !== "connected") return null;
  const destination = destinationOf(s);
  return destination.ok && destinationKey(destination.destination) === r.key ? r.outcome : null;
}

/** The connected branch's name, as the branch list (or the last plan) has it. */
export function connectedBranchName(s: ApplyState): string {
  const listed = s.branches.state === "loaded" ? s.branches.value.find((b) => b.id === s.connectedBranchId)?.name : undefined;
  return listed ?? (s.plan.state === "planned" ? s.plan.outcome.branch?.branchName : undefined) ?? (s.connectedBranchId || "the branch");
}

const NO_PLAN: PlanState = { state: "none" };

/** The plan, when it was made for this design and this destination (stable objects, for selectors). */
export function currentPlan(s: ApplyState, design: Design): PlanState {
  if (s.plan.state === "none") return s.plan;
  const destination = destinationOf(s);
  if (!destination.ok || s.plan.design !== design || s.plan.key !== destinationKey(destination.destination)) return NO_PLAN;
  return s.plan;
}

/** The policies on adopted tables that the design does not produce, as the plan lists them. */
export type ForeignPolicies = NonNullable<Plan["foreignPolicies"]>;

const NO_FOREIGN: ForeignPolicies = [];

/** The current plan's policies that the design does not produce (none when there is no plan). */
export function foreignPoliciesOf(s: ApplyState, design: Design): ForeignPolicies {
  const plan = currentPlan(s, design);
  return plan.state === "planned" ? (plan.outcome.plan?.foreignPolicies ?? NO_FOREIGN) : NO_FOREIGN;
}

/** What an apply sends as `dropForeignPolicies`: the plan's list (table and name) once the user ticked "Drop these…", nothing otherwise. */
export function confirmedForeign(s: ApplyState, design: Design): { table: string; name: string }[] | undefined {
  const foreign = foreignPoliciesOf(s, design);
  return s.dropForeign && foreign.length > 0 ? foreign.map(({ table, name }) => ({ table, name })) : undefined;
}

/** Whether two lists name the same policies (table and name), in any order. */
export function samePolicies(a: readonly { table: string; name: string }[], b: readonly { table: string; name: string }[]): boolean {
  const key = (p: { table: string; name: string }) => JSON.stringify([p.table, p.name]);
  const keys = new Set(a.map(key));
  return a.length === b.length && b.every((p) => keys.has(key(p)));
}

export interface Readiness {
  readonly canPlan: boolean;
  readonly canApply: boolean;
  /** Why "Apply now" is disabled, or what it will do. */
  readonly reason: string;
}

/** Whether "Plan" and "Apply now" may be pressed, and the sentence that says why (not). */
export function readiness(s: ApplyState, design: Design, problemCount: number): Readiness {
  const no = (reason: string, canPlan = false): Readiness => ({ canPlan, canApply: false, reason });
  if (problemCount > 0) return no(`The design has ${problemCount} problem${problemCount === 1 ? "" : "s"}: fix ${problemCount === 1 ? "it" : "them"} before applying (the preview lists them).`);
  if (s.run.state === "running") return no("Applying… closing this panel does not stop it.");
  if (s.emptying === "busy") return no("Emptying the embedded database…");
  const destination = destinationOf(s);
  if (!destination.ok) return no(destination.reason);
  const plan = currentPlan(s, design);
  if (plan.state === "none") return no("Plan first, to see what this database has not seen yet.", true);
  if (plan.state === "planning") return no("Planning…");
  if (plan.state === "failed") return no("The plan failed (see above): fix the destination, then plan again.", true);
  const p = plan.outcome.plan;
  if (!plan.outcome.ok || !p) return no("The plan failed (see above): fix the destination, then plan again.", true);
  if (p.conflicts.length > 0) {
    return no(
      s.kind === "embedded"
        ? "The embedded database holds another version of this design: empty it first."
        : "This database holds another version of this design: apply to an empty database or a new Neon branch.",
      true,
    );
  }
  if ((p.widens?.length ?? 0) > 0 && !s.confirmDestructive) return no("This change widens access: confirm it above first.", true);
  if (p.destructive.length > 0 && !s.confirmDestructive) return no("This plan drops or rewrites data: confirm it above first.", true);
  const foreign = foreignSentence(p.foreignPolicies?.length ?? 0, s.dropForeign);
  if (s.kind === "neon" && s.neonMode === "connected") {
    const name = connectedBranchName(s);
    const n = p.pending.length;
    if (currentRehearsal(s, design)) return { canPlan: true, canApply: true, reason: `The rehearsal passed: Apply to ${name} applies the same ${n === 1 ? "migration" : `${n} migrations`} to it, then verifies again.${foreign}` };
    return {
      canPlan: true,
      canApply: true,
      reason: `Rehearse applies ${n === 0 ? "nothing" : `${n} migration${n === 1 ? "" : "s"}`} to a new child branch of ${name} and verifies there; ${name} is changed only after you confirm.${foreign}`,
    };
  }
  const where = s.kind === "neon" ? "a new branch" : p.location;
  const what = p.pending.length === 0 ? `Nothing to apply to ${where}: Apply now verifies it again.` : `Applies ${p.pending.length} migration${p.pending.length === 1 ? "" : "s"} to ${where}, then verifies.`;
  return { canPlan: true, canApply: true, reason: `${what}${foreign}` };
}

/** " It keeps the 2 policies the design does not produce." (or drops them, once confirmed); "" when there are none. */
function foreignSentence(n: number, drop: boolean): string {
  if (n === 0) return "";
  const what = n === 1 ? "the policy" : `the ${n} policies`;
  return drop ? ` It drops ${what} the design does not produce.` : ` It keeps ${what} the design does not produce (see the plan).`;
}

export type { ApplyEvent, ApplyFailure, ApplyOutcome, BranchChoice, ProjectChoice };

/** The footer's apply button: "Apply now", or for a connected branch "Rehearse", then "Apply to <branch>". */
export function applyLabel(s: ApplyState, design: Design): string {
  if (s.kind !== "neon" || s.neonMode !== "connected") return "Apply now";
  return currentRehearsal(s, design) ? `Apply to ${connectedBranchName(s)}` : "Rehearse";
}
