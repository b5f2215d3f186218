"use client";
import { useEffect, useMemo, useRef } from "react";
import { displayLocations } from "@/lib/apply/redact";
import { Icon } from "../ui/icons";
import { revealIn } from "../ui/scroll";
import { AccessMatrix } from "./AccessMatrix";
import { FailureCard, Spinner } from "./FailureCard";
import { useApply } from "./hooks";
import { formatDuration, progressRows, STEP_LABELS, type ProgressRow, type RowStatus } from "./progress";
import type { RunState } from "./store";

/**
 * The run as it happens: one row per step (create branch, wait for endpoint, connect, plan,
 * migration k of n, verify), the failure with its step, statement, SQLSTATE and fix, and then
 * the access matrix. The region's text ends with the last step's line ("…; verified").
 */
export function ProgressView() {
  const run = useApply((s) => s.run);
  if (run.state === "idle") return null;
  return <RunView run={run} />;
}

function RunView({ run }: { run: Exclude<RunState, { state: "idle" }> }) {
  const over = run.state !== "running";
  const rows = useMemo(() => progressRows(run.events, over), [run.events, over]);
  const outcome = run.state === "finished" ? run.outcome : undefined;
  const failure = run.state === "failed" ? run.error : outcome?.error ? { failure: outcome.error } : null;
  // The matrix arrives with verify's last event; keep it when the run failed after verify too.
  const verified = [...run.events].reverse().find((e) => e.event.step === "verify" && e.event.report)?.event;
  const report = outcome?.report ?? verified?.report;

  // Follow the run: keep its newest step in view, then show the result and the matrix from the top.
  const section = useRef<HTMLElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const last = rows.at(-1);
  useEffect(() => {
    if (over) revealIn(section.current, "start");
    else revealIn(list.current?.lastElementChild);
  }, [over, rows.length, last?.status]);

  return (
    <section ref={section} aria-labelledby="apply-progress-title" className="border-t border-line px-5 py-4">
      <div className="mb-2.5 flex items-center justify-between gap-3">
        <h2 id="apply-progress-title" className="text-[12px] font-semibold tracking-wide text-fg uppercase">
          Progress
        </h2>
        {outcome?.rehearsal ? (
          <p className="text-[12px] text-muted">
            Rehearsal branch <span className="font-mono text-fg">{outcome.rehearsal.branch.branchName}</span> ({outcome.rehearsal.kept ? "kept" : "deleted"})
          </p>
        ) : (
          outcome?.branch && (
            <p className="text-[12px] text-muted">
              Neon branch <span className="font-mono text-fg">{outcome.branch.branchName}</span> ({outcome.branch.branchId})
            </p>
          )
        )}
      </div>
      <div role="region" aria-label="Apply progress" aria-live="polite" className="rounded-md border border-line">
        <ol ref={list} className="divide-y divide-line">
          {rows.map((row) => (
            <Row key={row.step} row={row} />
          ))}
          {rows.length === 0 && (
            <li className="flex items-center gap-2 px-3 py-1.5 text-[12.5px] text-muted">
              <Spinner /> Starting…
            </li>
          )}
        </ol>
        {failure && failure.failure?.code !== "mismatch" && (
          <div className="border-t border-line p-2">
            <FailureCard error={failure} />
          </div>
        )}
      </div>
      {failure?.failure?.code === "mismatch" && (
        <div className="mt-2">
          <FailureCard error={failure} title="Verify found mismatches: the database does not behave as the design says" />
        </div>
      )}
      {report && <AccessMatrix report={report} />}
    </section>
  );
}

const STATUS_TEXT: Record<RowStatus, string> = { running: "running", done: "done", failed: "failed", skipped: "skipped", stopped: "stopped" };

function Row({ row }: { row: ProgressRow }) {
  const final = row.step === "done";
  return (
    <li className={`flex items-start gap-2 px-3 py-1.5 text-[12.5px] ${final ? (row.status === "done" ? "bg-ok-soft" : "bg-danger-soft") : ""}`}>
      <StatusIcon status={row.status} />
      {/* Timing comes first in the text but shows on the right, so the row's text ends with its detail. */}
      <span className="order-last ml-auto shrink-0 pl-2 text-[11px] text-faint tabular-nums" aria-hidden="true">
        {row.took !== undefined && row.took >= 100 && !final ? formatDuration(row.took) : ""}
      </span>
      <span className="w-32 shrink-0 font-medium">
        <span className="sr-only">{STATUS_TEXT[row.status]}: </span>
        {STEP_LABELS[row.step]}
      </span>
      <span className={`min-w-0 flex-1 break-words ${row.status === "failed" ? "text-danger" : final ? "font-medium" : "text-muted"}`}>
        {row.status === "running" && row.index !== undefined && row.total ? (
          <span className="mr-2 inline-block h-1.5 w-16 overflow-hidden rounded-full bg-hover align-middle" aria-hidden="true">
            <span className="block h-full rounded-full bg-accent transition-[width]" style={{ width: `${(100 * row.index) / row.total}%` }} />
          </span>
        ) : null}
        {displayLocations(row.detail)}
      </span>
    </li>
  );
}

function StatusIcon({ status }: { status: RowStatus }) {
  const box = "mt-0.5 size-4 shrink-0";
  switch (status) {
    case "running":
      return (
        <span className={`${box} flex items-center justify-center text-accent-text`}>
          <Spinner className="size-3" />
        </span>
      );
    case "done":
      return <Icon name="check" className={`${box} text-ok`} />;
    case "failed":
      return <Icon name="x" className={`${box} text-danger`} />;
    case "skipped":
      return <Icon name="check" className={`${box} text-muted`} />;
    case "stopped":
      return <Icon name="alert" className={`${box} text-warn`} />;
  }
}
