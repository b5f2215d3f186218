"use client";
import type { ImportAnswer } from "@/lib/import/client";
import { Spinner } from "../apply/FailureCard";
import { Dialog } from "../ui/Dialog";
import { Button, IconButton, Section } from "../ui/controls";
import { Icon } from "../ui/icons";
import * as act from "./actions";
import { useAdopt } from "./hooks";
import { ProblemCard, SourceFields } from "./SourceFields";
import { VerifyCurrent } from "./VerifyCurrent";

/**
 * "Import from database or SQL": read an existing database's tables (or a dump's) through the
 * app's server, show what was read, the firewall proposed per table, what the policies allow
 * today (verified on the source, rolled back) and what the design would change, every guess to
 * review and the policies kept verbatim, then open it as the design (one undo step).
 */
export function ImportDialog() {
  const open = useAdopt((s) => s.dialog === "import");
  return (
    <Dialog open={open} onClose={act.closeDialog} labelledBy="import-title" className="max-h-[calc(100dvh-80px)] w-[min(880px,calc(100vw-16px))] max-w-none flex-col open:flex sm:w-[min(880px,calc(100vw-48px))]">
      <ImportBody />
    </Dialog>
  );
}

function ImportBody() {
  const imported = useAdopt((s) => s.imported);
  const busy = imported.state === "busy";
  const answer = imported.state === "done" ? imported.value : null;
  return (
    <>
      <header className="flex shrink-0 items-start justify-between gap-3 border-b border-line px-5 py-3">
        <div>
          <h1 id="import-title" className="text-[15px] font-semibold">
            Import an existing database
          </h1>
          <p className="text-[12px] text-muted">Its tables become the design, marked existing: applying it adds row-level security and policies, and never creates or empties them.</p>
        </div>
        <IconButton icon="x" label="Close" onClick={act.closeDialog} className="size-7" />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain pb-2 [&>section:first-child]:border-t-0">
        <SourceFields busy={busy} problem={imported.state === "failed" ? imported.problem : null} onSubmit={() => void act.readTables()} />
        {imported.state === "failed" && <ProblemCard problem={imported.problem} />}
        {answer && <ImportResult answer={answer} />}
      </div>
      <footer className="flex shrink-0 flex-wrap items-center gap-3 border-t border-line bg-subtle px-5 py-2.5">
        <p id="import-reason" role="status" className="min-w-0 flex-1 basis-48 text-[12px] leading-snug text-muted">
          {answer
            ? `Opening it replaces the design in the designer; the current one stays one undo away.`
            : busy
              ? "Reading the tables…"
              : "Only the catalogs are read: no rows, and nothing is changed."}
        </p>
        <Button tone={answer ? "default" : "primary"} icon="database" disabled={busy} onClick={() => void act.readTables()} aria-describedby="import-reason">
          {busy && <Spinner />}
          Read tables
        </Button>
        <Button tone="primary" disabled={!answer} onClick={() => answer && act.openImported(answer)} aria-describedby="import-reason">
          Open in the designer
        </Button>
      </footer>
    </>
  );
}

function ImportResult({ answer }: { answer: ImportAnswer }) {
  const guesses = answer.warnings;
  return (
    <>
      <Section title="What was read" description={`${answer.tables.length} table${answer.tables.length === 1 ? "" : "s"} from ${answer.location}${answer.skipped.length ? `; left out (no primary key): ${answer.skipped.join(", ")}` : ""}.`}>
        <table className="w-full border-collapse text-left text-[12.5px]" aria-label="Imported tables">
          <thead className="text-[11.5px] text-muted">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">Table</th>
              <th scope="col" className="py-1 pr-3 font-medium">Columns</th>
              <th scope="col" className="py-1 pr-3 font-medium">Proposed firewall</th>
              <th scope="col" className="py-1 pr-3 font-medium">Row-level security now</th>
              <th scope="col" className="py-1 font-medium">Policies now</th>
            </tr>
          </thead>
          <tbody>
            {answer.tables.map((t) => (
              <tr key={t.name} className="border-t border-line">
                <th scope="row" className="py-1 pr-3 font-mono font-normal">{t.name}</th>
                <td className="py-1 pr-3">{t.columns}</td>
                <td className="py-1 pr-3">{t.firewall}</td>
                <td className="py-1 pr-3">{t.rlsEnabled ? (t.rlsForced ? "enabled, forced" : "enabled") : "disabled"}</td>
                <td className="py-1">{t.policies}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <VerifyCurrent answer={answer} />
      <Section title={`Guesses to review (${guesses.length})`} description="Each is a warning: the firewall and access were guessed from column names and foreign keys.">
        <ul className="space-y-1 text-[12.5px] leading-snug" aria-label="Warnings to review">
          {guesses.map((w, i) => (
            <li key={`${w.path}:${i}`} className="flex gap-1.5">
              <Icon name="alert" className="mt-0.5 size-3.5 shrink-0 text-warn" />
              <span>
                <span className="sr-only">Warning: </span>
                <code className="font-mono text-[11.5px] text-muted">{w.path}</code> {w.message}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={`Existing policies, kept verbatim (${answer.existingPolicies.length})`} description="The design does not produce these. Apply lists them and drops them only when you confirm.">
        {answer.existingPolicies.length === 0 ? (
          <p className="text-[12.5px] text-muted">None.</p>
        ) : (
          <ul className="space-y-1.5" aria-label="Existing policies">
            {answer.existingPolicies.map((p) => (
              <li key={`${p.table}.${p.name}`} className="text-[12.5px]">
                <span className="font-mono">{p.table}</span>: <span className="font-medium">{p.name}</span>
                <pre className="mt-0.5 overflow-x-auto rounded bg-subtle px-2 py-1 font-mono text-[11.5px] whitespace-pre-wrap">
                  {`${p.permissive ? "PERMISSIVE" : "RESTRICTIVE"} FOR ${p.command} TO ${p.roles.join(", ")}${p.using ? `\nUSING (${p.using})` : ""}${p.withCheck ? `\nWITH CHECK (${p.withCheck})` : ""}`}
                </pre>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
