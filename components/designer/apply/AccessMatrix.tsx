"use client";
import { useId, useState } from "react";
import { OPERATIONS, type Operation } from "@/lib/design/vocabulary";
import type { ApplyOutcome } from "@/lib/apply/client";
import { CellExplanation } from "./CellExplanation";

type Report = NonNullable<ApplyOutcome["report"]>;
type Cell = Report["cells"][number];

/** What the design lets the principal do in a cell, apart from whether the database agreed. */
export type Access = { kind: "allowed" | "partly" | "denied" | "nothing"; allowed: number; of: number };

const NOUN: Record<Operation, string> = { select: "rows", update: "rows", delete: "rows", insert: "new rows" };

/** From the cell's counts (or, for reports without them, from its expected text "12/48 rows", "3/29 allowed"). */
export function accessOf(cell: Cell): Access {
  const counts = cell.may ?? parseExpected(cell.expected);
  if (!counts) return { kind: "nothing", allowed: 0, of: 0 };
  const { allowed, of } = counts;
  const kind = of === 0 ? "nothing" : allowed === 0 ? "denied" : allowed === of ? "allowed" : "partly";
  return { kind, allowed, of };
}

function parseExpected(expected: string): { allowed: number; of: number } | null {
  const m = /^(\d+)\/(\d+)/.exec(expected);
  return m ? { allowed: Number(m[1]), of: Number(m[2]) } : null;
}

/** "partly: 12 of 48 rows", "denied", "allowed: all 48 rows": what a reader (and a screen reader) is told. */
export function accessText(access: Access, op: Operation): string {
  switch (access.kind) {
    case "allowed":
      return `allowed: all ${access.of} ${NOUN[op]}`;
    case "partly":
      return `partly: ${access.allowed} of ${access.of} ${NOUN[op]}`;
    case "denied":
      return `denied: 0 of ${access.of} ${NOUN[op]}`;
    case "nothing":
      return "no sample rows";
  }
}

const ACCESS_STYLE: Record<Access["kind"], string> = {
  allowed: "text-ok font-semibold",
  partly: "text-warn font-semibold",
  denied: "text-muted",
  nothing: "text-faint",
};

const ACCESS_WORD: Record<Access["kind"], string> = { allowed: "allowed", partly: "partly", denied: "denied", nothing: "no rows" };

/**
 * What verify saw, per table: each principal (rows) and operation (columns). A cell says what the
 * design lets that principal do (allowed, partly: n of m rows, denied) and, separately, whether
 * the database agreed: a mismatch turns the cell red and says so. Each cell is a button that
 * opens its rows, its statement and the explanation, row by row.
 */
export function AccessMatrix({ report }: { report: Report }) {
  const [open, setOpen] = useState<{ table: string; principal: string; operation: Operation } | null>(null);
  return (
    <section aria-label="Access matrix" className="mt-4">
      <h3 className="mb-1 text-[12px] font-semibold tracking-wide uppercase">Access matrix</h3>
      <p className="mb-2 text-[12px] text-muted">
        {report.ok
          ? `Every principal tried every operation on sample rows, as the database's own roles: ${report.checks} statements, all as the design says.`
          : `${report.mismatches.length} cell${report.mismatches.length === 1 ? "" : "s"} differ from the design (${report.checks} statements).`}{" "}
        Each cell shows what the design allows, then ✓ where the database agreed, or MISMATCH in red where it did not; open a cell for its rows, statement and explanation.
      </p>
      <VerifyWarnings warnings={report.warnings} />
      <div className="space-y-3">
        {report.tables.map((table) => (
          <TableMatrix key={table} report={report} table={table} open={open} onOpen={setOpen} />
        ))}
      </div>
      {report.mismatches.length > 0 && (
        <ul className="mt-3 space-y-2 text-[12px]" aria-label="Mismatches">
          {report.mismatches.map((m, i) => (
            <li key={i} className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2">
              <p className="font-medium text-danger">
                {m.table} · {m.principal} · {m.operation}: expected {m.expected}, got {m.actual}
              </p>
              <p className="mt-0.5 text-muted">
                as role <code className="font-mono">{m.role}</code> with claims <code className="font-mono break-all">{JSON.stringify(m.claims)}</code>
              </p>
              <pre className="mt-1 overflow-x-auto rounded border border-line bg-panel px-2 py-0.5 font-mono text-[11px] whitespace-pre-wrap">
                {m.sql}
                {m.params.length > 0 ? `\n-- params ${JSON.stringify(m.params)}` : ""}
              </pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type OpenCell = { table: string; principal: string; operation: Operation } | null;

function TableMatrix({ report, table, open, onOpen }: { report: Report; table: string; open: OpenCell; onOpen: (cell: OpenCell) => void }) {
  const cells = report.cells.filter((c) => c.table === table);
  const detailId = useId();
  const openCell = open?.table === table ? cells.find((c) => c.principal === open.principal && c.operation === open.operation) : undefined;
  return (
    <div>
      <table className="w-full table-fixed border-collapse overflow-hidden rounded-md border border-line text-[12px]">
        <MatrixHead table={table} />
        <tbody>
          {report.principals.map((principal) => (
            <tr key={principal} className="border-b border-line last:border-0">
              <th scope="row" className="px-2 py-0.5 text-left font-normal">
                {principal}
              </th>
              {OPERATIONS.map((op) => {
                const cell = cells.find((c) => c.principal === principal && c.operation === op);
                if (!cell) return <td key={op} className="border-l border-line px-2 py-0.5 text-faint" />;
                const isOpen = openCell === cell;
                return (
                  <td key={op} className={`border-l border-line p-0 ${cell.ok ? "" : "bg-danger-soft"}`}>
                    <CellButton cell={cell} open={isOpen} controls={detailId} onClick={() => onOpen(isOpen ? null : { table, principal, operation: op })} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div id={detailId}>{openCell && <CellDetail cell={openCell} onClose={() => onOpen(null)} />}</div>
    </div>
  );
}

function CellButton({ cell, open, controls, onClick }: { cell: Cell; open: boolean; controls: string; onClick: () => void }) {
  const access = accessOf(cell);
  const noun = NOUN[cell.operation];
  // The accessible name is the visible text with the rest spelled out around it (axe: label-content-name-mismatch).
  const counts =
    access.kind === "allowed" ? `(all ${access.of} ${noun})` : access.kind === "denied" ? `(0 of ${access.of} ${noun})` : access.kind === "partly" ? noun : "(no sample rows)";
  return (
    <button
      type="button"
      aria-expanded={open}
      aria-controls={controls}
      title={`${accessText(access, cell.operation)}; ${cell.ok ? "the database agreed" : `MISMATCH: the database did ${cell.actual}`}`}
      onClick={onClick}
      className={`flex w-full cursor-pointer items-baseline gap-1 px-2 py-0.5 text-left hover:bg-hover focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-focus ${open ? "bg-accent-soft" : ""}`}
    >
      <span className="sr-only">
        {cell.operation} as {cell.principal}:{" "}
      </span>
      <span className={ACCESS_STYLE[access.kind]}>{ACCESS_WORD[access.kind]}</span>
      {access.kind === "partly" && (
        <span className="text-muted tabular-nums">
          {" "}
          {access.allowed}/{access.of}
        </span>
      )}
      <span className="sr-only">{counts}; </span>
      {cell.ok ? (
        <>
          <span className="sr-only">the database agreed</span>
          <span className="ml-auto text-[11px] text-ok" aria-hidden="true">
            ✓
          </span>
        </>
      ) : (
        <span className="ml-auto text-[11px] font-bold text-danger">
          <span aria-hidden="true">✗ </span>MISMATCH<span className="sr-only">: the database did {cell.actual}</span>
        </span>
      )}
    </button>
  );
}

function CellDetail({ cell, onClose }: { cell: Cell; onClose: () => void }) {
  const access = accessOf(cell);
  return (
    <section
      aria-label={`Cell ${cell.table} / ${cell.principal} / ${cell.operation}`}
      className={`mt-1 rounded-md border px-3 py-2 text-[12px] ${cell.ok ? "border-line bg-panel" : "border-danger/60 bg-danger-soft"}`}
    >
      <div className="flex items-start justify-between gap-2">
        <h4 className="font-medium">
          <span className="font-mono">{cell.table}</span> · {cell.principal} · {cell.operation}
        </h4>
        <button type="button" onClick={onClose} className="cursor-pointer rounded px-1.5 text-muted hover:bg-hover focus-visible:outline-2 focus-visible:outline-focus">
          Close cell
        </button>
      </div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        <dt className="text-muted">The design allows</dt>
        <dd>{accessText(access, cell.operation)}</dd>
        <dt className="text-muted">Verify expected</dt>
        <dd>{cell.expected}</dd>
        <dt className="text-muted">The database did</dt>
        <dd className={cell.ok ? "text-ok" : "font-bold text-danger"}>
          {cell.actual} {cell.ok ? "(agrees)" : "(MISMATCH)"}
        </dd>
        {cell.rows && cell.rows.length > 0 && (
          <>
            <dt className="text-muted">Allowed rows</dt>
            <dd className="font-mono text-[11px] break-all">
              {cell.rows.join(" ")}
              {access.allowed > cell.rows.length ? ` … (${access.allowed - cell.rows.length} more)` : ""}
            </dd>
          </>
        )}
      </dl>
      {cell.sql && (
        <pre aria-label="Statement" className="mt-1 overflow-x-auto rounded border border-line bg-bg px-2 py-0.5 font-mono text-[11px] whitespace-pre-wrap">
          {cell.sql}
          {cell.params && cell.params.length > 0 ? `\n-- params ${JSON.stringify(cell.params)}` : ""}
        </pre>
      )}
      <CellExplanation table={cell.table} principal={cell.principal} operation={cell.operation} />
    </section>
  );
}

/** The caption, columns and header row of one table's principal x operation matrix (here and in Import's "Verify current policies"). */
export function MatrixHead({ table }: { table: string }) {
  return (
    <>
      <caption className="pb-1 text-left font-mono text-[12px] font-medium">{table}</caption>
      <colgroup>
        <col className="w-[28%]" />
        {OPERATIONS.map((op) => (
          <col key={op} className="w-[18%]" />
        ))}
      </colgroup>
      <thead>
        <tr className="bg-subtle text-left text-[11px] text-muted">
          <th scope="col" className="border-b border-line px-2 py-0.5 font-medium">
            Principal
          </th>
          {OPERATIONS.map((op) => (
            <th key={op} scope="col" className="border-b border-l border-line px-2 py-0.5 font-medium">
              {op}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}

/** Verify's warnings (privileges, roles) above its matrix. */
export function VerifyWarnings({ warnings }: { warnings: readonly string[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="mb-2 space-y-1 text-[12px]" aria-label="Warnings">
      {warnings.map((warning, i) => (
        <li key={i} className="rounded-md border border-line bg-panel px-3 py-1.5">
          <span className="font-medium">Warning:</span> {warning}
        </li>
      ))}
    </ul>
  );
}
