"use client";
import { useId, useState } from "react";
import { OPERATIONS, type Operation } from "@/lib/design/vocabulary";
import { MatrixHead, VerifyWarnings } from "../apply/AccessMatrix";
import { todayOf, withDesignOf, type CurrentChange, type VerifyCurrentAnswer } from "@/lib/import/client";
import { Spinner } from "../apply/FailureCard";
import { useDesigner } from "../state/hooks";
import { Button, Section } from "../ui/controls";
import { Icon } from "../ui/icons";
import * as act from "./actions";
import { useAdopt } from "./hooks";
import { ProblemCard } from "./SourceFields";
import type { ImportAnswer } from "@/lib/import/client";

/**
 * "Verify current policies", after the tables were read: what the database's own policies let
 * each principal do today, as a matrix, then what applying the design would change. It runs on
 * the app's server, against the same source, in one transaction that is rolled back there.
 */
export function VerifyCurrent({ answer }: { answer: ImportAnswer }) {
  const verified = useAdopt((s) => s.verified);
  const against = useAdopt((s) => s.verifyAgainst);
  const schema = useAdopt((s) => s.schema.trim());
  const open = useDesigner((s) => s.design);
  // The design open in the designer is worth verifying when it was edited since this import (or is another design of existing tables).
  const edited = act.openDesignDiffers(open, answer.design);
  const busy = verified.state === "busy";
  return (
    <Section
      title="Verify current policies"
      description={
        <>
          What the policies of {answer.location} let each principal do today, on sample rows, held to the design&apos;s meaning; then what applying the design would change. It runs on the app&apos;s server in
          one transaction that is rolled back: nothing is kept, but the tables are locked while it runs (seconds), so on a busy production database verify a branch or a copy.
        </>
      }
    >
      {edited && (
        <div role="radiogroup" aria-label="Compare with" className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-[12.5px]">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="adopt-verify-against" checked={against === "imported"} onChange={() => act.setVerifyAgainst("imported")} className="size-3.5" disabled={busy} />
            The design read from the database
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="adopt-verify-against" checked={against === "open"} onChange={() => act.setVerifyAgainst("open")} className="size-3.5" disabled={busy} />
            The design open in the designer ({open.name}, edited since)
          </label>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button icon="shield" onClick={() => void act.verifyCurrent()} disabled={busy || (schema !== "" && schema !== "public")} aria-describedby="adopt-verify-status">
          {busy && <Spinner />}
          Verify current policies
        </Button>
        <p id="adopt-verify-status" role="status" className="min-w-0 flex-1 basis-48 text-[12px] leading-snug text-muted">
          {busy
            ? `Verifying… ${verified.detail}`
            : verified.state === "done"
              ? summary(verified.value)
              : schema !== "" && schema !== "public"
                ? "Verify checks tables in schema public only."
                : "Reads and writes sample rows inside a transaction that is rolled back; changes nothing."}
        </p>
      </div>
      {busy && verified.total !== undefined && verified.total > 0 && <progress className="mt-2 h-1.5 w-full" value={verified.index ?? 0} max={verified.total} aria-label="Tables verified" />}
      {verified.state === "failed" && <ProblemCard problem={verified.problem} />}
      {verified.state === "done" && <VerifyResult answer={verified.value} />}
    </Section>
  );
}

function summary(answer: VerifyCurrentAnswer): string {
  const { report, changes } = answer;
  return report.ok
    ? `The policies already allow exactly what the design allows: applying it changes no access (${report.checks} statements).`
    : `Applying the design changes ${changes.length} of ${report.cells.length} cells (${report.checks} statements).`;
}

function VerifyResult({ answer }: { answer: VerifyCurrentAnswer }) {
  const { report } = answer;
  return (
    <>
      <section aria-label="What the policies allow today" className="mt-3">
        <h3 className="mb-1 text-[12px] font-semibold tracking-wide uppercase">What the policies allow today</h3>
        <p className="mb-2 text-[12px] text-muted">
          Each cell is what the database did when the principal tried the operation on sample rows: ✓ where the design allows the same, or <strong className="font-semibold text-warn">changes</strong> and what the design allows instead.
        </p>
        <VerifyWarnings warnings={report.warnings} />
        <div className="space-y-3">
          {report.tables.map((table) => (
            <TodayMatrix key={table} answer={answer} table={table} />
          ))}
        </div>
      </section>
      <Changes answer={answer} />
    </>
  );
}

type Cell = VerifyCurrentAnswer["report"]["cells"][number];

function TodayMatrix({ answer, table }: { answer: VerifyCurrentAnswer; table: string }) {
  const cells = answer.report.cells.filter((c) => c.table === table);
  const [open, setOpen] = useState<{ principal: string; operation: Operation } | null>(null);
  const detailId = useId();
  const openCell = open ? cells.find((c) => c.principal === open.principal && c.operation === open.operation) : undefined;
  return (
    <div>
      <table className="w-full table-fixed border-collapse overflow-hidden rounded-md border border-line text-[12px]">
        <MatrixHead table={table} />
        <tbody>
          {answer.report.principals.map((principal) => (
            <tr key={principal} className="border-b border-line last:border-0">
              <th scope="row" className="px-2 py-0.5 text-left font-normal">
                {principal}
              </th>
              {OPERATIONS.map((op) => {
                const cell = cells.find((c) => c.principal === principal && c.operation === op);
                if (!cell) return <td key={op} className="border-l border-line px-2 py-0.5 text-faint" />;
                const isOpen = openCell === cell;
                return (
                  <td key={op} className={`border-l border-line p-0 ${cell.ok ? "" : "bg-warn-soft"}`}>
                    <TodayButton cell={cell} open={isOpen} controls={detailId} onClick={() => setOpen(isOpen ? null : { principal, operation: op })} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div id={detailId}>{openCell && <TodayDetail cell={openCell} mismatch={answer.report.mismatches.find((m) => m.table === table && m.principal === openCell.principal && m.operation === openCell.operation)} onClose={() => setOpen(null)} />}</div>
    </div>
  );
}

function TodayButton({ cell, open, controls, onClick }: { cell: Cell; open: boolean; controls: string; onClick: () => void }) {
  const today = todayOf(cell).text;
  const design = withDesignOf(cell).text;
  return (
    <button
      type="button"
      aria-expanded={open}
      aria-controls={controls}
      title={cell.ok ? `today ${today}; the design allows the same` : `today ${today}; with the design ${design}`}
      onClick={onClick}
      className={`flex w-full cursor-pointer flex-col items-start px-2 py-0.5 text-left hover:bg-hover focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-focus ${open ? "bg-accent-soft" : ""}`}
    >
      <span className="flex w-full items-baseline gap-1">
        <span className="sr-only">
          {cell.operation} as {cell.principal} today:{" "}
        </span>
        <span>{today}</span>
        {cell.ok && (
          <>
            <span className="sr-only">; the design allows the same</span>
            <span className="ml-auto text-[11px] text-ok" aria-hidden="true">
              ✓
            </span>
          </>
        )}
      </span>
      {!cell.ok && (
        <span className="text-[11px]">
          {" "}
          <span className="font-semibold text-warn">changes</span>
          <span aria-hidden="true"> → </span>
          <span className="sr-only">; with the design: </span>
          <span className="text-muted">{design}</span>
        </span>
      )}
    </button>
  );
}

function TodayDetail({ cell, mismatch, onClose }: { cell: Cell; mismatch?: VerifyCurrentAnswer["report"]["mismatches"][number]; onClose: () => void }) {
  return (
    <section aria-label={`Cell ${cell.table} / ${cell.principal} / ${cell.operation}`} className={`mt-1 rounded-md border px-3 py-2 text-[12px] ${cell.ok ? "border-line bg-panel" : "border-warn/60 bg-warn-soft"}`}>
      <div className="flex items-start justify-between gap-2">
        <h4 className="font-medium">
          <span className="font-mono">{cell.table}</span> · {cell.principal} · {cell.operation}
        </h4>
        <button type="button" onClick={onClose} className="cursor-pointer rounded px-1.5 text-muted hover:bg-hover focus-visible:outline-2 focus-visible:outline-focus">
          Close cell
        </button>
      </div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        <dt className="text-muted">Today the database did</dt>
        <dd>{cell.actual}</dd>
        <dt className="text-muted">With the design</dt>
        <dd>
          {cell.expected} {cell.ok ? "(the same)" : "(a change)"}
        </dd>
      </dl>
      {(mismatch?.sql ?? cell.sql) && (
        <pre aria-label="Statement" className="mt-1 overflow-x-auto rounded border border-line bg-bg px-2 py-0.5 font-mono text-[11px] whitespace-pre-wrap">
          {mismatch?.sql ?? cell.sql}
          {(mismatch?.params ?? cell.params ?? []).length > 0 ? `\n-- params ${JSON.stringify(mismatch?.params ?? cell.params)}` : ""}
        </pre>
      )}
      {mismatch && (
        <p className="mt-1 text-muted">
          As role <code className="font-mono">{mismatch.role}</code> with claims <code className="font-mono break-all">{JSON.stringify(mismatch.claims)}</code>
          {mismatch.rows ? `, on ${mismatch.rows.length === 1 ? "the row" : "the rows"} ${mismatch.rows.join(" ")} alone` : ""}.
        </p>
      )}
    </section>
  );
}

const DIRECTION: Record<CurrentChange["direction"], { word: string; className: string }> = {
  narrows: { word: "less", className: "text-ok" },
  widens: { word: "more", className: "text-danger" },
  changes: { word: "changes", className: "text-warn" },
};

/** What applying the design would change, per table: each principal and operation that would be allowed less, more, or otherwise. */
function Changes({ answer }: { answer: VerifyCurrentAnswer }) {
  const { changes } = answer;
  if (changes.length === 0) {
    return (
      <section aria-label="What the design would change" className="mt-3">
        <h3 className="mb-1 text-[12px] font-semibold tracking-wide uppercase">What the design would change</h3>
        <p className="flex gap-1.5 text-[12.5px] text-muted">
          <Icon name="check" className="mt-0.5 size-3.5 shrink-0 text-ok" /> Nothing: the policies already allow exactly what the design allows.
        </p>
      </section>
    );
  }
  const tables = [...new Set(changes.map((c) => c.table))];
  const count = (d: CurrentChange["direction"]) => changes.filter((c) => c.direction === d).length;
  return (
    <section aria-label="What the design would change" className="mt-3">
      <h3 className="mb-1 text-[12px] font-semibold tracking-wide uppercase">What the design would change ({changes.length})</h3>
      <p className="mb-2 text-[12px] text-muted">
        Applying the design lets {count("narrows")} principal × operation pairs do less than today, {count("widens")} do more, and changes {count("changes")} otherwise. Review each before you apply; the policies
        the design does not produce stay unless Apply drops them.
      </p>
      <div className="space-y-2">
        {tables.map((table) => (
          <details key={table} className="rounded-md border border-line px-3 py-1.5 text-[12.5px]" open={tables.length === 1}>
            <summary className="cursor-pointer font-medium">
              <span className="font-mono">{table}</span>: {changes.filter((c) => c.table === table).length} changes
            </summary>
            <ul className="mt-1 space-y-0.5" aria-label={`Changes to ${table}`}>
              {changes
                .filter((c) => c.table === table)
                .map((c) => (
                  <li key={`${c.principal}:${c.operation}`} className="flex gap-1.5">
                    <span className={`w-14 shrink-0 text-[11px] font-semibold uppercase ${DIRECTION[c.direction].className}`}>{DIRECTION[c.direction].word}</span>
                    <span>{c.text}</span>
                  </li>
                ))}
            </ul>
          </details>
        ))}
      </div>
    </section>
  );
}
