import type { AccessRule, Column, Design, Table } from "@/lib/design";
import { rulesOf } from "./access";
import { freshName, stableKeys } from "./names";

/**
 * "Share rows with users" (spec §4, sharedVia): one edit adds the sharing table, made from a
 * template, and the select rule that reads it, so a single undo takes both back.
 *
 * The sharing table `<table>_shares` holds (row key, user) pairs: the row key references the
 * shared table (deleting a row deletes its shares), both columns form the primary key, its
 * firewall goes through the shared row (a share belongs wherever its row belongs), and each user
 * may read the shares made to them. Who may add or remove shares is left for the user to choose.
 */

/** Why the table's rows cannot be shared, or null when they can. */
export function whyNotShareable(table: Pick<Table, "columns">): string | null {
  const key = table.columns.filter((c) => c.primaryKey);
  if (key.length === 0) return "sharing needs a primary key: a share names the row by its key";
  if (key.length > 1) return `sharing needs a single-column primary key (this one has ${key.length} columns: ${key.map((c) => c.name).join(", ")})`;
  return null;
}

/** The first select rule that admits shared rows, if any. */
export function sharingRuleOf(table: Pick<Table, "access">): AccessRule | undefined {
  return rulesOf(table, "select").find((rule) => rule.sharedVia !== undefined);
}

function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, "y");
  if (/(ss|us)$/.test(name)) return name;
  return name.replace(/s$/, "");
}

export function shareRows(design: Design, tableIndex: number): { design: Design; sharingIndex: number } | { reason: string } {
  const table = design.tables[tableIndex];
  if (!table) return { reason: "no such table" };
  const why = whyNotShareable(table);
  if (why) return { reason: why };
  const existing = sharingRuleOf(table);
  if (existing?.sharedVia) return { reason: `rows of "${table.name}" are shared already, through "${existing.sharedVia.table}"` };
  const key = table.columns.find((c) => c.primaryKey)!;
  const name = freshName(`${table.name}_shares`, stableKeys(design.tables));
  const row = `${singular(table.name)}_${key.name === "id" ? "id" : key.name}`;
  const user = row === "user_id" ? "shared_with_id" : "user_id";
  const columns: Column[] = [
    { name: row, type: key.type, primaryKey: true, references: { table: table.name, column: key.name, onDelete: "cascade" } },
    { name: user, type: "text", primaryKey: true },
  ];
  const sharing: Table = {
    name,
    columns,
    firewall: { parent: { column: row } },
    access: { select: { where: [{ column: user, op: "eq", value: "$user" }] } },
  };
  const rules = rulesOf(table, "select");
  const shared: Table = {
    ...table,
    access: { ...table.access, select: rules.length === 0 ? { sharedVia: { table: name, row, user } } : [...rules, { sharedVia: { table: name, row, user } }] },
  };
  const tables = design.tables.slice();
  tables[tableIndex] = shared;
  tables.splice(tableIndex + 1, 0, sharing);
  return { design: { ...design, tables }, sharingIndex: tableIndex + 1 };
}
