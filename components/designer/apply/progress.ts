import type { ApplyFailure, StepName, StepStatus } from "@/lib/apply/client";
import type { TimedEvent } from "./store";

/**
 * The progress list: one row per step, in the order the steps began, each showing its newest
 * event (so "migration 3 of 5" replaces "migration 2 of 5"). Pure, so it is tested without a browser.
 */

/** `stopped`: the run ended (the stream broke off) while the step was still running. */
export type RowStatus = StepStatus | "stopped";

export interface ProgressRow {
  readonly step: StepName;
  readonly status: RowStatus;
  readonly detail: string;
  readonly index?: number;
  readonly total?: number;
  readonly error?: ApplyFailure;
  /** How long the step took (ms), once it is over. */
  readonly took?: number;
}

export const STEP_LABELS: Record<StepName, string> = {
  "create-branch": "Create branch",
  "wait-endpoint": "Wait for endpoint",
  "connection-string": "Connection string",
  connect: "Connect",
  lock: "Lock",
  plan: "Plan",
  "stand-in": "Auth stand-in",
  migration: "Migrations",
  verify: "Verify",
  "delete-branch": "Delete rehearsal branch",
  done: "Result",
};

export function progressRows(events: readonly TimedEvent[], over: boolean): ProgressRow[] {
  const rows: ProgressRow[] = [];
  const started: number[] = [];
  for (const { event, at } of events) {
    let i = rows.findIndex((r) => r.step === event.step);
    if (i === -1) {
      i = rows.length;
      started.push(at);
    }
    rows[i] = {
      step: event.step,
      status: event.status,
      detail: event.detail,
      ...(event.index !== undefined ? { index: event.index, total: event.total } : {}),
      ...(event.error ? { error: event.error } : {}),
      ...(event.status !== "running" ? { took: at - started[i] } : {}),
    };
  }
  return over ? rows.map((row) => (row.status === "running" ? { ...row, status: "stopped" } : row)) : rows;
}

/** "0.4 s", "12 s", "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
