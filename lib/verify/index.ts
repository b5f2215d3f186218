import type { Model, ModelTable } from "../design";
import type { Bundle } from "../compiler";
import { applyWithin, inRolledBackTransaction, readLockTable, type Database, type LockTable } from "../db";
import { verifyModel, type Cell, type Mismatch, type VerifyProgress, type VerifyReport } from "./run";

export { verifyModel } from "./run";
export type { VerifyReport, Cell, Mismatch, VerifyProgress, VerifySession } from "./run";
export { formatReport } from "./report";
export { principalsFor, type Principal } from "./principals";
export { mayDo } from "./oracle";
export { privilegeWarnings, roleOfUrl } from "./privileges";
export { accessChanges, type AccessChange } from "./access-diff";
export { explainBundle, formatExplanation, parseExplainSpec, ExplainError, type ExplainReport } from "./explain";

/**
 * Locks one checked table holds until its group's transaction ends: the table, its TOAST table
 * and index, its indexes, the tables its foreign keys name. Measured: 12 for the saas template's
 * tables (251 for 20 tables, with what every transaction takes).
 */
export const VERIFY_LOCKS_PER_TABLE = 16;
/** What every group's transaction takes besides its tables: the ledger, the catalog, the membership tables. */
const GROUP_LOCKS = 64;
/** A group may use this share of the lock table, which other sessions share. */
const GROUP_SHARE_OF_LOCK_TABLE = 1 / 8;
/** Also bounds memory: one group's sample rows are held at a time. */
const MAX_TABLES_PER_GROUP = 50;

export interface VerifyOptions {
  /** Tables per transaction; by default what fits well inside the server's lock table. */
  readonly tablesPerGroup?: number;
  /** Called before each group's transaction, e.g. to show how the proof is split. */
  readonly onGroup?: (group: { readonly index: number; readonly total: number; readonly tables: readonly string[] }) => void;
  /** Every check in its own round trips instead of batches (verifyModel's option): for comparisons. */
  readonly statementByStatement?: boolean;
}

/** How many tables one transaction checks: well inside the lock table, never fewer than one. */
export function tablesPerGroup(lockTable: LockTable): number {
  const budget = Math.floor(lockTable.size * GROUP_SHARE_OF_LOCK_TABLE) - GROUP_LOCKS;
  return Math.max(1, Math.min(MAX_TABLES_PER_GROUP, Math.floor(budget / VERIFY_LOCKS_PER_TABLE)));
}

/**
 * The design's tables in groups of at most `size`, in the design's order, except that tables
 * joined by foreign keys are kept together when their cluster fits in a group: fewer keys then
 * cross from one group to another (verifyModel drops those too, which locks the other table).
 */
export function groupTables(model: Model, size: number): string[][] {
  const index = new Map(model.tables.map((t, i) => [t.name, i]));
  const unionFind = () => {
    const parent = model.tables.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
    return { root, join: (i: number, j: number) => void (parent[root(i)] = root(j)) };
  };
  // Linked: a foreign key. Bound: the meaning of one reads the other's rows (a parent firewall,
  // a sharing table; spec §4), so a group without the other would prove less.
  const linked = unionFind();
  const bound = unionFind();
  for (const [i, t] of model.tables.entries()) {
    for (const c of t.columns) {
      const j = c.references ? index.get(c.references.table) : undefined;
      if (j !== undefined) linked.join(i, j);
    }
    const parentTable = t.firewall.kind === "parent" ? index.get(t.firewall.table) : undefined;
    if (parentTable !== undefined) {
      linked.join(i, parentTable);
      bound.join(i, parentTable);
    }
    for (const rule of Object.values(t.access).flat()) {
      const j = rule?.sharedVia ? index.get(rule.sharedVia.table) : undefined;
      if (j !== undefined) {
        linked.join(i, j);
        bound.join(i, j);
      }
    }
  }
  const clustersOf = (tables: readonly ModelTable[], root: (i: number) => number) => {
    const clusters = new Map<number, string[]>();
    for (const t of tables) {
      const r = root(index.get(t.name)!);
      if (!clusters.has(r)) clusters.set(r, []);
      clusters.get(r)!.push(t.name);
    }
    return [...clusters.values()];
  };
  const groups: string[][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) groups.push(current);
    current = [];
  };
  const add = (names: string[]) => {
    if (current.length + names.length > size) flush();
    current.push(...names);
  };
  for (const cluster of clustersOf(model.tables, linked.root)) {
    if (cluster.length <= size) {
      add(cluster);
      continue;
    }
    // Larger than a group: split it between bound parts (verifyModel drops the keys between its
    // groups); a bound part larger than a group stays whole.
    flush();
    const tables = model.tables.filter((t) => cluster.includes(t.name));
    for (const part of clustersOf(tables, bound.root)) add(part);
    flush();
  }
  flush();
  return groups;
}

/**
 * Proves a design in a database. The tables are checked in groups, each in its own transaction
 * that applies whatever migrations of the bundle the database lacks, runs that group's checks,
 * then rolls everything back: the database is left exactly as it was, and no transaction holds
 * more locks than the server's lock table has room for (one transaction for 100 tables did not
 * fit PostgreSQL's defaults). The report is the same as one transaction would give, in the
 * design's table order.
 */
export async function verifyBundle(
  model: Model,
  bundle: Bundle,
  db: Database,
  onProgress?: (p: VerifyProgress) => void,
  appRoles: readonly string[] = [],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const size = options.tablesPerGroup ?? tablesPerGroup(await readLockTable(db));
  const groups = groupTables(model, size);
  if (groups.length === 0) groups.push([]);

  const cellsByTable = new Map<string, Cell[]>(model.tables.map((t) => [t.name, []]));
  const mismatchesByTable = new Map<string, Mismatch[]>(model.tables.map((t) => [t.name, []]));
  let first: VerifyReport | null = null;
  let checks = 0;
  let done = 0;
  const total = model.tables.length;

  for (const [index, tables] of groups.entries()) {
    options.onGroup?.({ index, total: groups.length, tables });
    const report = await inRolledBackTransaction(db, async (tx) => {
      await applyWithin(bundle, tx);
      return verifyModel(model, tx, (p) => onProgress?.({ table: p.table, index: done + p.index, total }), appRoles, { tables, statementByStatement: options.statementByStatement });
    });
    done += tables.length;
    first ??= report;
    checks += report.checks;
    for (const cell of report.cells) cellsByTable.get(cell.table)!.push(cell);
    for (const mismatch of report.mismatches) mismatchesByTable.get(mismatch.table)!.push(mismatch);
  }

  const mismatches = model.tables.flatMap((t) => mismatchesByTable.get(t.name)!);
  return {
    ok: mismatches.length === 0,
    principals: first!.principals,
    tables: model.tables.map((t) => t.name),
    cells: model.tables.flatMap((t) => cellsByTable.get(t.name)!),
    mismatches,
    checks,
    warnings: first!.warnings,
  };
}
