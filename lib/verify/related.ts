import { columnOf, type Model, type ModelTable } from "../design";
import type { Row, Value } from "./oracle";
import { strangerFor, type Principal } from "./principals";
import { nthValue } from "./samples";

/** How many of another table's keys a reference samples: enough for each principal's own rows and a stranger's. */
const KEYS_PER_REFERENCE = 24;

/** The tables a table's samples take values from (spec §4): its parent, and the tables it is a sharing table for. */
function dependencies(model: Model, t: ModelTable): string[] {
  const deps: string[] = [];
  if (t.firewall.kind === "parent") deps.push(t.firewall.table);
  for (const other of model.tables) {
    if (Object.values(other.access).flat().some((rule) => rule?.sharedVia?.table === t.name)) deps.push(other.name);
  }
  return deps.filter((d) => d !== t.name);
}

/** `tables` with every table after the tables it takes values from (the design's order otherwise, and where they loop). */
export function samplingOrder(model: Model, tables: readonly ModelTable[]): ModelTable[] {
  const names = new Set(tables.map((t) => t.name));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: ModelTable[] = [];
  const visit = (t: ModelTable) => {
    if (done.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const d of dependencies(model, t)) {
      const dep = tables.find((x) => x.name === d);
      if (dep && names.has(d)) visit(dep);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/**
 * Per column of `t`, the values other tables' samples decide: a parent reference takes the parent's
 * sample keys (rows that pass and fail its firewall) and a key no parent row has; a sharing
 * table's row column takes the shared table's keys, its user column every principal's id and a
 * stranger's.
 */
export function relatedValues(model: Model, t: ModelTable, principals: readonly Principal[], tableRows: ReadonlyMap<string, ReadonlyMap<string, Row>>): Map<string, Value[]> {
  const related = new Map<string, Value[]>();
  const add = (column: string, values: readonly Value[]) => related.set(column, [...(related.get(column) ?? []), ...values]);
  const keysOf = (table: string, column: string) => [...(tableRows.get(table)?.values() ?? [])].map((r) => r[column] ?? null).filter((v) => v !== null).slice(0, KEYS_PER_REFERENCE);
  if (t.firewall.kind === "parent") {
    add(t.firewall.column, [...keysOf(t.firewall.table, t.firewall.parentColumn), nthValue(columnOf(t, t.firewall.column).type, 99999)]);
  }
  for (const other of model.tables) {
    for (const rule of Object.values(other.access).flat()) {
      const via = rule?.sharedVia;
      if (!via || via.table !== t.name) continue;
      add(via.row, keysOf(other.name, other.primaryKey[0]));
      add(via.user, [...principals.map((p) => p.userId).filter((id): id is string => id !== null), strangerFor(model)]);
    }
  }
  return related;
}
