import type { VerifyReport } from "./run";

/** The access matrix as plain text: one line per table x principal x operation, mismatches marked. */
export function formatReport(report: VerifyReport, options: { all?: boolean } = {}): string {
  const lines: string[] = [];
  const width = (values: string[]) => Math.max(...values.map((v) => v.length), 0);
  const tableWidth = width(report.cells.map((c) => c.table));
  const principalWidth = width(report.cells.map((c) => c.principal));
  lines.push(`${"table".padEnd(tableWidth)}  ${"principal".padEnd(principalWidth)}  operation  expected -> actual`);
  // Passing cells are summarised unless asked for; mismatches always show.
  for (const cell of report.cells) {
    if (!cell.ok || options.all) {
      const mark = cell.ok ? "  ok" : "FAIL";
      lines.push(`${cell.table.padEnd(tableWidth)}  ${cell.principal.padEnd(principalWidth)}  ${cell.operation.padEnd(9)}  ${cell.expected} -> ${cell.actual}  ${mark}`);
    }
  }
  if (!options.all) lines.push(`(${report.cells.filter((c) => c.ok).length} matching cells not shown; --all shows them)`);
  for (const m of report.mismatches) {
    lines.push("");
    lines.push(`MISMATCH ${m.table} / ${m.principal} / ${m.operation}: expected ${m.expected}, got ${m.actual}`);
    lines.push(`  as role ${m.role} with claims ${JSON.stringify(m.claims)}`);
    lines.push(`  ${m.sql}${m.params.length ? `  -- params ${JSON.stringify(m.params)}` : ""}`);
  }
  lines.push("");
  lines.push(
    report.ok
      ? `verified: ${report.cells.length} cells, ${report.checks} statements, ${report.tables.length} tables x ${report.principals.length} principals, 0 mismatches`
      : `${report.mismatches.length} mismatch${report.mismatches.length === 1 ? "" : "es"} in ${report.cells.length} cells (${report.checks} statements)`,
  );
  return lines.join("\n");
}
