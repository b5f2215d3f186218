"use client";
import type { ReactNode } from "react";
import { Icon } from "../ui/icons";
import { STEP_LABELS } from "./progress";
import type { Failure } from "./store";

/** Where a field of the request lives in the panel, for the API's `issues[].path`. */
const FIELD_NAMES: Record<string, string> = {
  "destination.url": "Connection string",
  "destination.apiKey": "Neon API key",
  "destination.projectId": "Project",
  "destination.parentBranchId": "Parent branch",
  "destination.branchName": "Branch name",
};

/** A failed step or a refused request: the step, the message, the statement and its SQLSTATE, and how to fix it. */
export function FailureCard({ error, title }: { error: Failure; title?: string }) {
  const f = error.failure;
  const message = f?.message ?? error.message ?? "something went wrong";
  return (
    <div className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-[12px]">
      <p className="flex items-start gap-1.5 font-medium text-danger">
        <Icon name="alert" className="mt-px size-4 shrink-0" />
        <span>{title ?? (f ? `Failed at ${STEP_LABELS[f.step].toLowerCase()}` : "The request was refused")}</span>
      </p>
      <dl className="mt-1.5 grid grid-cols-[88px_minmax(0,1fr)] gap-x-3 gap-y-1">
        {f && <Item term="Step">{STEP_LABELS[f.step]}</Item>}
        <Item term="Error">
          <span className="break-words">{message}</span>
        </Item>
        {f?.sqlstate && (
          <Item term="SQLSTATE">
            <code className="font-mono text-[11.5px]">{f.sqlstate}</code>
          </Item>
        )}
        {f?.code && !f.sqlstate && (
          <Item term="Code">
            <code className="font-mono text-[11.5px]">{f.code}</code>
          </Item>
        )}
        {f?.file && (
          <Item term="Statement">
            <span className="text-muted">
              {f.file}
              {f.statementNumber !== undefined ? `, statement ${f.statementNumber}` : ""}
            </span>
            {f.statement && (
              <pre className="mt-0.5 max-h-40 overflow-auto rounded border border-line bg-panel px-2 py-1 font-mono text-[11px] whitespace-pre-wrap">{f.statement}</pre>
            )}
          </Item>
        )}
        {error.issues?.map((issue, i) => (
          <Item key={i} term={FIELD_NAMES[issue.path] ?? issue.path}>
            {issue.message}
          </Item>
        ))}
        {(f?.fix ?? error.fix) && (
          <Item term="How to fix">
            <span className="text-fg">{f?.fix ?? error.fix}</span>
          </Item>
        )}
      </dl>
    </div>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted">{term}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

/** A small spinning ring (still, for those who ask for less motion). */
export function Spinner({ className = "size-3.5" }: { className?: string }) {
  return <span aria-hidden="true" className={`inline-block shrink-0 animate-spin rounded-full border-2 border-current border-t-transparent motion-reduce:animate-none ${className}`} />;
}
