import type { Column, Design, Table } from "@/lib/design";
import { freshName, move, removeAt, renameFollows, replaceAt, stableKeys } from "./names";

/** Immutable edits of the design's table list. Each returns a new Design and leaves the input as it was. */

export function updateTable(design: Design, index: number, update: (table: Table) => Table): Design {
  const table = design.tables[index];
  if (!table) return design;
  const next = update(table);
  return next === table ? design : { ...design, tables: replaceAt(design.tables, index, next) };
}

const ID_COLUMN: Column = { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" };

/**
 * A new table starts valid: a uuid primary key and the firewall that fits the design's tenancy
 * (its organization when there is one, else its owner), with the column that firewall needs.
 * Access stays empty (nobody may do anything) until chosen on purpose.
 */
export function addTable(design: Design, name?: string): { design: Design; index: number } {
  const fresh = freshName(name ?? "new_table", stableKeys(design.tables));
  const columns: Column[] = [{ ...ID_COLUMN }];
  const firewall: Table["firewall"] = design.auth.tenancy
    ? { organization: { column: "organization_id" } }
    : { owner: { column: "user_id" } };
  columns.push(design.auth.tenancy ? { ...ORG_COLUMN, type: organizationType(design) } : { ...OWNER_COLUMN });
  const table: Table = { name: fresh, columns, firewall };
  return { design: { ...design, tables: [...design.tables, table] }, index: design.tables.length };
}

const ORG_COLUMN: Column = { name: "organization_id", type: "text", notNull: true };
const OWNER_COLUMN: Column = { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" };

/** The organization column's type the other tables use (uuid organizations stay uuid), else text. */
function organizationType(design: Design): Column["type"] {
  for (const t of design.tables) {
    const column = t.firewall?.organization?.column;
    const type = column ? t.columns.find((c) => c.name === column)?.type : undefined;
    if (type) return type;
  }
  return "text";
}

export function renameTable(design: Design, index: number, name: string): Design {
  const table = design.tables[index];
  if (!table || table.name === name) return design;
  const follows = renameFollows(design.tables.map((t) => t.name), index, name);
  const old = table.name;
  // The name before the first rename becomes the table's id, so the next version renames the table instead of replacing it.
  let tables = replaceAt(design.tables, index, { ...table, id: table.id ?? table.name, name });
  if (follows) {
    tables = tables.map((t) => {
      if (!t.columns.some((c) => c.references?.table === old)) return t;
      return { ...t, columns: t.columns.map((c) => (c.references?.table === old ? { ...c, references: { ...c.references, table: name } } : c)) };
    });
  }
  let auth = design.auth;
  const tenancy = auth.tenancy;
  if (follows && tenancy?.source === "tables") {
    const membership = tenancy.membership?.table === old ? { ...tenancy.membership, table: name } : tenancy.membership;
    const activeOrg = tenancy.activeOrg?.table === old ? { ...tenancy.activeOrg, table: name } : tenancy.activeOrg;
    if (membership !== tenancy.membership || activeOrg !== tenancy.activeOrg) {
      auth = { ...auth, tenancy: { ...tenancy, membership, activeOrg } };
    }
  }
  return { ...design, auth, tables };
}

export function duplicateTable(design: Design, index: number): { design: Design; index: number } {
  const table = design.tables[index];
  if (!table) return { design, index };
  const { id: _id, ...original } = structuredClone(table);
  void _id;
  const copy: Table = { ...original, name: freshName(`${table.name}_copy`, stableKeys(design.tables)) };
  const tables = design.tables.slice();
  tables.splice(index + 1, 0, copy);
  return { design: { ...design, tables }, index: index + 1 };
}

export function deleteTable(design: Design, index: number): Design {
  if (!design.tables[index]) return design;
  return { ...design, tables: removeAt(design.tables, index) };
}

export function moveTable(design: Design, from: number, to: number): Design {
  const tables = move(design.tables, from, to);
  return tables === design.tables ? design : { ...design, tables: tables as Table[] };
}
