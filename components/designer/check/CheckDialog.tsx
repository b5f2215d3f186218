"use client";
import { designFixFor, type LintAnswer } from "@/lib/lint/client";
import { Spinner } from "../apply/FailureCard";
import { useDesigner } from "../state/hooks";
import { Dialog } from "../ui/Dialog";
import { Button, IconButton, Section } from "../ui/controls";
import { Icon } from "../ui/icons";
import * as source from "../import/actions";
import { useAdopt } from "../import/hooks";
import { ProblemCard, SourceFields } from "../import/SourceFields";
import * as act from "./actions";

/**
 * "Check database": splinter's RLS checks and ours on a named database, each finding with the
 * object, why it matters and the fix, grouped by severity, with a SARIF download. Where a finding
 * is a change to the open design, one click makes it (an undo step).
 */
export function CheckDialog() {
  const open = useAdopt((s) => s.dialog === "check");
  return (
    <Dialog open={open} onClose={source.closeDialog} labelledBy="check-title" className="max-h-[calc(100dvh-80px)] w-[min(880px,calc(100vw-16px))] max-w-none flex-col open:flex sm:w-[min(880px,calc(100vw-48px))]">
      <CheckBody />
    </Dialog>
  );
}

function CheckBody() {
  const checked = useAdopt((s) => s.checked);
  const busy = checked.state === "busy";
  const answer = checked.state === "done" ? checked.value : null;
  return (
    <>
      <header className="flex shrink-0 items-start justify-between gap-3 border-b border-line px-5 py-3">
        <div>
          <h1 id="check-title" className="text-[15px] font-semibold">
            Check a database
          </h1>
          <p className="text-[12px] text-muted">Row-level security checks (Supabase&apos;s splinter and ours) on a live database. Only the catalogs are read.</p>
        </div>
        <IconButton icon="x" label="Close" onClick={source.closeDialog} className="size-7" />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain pb-2 [&>section:first-child]:border-t-0">
        <SourceFields busy={busy} problem={checked.state === "failed" ? checked.problem : null} onSubmit={() => void act.check()} />
        {checked.state === "failed" && <ProblemCard problem={checked.problem} />}
        {answer && <Findings answer={answer} />}
      </div>
      <footer className="flex shrink-0 flex-wrap items-center gap-3 border-t border-line bg-subtle px-5 py-2.5">
        <p id="check-reason" role="status" className="min-w-0 flex-1 basis-48 text-[12px] leading-snug text-muted">
          {answer ? summary(answer) : busy ? "Checking…" : "Nothing is changed in the database."}
        </p>
        <Button icon="download" disabled={!answer} onClick={act.downloadSarif} title="The findings as SARIF 2.1.0, for code scanning">
          Download SARIF
        </Button>
        <Button tone="primary" icon="shield" disabled={busy} onClick={() => void act.check()} aria-describedby="check-reason">
          {busy && <Spinner />}
          Check
        </Button>
      </footer>
    </>
  );
}

const LEVELS = [
  { level: "error", title: "Errors" },
  { level: "warning", title: "Warnings" },
  { level: "note", title: "Notes" },
] as const;

function summary(answer: LintAnswer): string {
  const n = (level: string) => answer.findings.filter((f) => f.level === level).length;
  return answer.findings.length === 0 ? `No findings in schema ${answer.schema} of ${answer.location}.` : `${answer.location}: ${n("error")} errors, ${n("warning")} warnings, ${n("note")} notes.`;
}

function Findings({ answer }: { answer: LintAnswer }) {
  const design = useDesigner((s) => s.design);
  if (answer.findings.length === 0) {
    return (
      <Section title="Findings">
        <p className="flex gap-1.5 text-[12.5px] text-muted">
          <Icon name="check" className="mt-0.5 size-3.5 shrink-0 text-ok" /> No findings in schema {answer.schema} of {answer.location}.
        </p>
      </Section>
    );
  }
  return LEVELS.map(({ level, title }) => {
    const findings = answer.findings.filter((f) => f.level === level);
    if (findings.length === 0) return null;
    return (
      <Section key={level} title={`${title} (${findings.length})`}>
        <ul className="space-y-2.5" aria-label={title}>
          {findings.map((f, i) => {
            const fix = designFixFor(f, design, { schema: answer.schema, proposed: answer.proposed });
            return (
              <li key={`${f.rule}:${f.object}:${i}`} className="text-[12.5px] leading-snug" aria-label={`${f.title}: ${f.object}`}>
                <p className="font-medium">
                  <Icon name={level === "note" ? "info" : "alert"} className={`mr-1 inline size-3.5 align-[-2px] ${level === "error" ? "text-danger" : level === "warning" ? "text-warn" : "text-muted"}`} />
                  {f.title} <code className="ml-1 font-mono text-[11.5px] font-normal">{f.object}</code>
                </p>
                <p className="mt-0.5 ml-5 text-muted">
                  <span className="font-medium text-fg">Why: </span>
                  {f.message}
                </p>
                <p className="mt-0.5 ml-5 text-muted">
                  <span className="font-medium text-fg">Fix: </span>
                  <span className="font-mono text-[11.5px]">{f.fix}</span>
                </p>
                {fix?.kind === "command" && (
                  <div className="mt-1 ml-5">
                    <Button size="sm" onClick={() => act.applyFix(fix)}>
                      Apply to design: {fix.label}
                    </Button>
                  </div>
                )}
                {fix?.kind === "note" && <p className="mt-0.5 ml-5 text-[12px] text-faint">In the design: {fix.text}</p>}
              </li>
            );
          })}
        </ul>
      </Section>
    );
  });
}
