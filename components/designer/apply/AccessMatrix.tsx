"use client";
import { OPERATIONS } from "@/lib/design";
import type { ApplyOutcome } from "@/lib/apply/client";

type Report = NonNullable<ApplyOutcome["report"]>;

/**
 * What verify saw, per table: each principal (rows) and operation (columns), ✓ when the database
 * did what the design means, ✗ with what was expected when not. Mismatches follow with the
 * statement and claims that showed them.
 */
export function AccessMatrix({ report }: { report: Report }) {
  return (
    <section aria-label="Access matrix" className="mt-4">
      <h3 className="mb-1 text-[12px] font-semibold tracking-wide uppercase">Access matrix</h3>
      <p className="mb-2 text-[12px] text-muted">
        {report.ok
          ? `Every principal tried every operation on sample rows, as the database's own roles: ${report.checks} statements, all as the design says.`
          : `${report.mismatches.length} cell${report.mismatches.length === 1 ? "" : "s"} differ from the design (${report.checks} statements).`}
      </p>
      {report.warnings.length > 0 && (
        <ul className="mb-2 space-y-1 text-[12px]" aria-label="Warnings">
          {report.warnings.map((warning, i) => (
            <li key={i} className="rounded-md border border-line bg-panel px-3 py-1.5">
              <span className="font-medium">Warning:</span> {warning}
            </li>
          ))}
        </ul>
      )}
      <div className="space-y-3">
        {report.tables.map((table) => (
          <TableMatrix key={table} report={report} table={table} />
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

function TableMatrix({ report, table }: { report: Report; table: string }) {
  const cells = report.cells.filter((c) => c.table === table);
  return (
    <table className="w-full table-fixed border-collapse overflow-hidden rounded-md border border-line text-[12px]">
      <caption className="pb-1 text-left font-mono text-[12px] font-medium">{table}</caption>
      <colgroup>
        <col className="w-[25%]" />
        {OPERATIONS.map((op) => (
          <col key={op} className={op === "update" ? "w-[30%]" : "w-[15%]"} />
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
      <tbody>
        {report.principals.map((principal) => (
          <tr key={principal} className="border-b border-line last:border-0">
            <th scope="row" className="px-2 py-0.5 text-left font-normal">
              {principal}
            </th>
            {OPERATIONS.map((op) => {
              const cell = cells.find((c) => c.principal === principal && c.operation === op);
              if (!cell) return <td key={op} className="border-l border-line px-2 py-0.5 text-faint" />;
              return cell.ok ? (
                <td key={op} className="border-l border-line px-2 py-0.5" title={`as the design says: ${cell.expected}`}>
                  <span className="font-semibold text-ok" aria-hidden="true">✓</span>
                  <span className="sr-only">as designed:</span> <span className="text-muted">{cell.actual}</span>
                </td>
              ) : (
                <td key={op} className="border-l border-line bg-danger-soft px-2 py-0.5">
                  <span className="font-semibold text-danger" aria-hidden="true">✗</span>
                  <span className="sr-only">differs:</span> <span>{cell.actual}</span>
                  <span className="block text-[11px] text-danger">expected {cell.expected}</span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
