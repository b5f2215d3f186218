import type { AccessRule, Column, Condition, Design, Table } from "@/lib/design";
import { freshName, move, removeAt, renameFollows, replaceAt, stableKeys } from "./names";
import { updateTable } from "./tables";

/** Immutable edits of one table's columns. A rename carries the column's name into every place that names it. */

export type ColumnPatch = {
  readonly type?: string;
  readonly primaryKey?: boolean;
  readonly notNull?: boolean;
  /** An empty string removes the default. */
  readonly default?: string;
  /** null removes the reference. */
  readonly references?: Column["references"] | null;
};

export function addColumn(design: Design, tableIndex: number): { design: Design; index: number } {
  let index = 0;
  const next = updateTable(design, tableIndex, (table) => {
    index = table.columns.length;
    const name = freshName("column", stableKeys(table.columns));
    return { ...table, columns: [...table.columns, { name, type: "text" }] };
  });
  return { design: next, index };
}

/** Optional fields are left out rather than stored as false or empty, so exported files stay minimal. */
export function patchColumn(design: Design, tableIndex: number, columnIndex: number, patch: ColumnPatch): Design {
  return updateTable(design, tableIndex, (table) => {
    const column = table.columns[columnIndex];
    if (!column) return table;
    const next: Column = { ...column };
    if (patch.type !== undefined) next.type = patch.type;
    if (patch.primaryKey !== undefined) setFlag(next, "primaryKey", patch.primaryKey);
    if (patch.notNull !== undefined) setFlag(next, "notNull", patch.notNull);
    if (patch.default !== undefined) {
      if (patch.default === "") delete next.default;
      else next.default = patch.default;
    }
    if (patch.references !== undefined) {
      if (patch.references === null) delete next.references;
      else next.references = patch.references;
    }
    return { ...table, columns: replaceAt(table.columns, columnIndex, next) };
  });
}

function setFlag(column: Column, key: "primaryKey" | "notNull", value: boolean) {
  if (value) column[key] = true;
  else delete column[key];
}

export function renameColumn(design: Design, tableIndex: number, columnIndex: number, name: string): Design {
  const table = design.tables[tableIndex];
  const column = table?.columns[columnIndex];
  if (!table || !column || column.name === name) return design;
  const follows = renameFollows(table.columns.map((c) => c.name), columnIndex, name);
  const old = column.name;
  let next = updateTable(design, tableIndex, (t) => {
    // As with tables: the name before the first rename becomes the column's id.
    const renamed: Table = { ...t, columns: replaceAt(t.columns, columnIndex, { ...column, id: column.id ?? column.name, name }) };
    return follows ? renameWithinTable(renamed, old, name) : renamed;
  });
  if (follows) {
    next = {
      ...next,
      tables: next.tables.map((t) => {
        if (!t.columns.some((c) => c.references?.table === table.name && c.references.column === old)) return t;
        return {
          ...t,
          columns: t.columns.map((c) =>
            c.references?.table === table.name && c.references.column === old ? { ...c, references: { ...c.references, column: name } } : c,
          ),
        };
      }),
    };
    next = renameInTenancy(next, table.name, old, name);
  }
  return next;
}

function renameWithinTable(table: Table, old: string, name: string): Table {
  const renameList = (list: Condition[] | undefined) =>
    list?.some((c) => c.column === old) ? list.map((c) => (c.column === old ? { ...c, column: name } : c)) : list;
  const firewall = table.firewall && {
    ...table.firewall,
    ...(table.firewall.organization?.column === old ? { organization: { column: name } } : {}),
    ...(table.firewall.owner?.column === old ? { owner: { ...table.firewall.owner, column: name } } : {}),
  };
  const access = table.access && Object.fromEntries(
    Object.entries(table.access).map(([op, given]) => {
      const rename = (rule: AccessRule) => ({
        ...rule,
        ...optional("where", renameList(rule.where)),
        ...optional("check", renameList(rule.check)),
        ...(rule.columns ? { columns: rule.columns.map((c) => (c === old ? name : c)) } : {}),
      });
      return [op, given && (Array.isArray(given) ? given.map(rename) : rename(given))];
    }),
  );
  const anonymous = table.anonymous && {
    ...(table.anonymous.select ? { select: { ...optional("where", renameList(table.anonymous.select.where)) } } : {}),
    ...(table.anonymous.insert ? { insert: { ...optional("check", renameList(table.anonymous.insert.check)) } } : {}),
  };
  return { ...table, ...optional("firewall", firewall), ...optional("access", access), ...optional("anonymous", anonymous) };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function renameInTenancy(design: Design, tableName: string, old: string, name: string): Design {
  const tenancy = design.auth.tenancy;
  if (tenancy?.source !== "tables") return design;
  const rename = <T extends Record<string, string>>(group: T | undefined, fields: readonly (keyof T)[]): T | undefined => {
    if (!group || group.table !== tableName) return group;
    const hits = fields.filter((f) => group[f] === old);
    return hits.length ? { ...group, ...Object.fromEntries(hits.map((f) => [f, name])) } : group;
  };
  const membership = rename(tenancy.membership, ["user", "org", "role"]);
  const activeOrg = rename(tenancy.activeOrg, ["user", "org"]);
  if (membership === tenancy.membership && activeOrg === tenancy.activeOrg) return design;
  return { ...design, auth: { ...design.auth, tenancy: { ...tenancy, membership, activeOrg } } };
}

export function removeColumn(design: Design, tableIndex: number, columnIndex: number): Design {
  return updateTable(design, tableIndex, (table) =>
    table.columns[columnIndex] ? { ...table, columns: removeAt(table.columns, columnIndex) } : table,
  );
}

export function moveColumn(design: Design, tableIndex: number, from: number, to: number): Design {
  return updateTable(design, tableIndex, (table) => {
    const columns = move(table.columns, from, to);
    return columns === table.columns ? table : { ...table, columns: columns as Column[] };
  });
}
