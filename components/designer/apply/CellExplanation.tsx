"use client";
import { useState } from "react";
import type { Operation } from "@/lib/design";
import { ApiRequestError, requestExplain } from "@/lib/apply/client";
import type { ExplainReport } from "@/lib/apply/explain";
import { Button } from "../ui/controls";
import { Spinner } from "./FailureCard";
import { applyStore, destinationOf } from "./store";

type State = { state: "idle" } | { state: "loading" } | { state: "done"; report: ExplainReport } | { state: "failed"; message: string };

const show = (value: unknown) => (value === null || value === undefined ? "NULL" : typeof value === "string" ? `'${value}'` : String(value));

/**
 * One cell explained row by row (lib/verify/explain.ts, as `verify --explain`): for each sample
 * row, each part of the meaning with the values it compared, beside what the database did with
 * that row alone. Asked of the destination the design was applied to, inside a transaction that
 * is rolled back.
 */
export function CellExplanation({ table, principal, operation }: { table: string; principal: string; operation: Operation }) {
  const [state, setState] = useState<State>({ state: "idle" });
  const explain = async () => {
    const s = applyStore().getState();
    const destination = destinationOf(s);
    if (s.run.state === "idle" || !destination.ok) return setState({ state: "failed", message: "Apply the design first: the explanation runs on the database it was applied to." });
    setState({ state: "loading" });
    try {
      const report = await requestExplain({ design: s.run.design as unknown as Record<string, unknown>, destination: destination.destination, table, principal, operation });
      setState({ state: "done", report });
    } catch (error) {
      const message = error instanceof ApiRequestError ? error.message : error instanceof Error ? error.message : String(error);
      setState({ state: "failed", message });
    }
  };
  return (
    <div className="mt-2">
      {state.state !== "done" && (
        <Button size="sm" icon="info" onClick={() => void explain()} disabled={state.state === "loading"}>
          {state.state === "loading" && <Spinner />}
          Explain row by row
        </Button>
      )}
      {state.state === "failed" && (
        <p role="alert" className="mt-1 text-danger">
          {state.message}
        </p>
      )}
      {state.state === "done" && <Explanation report={state.report} />}
    </div>
  );
}

export function Explanation({ report }: { report: ExplainReport }) {
  const ctx = report.context;
  return (
    <section aria-label="Explanation" className="mt-1">
      <p className="text-muted">
        As role <code className="font-mono">{report.role}</code> with claims <code className="font-mono break-all">{JSON.stringify(report.claims)}</code>; the meaning sees{" "}
        {ctx.signedIn ? `u ${show(ctx.userId)}, o ${show(ctx.org)}, r ${show(ctx.role)}` : "a signed-out visitor"}.
      </p>
      <ol className="mt-1 max-h-72 space-y-1 overflow-y-auto" aria-label="Rows explained" tabIndex={0}>
        {report.rows.map((r, i) => (
          <li key={i} className={`rounded border px-2 py-1 ${r.agrees ? "border-line" : "border-danger bg-danger-soft"}`}>
            <p>
              <span className="font-mono text-[11px]">row {r.key}</span>{" "}
              <span className={r.allowed ? "font-medium text-ok" : "font-medium text-muted"}>{r.allowed ? "allowed" : "refused"} by the design</span>
              {" · "}
              <span className={r.agrees ? "" : "font-bold text-danger"}>
                database: {r.database}
                {r.agrees ? "" : " (MISMATCH)"}
              </span>
            </p>
            <p className="font-mono text-[11px] break-all text-muted">
              {Object.entries(r.row)
                .map(([k, v]) => `${k}=${show(v)}`)
                .join(" ")}
            </p>
            {r.newValues && (
              <p className="font-mono text-[11px] break-all text-muted">
                new values (to {r.newValues.purpose}):{" "}
                {Object.entries(r.newValues.values)
                  .map(([k, v]) => `${k}=${show(v)}`)
                  .join(" ")}
              </p>
            )}
            <ul className="mt-0.5">
              {r.reasons.map((reason, j) => (
                <li key={j} className={reason.holds ? "" : "text-danger"}>
                  <span aria-hidden="true">{reason.holds ? "✓" : "✗"}</span>
                  <span className="sr-only">{reason.holds ? "holds:" : "fails:"}</span> {reason.part}: <span className="text-muted">{reason.detail}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
