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
      /** `rls/<design>-<time>` when absent. */
      readonly branchName?: string;
    };

/**
 * The steps, in the order they happen. Neon only: create-branch, wait-endpoint, connection-string.
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

export interface ApplyOutcome {
  /** Apply: applied (or nothing to do) and verified with no mismatch. Plan: the plan was made. */
  readonly ok: boolean;
  readonly mode: "plan" | "apply";
  /** Where (passwords hidden). */
  readonly location?: string;
  /** The Neon branch created (apply) or planned against (plan). */
  readonly branch?: { readonly projectId: string; readonly branchId: string; readonly branchName: string };
  readonly plan?: Plan;
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
  readonly notices: readonly string[];
  readonly report?: VerifyReport;
  readonly matrix?: string;
  readonly error?: ApplyFailure;
}
