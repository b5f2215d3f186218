import { OPERATIONS } from "../design";
import type { VerifyReport } from "./run";

/**
 * The access matrix as text: per table, a row per principal and a column per operation, each
 * cell the actual outcome with ✓ when it matches the meaning, or ✗ and what was expected. Each
 * mismatch follows with the statement and claims that showed it.
 */
export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const table of report.tables) {
    const cells = report.cells.filter((c) => c.table === table);
    const principalWidth = Math.max(9, ...cells.map((c) => c.principal.length));
    const text = (principal: string, op: string) => {
      const cell = cells.find((c) => c.principal === principal && c.operation === op);
      if (!cell) return "";
      return cell.ok ? `${cell.actual} ✓` : `${cell.actual} ✗ expected ${cell.expected}`;
    };
    const widths = OPERATIONS.map((op) => Math.max(op.length, ...report.principals.map((p) => text(p, op).length)));
    lines.push(`table ${table}`);
    lines.push(`  ${"principal".padEnd(principalWidth)}  ${OPERATIONS.map((op, i) => op.padEnd(widths[i])).join("  ")}`.trimEnd());
    for (const principal of report.principals) {
      lines.push(`  ${principal.padEnd(principalWidth)}  ${OPERATIONS.map((op, i) => text(principal, op).padEnd(widths[i])).join("  ")}`.trimEnd());
    }
    lines.push("");
  }
  for (const m of report.mismatches) {
    lines.push(`MISMATCH ${m.table} / ${m.principal} / ${m.operation}: expected ${m.expected}, got ${m.actual}`);
    lines.push(`  as role ${m.role} with claims ${JSON.stringify(m.claims)}`);
    lines.push(`  ${m.sql}${m.params.length ? `  -- params ${JSON.stringify(m.params)}` : ""}`);
    if (m.rows) lines.push(`  on ${m.rows.length === 1 ? "the row" : "the rows"} ${m.rows.join(" ")} alone (the table's other rows deleted first, inside the savepoint)`);
    lines.push("");
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.warnings.length) lines.push("");
  lines.push(
    report.ok
      ? `verified: ${report.tables.length} tables x ${report.principals.length} principals x 4 operations, ${report.checks} statements, 0 mismatches`
      : `${report.mismatches.length} mismatch${report.mismatches.length === 1 ? "" : "es"} (${report.checks} statements)`,
  );
  return lines.join("\n");
}
