import type { Operation } from "../design";
import type { Cell, VerifyReport } from "../verify/run";

/**
 * Issue 10, "verify what you imported": a report of the database's own policies against a
 * design's meaning (verifyCurrentPolicies), read two ways. Per cell, what the policies let the
 * principal do today, in words; and, where that differs from the design, what applying the
 * design changes: the behavioural diff between the database as it is and the design. Pure, and
 * safe for the browser (types only from lib/verify).
 */

/** What a cell's outcome says, in words: `all 48 rows`, `3 of 29 new rows`, `no privilege`. */
export interface Outcome {
  readonly text: string;
  /** How much was allowed, when the outcome counts it (rows seen, deleted or changed; new rows inserted). */
  readonly allowed?: number;
  readonly of?: number;
  /** Update only: how many of the tried updates were refused (or failed). */
  readonly refused?: number;
}

const ROWS = /^(\d+)\/(\d+) rows(?: \((.*)\))?$/;
const INSERTS = /^(\d+)\/(\d+) allowed$/;
const UPDATES = /^(\d+) updates: (\d+) rows changed(.*)$/;

/** One outcome as verify writes it (expected or actual), in words. */
export function outcomeOf(operation: Operation, text: string): Outcome {
  if (/^(no privilege|error 42501)/.test(text)) return { text: "no privilege", allowed: 0, ...(operation === "update" ? { refused: 1 } : {}) };
  if (/^error /.test(text)) return { text: text.replace(/^error (\w+): .*$/s, "error $1"), allowed: 0 };
  if (operation === "insert") {
    const m = INSERTS.exec(text);
    if (m) return { text: `${m[1]} of ${m[2]} new rows`, allowed: Number(m[1]), of: Number(m[2]) };
  } else if (operation === "update") {
    const m = UPDATES.exec(text);
    if (m) {
      // The rest, as summariseUpdates writes it: ", 1 refused", ", 2 without privilege", then the first other outcome ("3 rows updated", "error 23505: ...").
      const rest = m[3]!;
      const count = (pattern: RegExp) => Number(pattern.exec(rest)?.[1] ?? 0);
      const allowed = Number(m[2]) + count(/(\d+) rows updated/);
      const refused = count(/(\d+) refused/) + count(/(\d+) without privilege/) + (/, error /.test(rest) ? 1 : 0);
      // In a cell: how many rows the updates changed, and how many updates were refused (for want of a privilege too), or the first other error.
      const error = /, error (\w+): /.exec(rest)?.[1];
      return { text: `${allowed} rows changed${refused > (error ? 1 : 0) ? `, ${refused - (error ? 1 : 0)} refused` : ""}${error ? `, error ${error}` : ""}`, allowed, refused };
    }
  } else {
    const m = ROWS.exec(text);
    if (m) {
      const [n, of] = [Number(m[1]), Number(m[2])];
      return { text: of === 0 ? "no sample rows" : n === of ? `all ${of} rows` : n === 0 ? `none of ${of} rows` : `${n} of ${of} rows`, allowed: n, of };
    }
  }
  return { text };
}

/** What the policies let the principal do today (verify's `actual`), and what the design lets them (its `expected`). */
export function todayOf(cell: Pick<Cell, "operation" | "actual">): Outcome {
  return outcomeOf(cell.operation, cell.actual);
}

export function withDesignOf(cell: Pick<Cell, "operation" | "expected">): Outcome {
  return outcomeOf(cell.operation, cell.expected);
}

/** One table x principal x operation that applying the design changes. */
export interface CurrentChange {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  /** `narrows`: the design allows less than the policies do today; `widens`: more; `changes`: some of each, or a different outcome. */
  readonly direction: "narrows" | "widens" | "changes";
  readonly today: string;
  readonly withDesign: string;
  /** In words: "member of org A may insert into notes less than today (today: 29 of 29 new rows; with the design: 3 of 29 new rows)". */
  readonly text: string;
}

const VERBS: Record<Operation, string> = { select: "read", insert: "insert into", update: "update", delete: "delete from" };

function directionOf(cell: Cell, today: Outcome, design: Outcome): CurrentChange["direction"] {
  if (cell.operation === "select" || cell.operation === "delete") {
    const detail = ROWS.exec(cell.actual)?.[3] ?? "";
    const extra = /unexpected/.test(detail);
    const missing = /missing/.test(detail);
    if (extra && !missing) return "narrows";
    if (missing && !extra) return "widens";
    if (!extra && !missing && today.allowed === 0 && (design.allowed ?? 0) > 0) return "widens";
    return "changes";
  }
  const [a, e] = [today.allowed ?? 0, design.allowed ?? 0];
  if (a > e) return "narrows";
  if (a < e) return "widens";
  if (cell.operation === "update") {
    const [ra, re] = [today.refused ?? 0, design.refused ?? 0];
    if (ra < re) return "narrows";
    if (ra > re) return "widens";
  }
  return "changes";
}

/**
 * What applying the design changes, from a report of the database's own policies: one line per
 * cell that differs, in the report's order (table, principal, operation), then any difference
 * verify found outside the cells (a table the design forces that is not forced).
 */
export function changesFromCurrent(report: Pick<VerifyReport, "cells" | "mismatches">): CurrentChange[] {
  const changes: CurrentChange[] = [];
  for (const cell of report.cells) {
    if (cell.ok) continue;
    const today = todayOf(cell);
    const design = withDesignOf(cell);
    const direction = directionOf(cell, today, design);
    const what = `(today: ${today.text}; with the design: ${design.text})`;
    const verb = VERBS[cell.operation];
    const text =
      direction === "narrows"
        ? `${cell.principal} may ${verb} ${cell.table} less than today ${what}`
        : direction === "widens"
          ? `${cell.principal} may ${verb} ${cell.table} more than today ${what}`
          : `${cell.principal}: ${cell.operation} on ${cell.table} changes ${what}`;
    changes.push({ table: cell.table, principal: cell.principal, operation: cell.operation, direction, today: today.text, withDesign: design.text, text });
  }
  const inCells = new Set(report.cells.filter((c) => !c.ok).map((c) => `${c.table}\u0000${c.principal}\u0000${c.operation}`));
  for (const m of report.mismatches) {
    if (inCells.has(`${m.table}\u0000${m.principal}\u0000${m.operation}`)) continue;
    changes.push({ table: m.table, principal: m.principal, operation: m.operation, direction: "changes", today: m.actual, withDesign: m.expected, text: `${m.table}: ${m.actual} today; with the design: ${m.expected}` });
  }
  return changes;
}
