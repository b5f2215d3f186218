import type { VerifyReport } from "../verify";
import type { ApplyFailure } from "./errors";
import type { Plan } from "./plan";

/** Where to apply. Secrets (apiKey, url) are used and forgotten: never logged, echoed or stored. */
export type Destination =
  | { readonly kind: "embedded" }
  | { readonly kind: "postgres"; readonly url: string }
  | {
      readonly kind: "neon";
      readonly apiKey: string;
      readonly projectId: string;
      /** The branch to copy; the project's default branch when absent. */
      readonly parentBranchId?: string;
      /** `rls/<design>-<time>` when absent; with `branchId`, the rehearsal's child branch. */
      readonly branchName?: string;
      /**
       * The connected branch: an existing branch (the app's `main` or `dev`) to bring to this
       * version of the design. Applying to it is rehearsed first on a child branch of it.
       */
      readonly branchId?: string;
      /** The connected branch's database and the role to connect as; `neondb` (or the first) and its owner unless given. */
      readonly databaseName?: string;
      readonly roleName?: string;
      /** Keep the rehearsal's child branch instead of deleting it. */
      readonly keepRehearsal?: boolean;
    };

/** What a rehearsal on a child of the connected branch did; its fingerprint lets the same migrations go to the connected branch. */
export interface Rehearsal {
  /** The child branch it ran on. */
  readonly branch: { readonly projectId: string; readonly branchId: string; readonly branchName: string };
  /** Whether the child branch was kept (asked for, or its deletion failed); it was deleted otherwise. */
  readonly kept: boolean;
  /** The migrations rehearsed, as the connected branch would get them: give it back (`rehearsal`) to apply them there. */
  readonly fingerprint: string;
  /** Why the child branch could not be deleted, when it could not. */
  readonly deleteError?: string;
}

/**
 * The steps, in the order they happen. Neon only: create-branch, wait-endpoint, connection-string
 * (and delete-branch last, after a rehearsal).
 * Apply only: lock, stand-in, migration, verify. `done` is always last.
 */
export type StepName =
  | "create-branch"
  | "wait-endpoint"
  | "connection-string"
  | "connect"
  | "lock"
  | "plan"
  | "stand-in"
  | "migration"
  | "verify"
  | "delete-branch"
  | "done";

export type StepStatus = "running" | "done" | "failed" | "skipped";

/**
 * One line of progress. Every event has step, status and a human `detail` (already redacted);
 * some carry more:
 * - `migration` running: `index` (1-based) and `total`;
 * - `verify` running: `index`/`total` over tables;
 * - `plan` done: `plan`;
 * - any step failed: `error`;
 * - `verify` done or failed (mismatches): `report` and `matrix` (the access matrix as text);
 * - `done`: `outcome`, the whole result.
 */
export interface ApplyEvent {
  readonly step: StepName;
  readonly status: StepStatus;
  readonly detail: string;
  readonly index?: number;
  readonly total?: number;
  readonly plan?: Plan;
  readonly error?: ApplyFailure;
  readonly report?: VerifyReport;
  readonly matrix?: string;
  readonly outcome?: ApplyOutcome;
}

/**
 * `plan` reads and changes nothing; `rehearse` (a connected Neon branch only) applies and verifies
 * on a new child branch of it and leaves it untouched; `apply` applies (to a connected branch:
 * only what a rehearsal's fingerprint names).
 */
export type ApplyMode = "plan" | "rehearse" | "apply";

export interface ApplyOutcome {
  /** Apply: applied (or nothing to do) and verified with no mismatch. Plan: the plan was made. Rehearse: applied and verified on the child branch. */
  readonly ok: boolean;
  readonly mode: ApplyMode;
  /** Where (passwords hidden). */
  readonly location?: string;
  /** The Neon branch created (apply) or planned against (plan); the connected branch when there is one. */
  readonly branch?: { readonly projectId: string; readonly branchId: string; readonly branchName: string };
  /** Rehearse: the child branch and what it proved. */
  readonly rehearsal?: Rehearsal;
  readonly plan?: Plan;
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
  readonly notices: readonly string[];
  readonly report?: VerifyReport;
  readonly matrix?: string;
  readonly error?: ApplyFailure;
}
