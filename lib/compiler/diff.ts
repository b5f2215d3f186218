import { dollarQuote, implicitPrimaryKeyName, quoteIdent, sqlLiteral } from "../design";
import type { ColumnState, ConstraintState, DatabaseState, TableState } from "./state";

/** The statements that take a database from one version's state to the next, and each change in words. */
export interface StateMigration {
  readonly statements: readonly string[];
  readonly changes: readonly string[];
}

const table = (name: string) => `public.${quoteIdent(name)}`;
const keyOf = (c: ConstraintState) => JSON.stringify([c.table, c.name]);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function byKey<T>(list: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(list.map((item) => [key(item), item]));
}

/**
 * Old objects that go (removed, or changed, or on a table whose columns they depend on changed
 * shape) and new objects that come (new, or changed, or rebuilt). Objects of a dropped table go
 * with it.
 */
function objectChanges(
  before: readonly ConstraintState[],
  after: readonly ConstraintState[],
  droppedTables: Set<string>,
  rebuilt: (c: ConstraintState) => boolean,
) {
  const old = byKey(before, keyOf);
  const next = byKey(after, keyOf);
  const drop = before.filter((c) => !droppedTables.has(c.table) && (next.get(keyOf(c))?.sql !== c.sql || rebuilt(c)));
  const create = after.filter((c) => old.get(keyOf(c))?.sql !== c.sql || rebuilt(c));
  return { drop, create };
}

/**
 * Spec §5: a migration from one recorded state to another. Drops go first (policies, indexes and
 * keys before the columns and tables they depend on), then tables and columns, then helpers, keys,
 * policies and indexes are created. Everything is in one migration, so `apply` and drizzle-kit run
 * it in one transaction.
 */
export function migrationBetween(before: DatabaseState, after: DatabaseState): StateMigration {
  const statements: string[] = [];
  const changes: string[] = [];
  // Tables are matched by their stable id, so a renamed table keeps its rows; what names it is rebuilt.
  const newByKey = byKey(after.tables, keyOfTable);
  const oldByKey = byKey(before.tables, keyOfTable);
  const oldTables = new Map(after.tables.flatMap((t) => (oldByKey.has(keyOfTable(t)) ? [[t.name, oldByKey.get(keyOfTable(t))!] as const] : [])));
  const dropped = new Set(before.tables.filter((t) => !newByKey.has(keyOfTable(t))).map((t) => t.name));

  // Columns that change type, and tables whose primary key changes: whatever names them is rebuilt.
  const retyped = new Map<string, string[]>();
  const rekeyed = new Set<string>();
  for (const t of after.tables) {
    const old = oldTables.get(t.name);
    if (!old) continue;
    if (!samePrimaryKey(old, t)) rekeyed.add(t.name);
    const columns = t.columns.filter((c) => {
      const was = old.columns.find((o) => keyOfColumn(o) === keyOfColumn(c));
      return was !== undefined && was.type !== c.type;
    });
    if (columns.length) retyped.set(t.name, columns.map((c) => quoteIdent(c.name)));
  }
  const namesRetyped = (c: ConstraintState) => (retyped.get(c.table) ?? []).some((column) => c.sql.includes(column));
  const onReshaped = (c: ConstraintState) => rekeyed.has(c.table) || namesRetyped(c);
  const referencesReshaped = (c: ConstraintState) =>
    onReshaped(c) ||
    [...rekeyed, ...retyped.keys()].some((name) => {
      const at = c.sql.indexOf(`REFERENCES ${table(name)} `);
      return at >= 0 && (rekeyed.has(name) || (retyped.get(name) ?? []).some((column) => c.sql.slice(at).includes(column)));
    });

  if (!same(before.setup, after.setup)) {
    statements.push(...after.setup);
    changes.push("setup (roles, schemas, auth functions) updated");
  }

  // Spec §5: a table adopted in this version exists with its own keys; only what the design adds comes.
  const adopted = new Set(after.tables.filter((t) => t.existing && !oldTables.has(t.name)).map((t) => t.name));
  const policies = objectChanges(before.policies, after.policies, dropped, namesRetyped);
  const indexes = objectChanges(before.indexes, after.indexes, dropped, () => false);
  const foreignKeys = objectChanges(before.foreignKeys, after.foreignKeys, dropped, referencesReshaped);
  const uniqueKeys = objectChanges(before.uniqueKeys, after.uniqueKeys, dropped, onReshaped);
  foreignKeys.create = foreignKeys.create.filter((k) => !adopted.has(k.table));
  uniqueKeys.create = uniqueKeys.create.filter((k) => !adopted.has(k.table));
  // A unique key that is rebuilt takes the foreign keys that use it along.
  const rebuiltKeys = new Set(uniqueKeys.drop.map((k) => k.table));
  for (const fk of after.foreignKeys) {
    if (rebuiltKeys.has(fk.table) || [...rebuiltKeys].some((name) => fk.sql.includes(`REFERENCES ${table(name)} `))) {
      if (!foreignKeys.create.some((c) => keyOf(c) === keyOf(fk))) foreignKeys.create.push(fk);
      const old = before.foreignKeys.find((c) => keyOf(c) === keyOf(fk));
      if (old && !foreignKeys.drop.some((c) => keyOf(c) === keyOf(old))) foreignKeys.drop.push(old);
    }
  }

  for (const p of policies.drop) statements.push(`DROP POLICY IF EXISTS ${quoteIdent(p.name)} ON ${table(p.table)};`);
  for (const i of indexes.drop) statements.push(`DROP INDEX IF EXISTS public.${quoteIdent(i.name)};`);
  const dropConstraint = (k: ConstraintState) => `ALTER TABLE ${table(k.table)} DROP CONSTRAINT IF EXISTS ${quoteIdent(k.name)};`;
  statements.push(...foreignKeys.drop.map(dropConstraint));
  // A dropped table takes its own foreign keys along, which may use a unique key dropped next.
  for (const name of dropped) {
    statements.push(`DROP TABLE ${table(name)};`);
    changes.push(`table ${name} dropped`);
  }
  statements.push(...uniqueKeys.drop.map(dropConstraint));

  // Renamed tables before new ones, which may take a name a renamed table gave up; several through temporary names.
  const tableRenames = after.tables.flatMap((t) => {
    const old = oldTables.get(t.name);
    return old && old.name !== t.name ? [{ from: old.name, to: t.name, via: old.name }] : [];
  });
  if (tableRenames.length > 1) {
    tableRenames.forEach((r, i) => {
      r.via = `rlsd_rename_${i}`;
      statements.push(`ALTER TABLE ${table(r.from)} RENAME TO ${quoteIdent(r.via)};`);
    });
  }
  for (const r of tableRenames) {
    statements.push(`ALTER TABLE ${table(r.via)} RENAME TO ${quoteIdent(r.to)};`, renamePrimaryKey(r.to));
    changes.push(`table ${r.from} renamed to ${r.to}`);
  }

  for (const t of after.tables) {
    const old = oldTables.get(t.name);
    if (!old) {
      if (!adopted.has(t.name)) statements.push(t.create);
      statements.push(`ALTER TABLE ${table(t.name)} ENABLE ROW LEVEL SECURITY;`);
      if (t.forced) statements.push(`ALTER TABLE ${table(t.name)} FORCE ROW LEVEL SECURITY;`);
      statements.push(...t.grants.map((g) => grantStatement(t.name, g)));
      changes.push(adopted.has(t.name) ? `table ${t.name} adopted (it exists: row-level security enabled, nothing created)` : `table ${t.name} added`);
      continue;
    }
    tableChanges(old, t, statements, changes);
  }

  const oldHelpers = byKey(before.helpers, (h) => h.signature);
  const newHelpers = byKey(after.helpers, (h) => h.signature);
  for (const h of after.helpers) {
    if (same(oldHelpers.get(h.signature)?.statements, h.statements)) continue;
    statements.push(...h.statements);
    changes.push(`helper ${h.signature} ${oldHelpers.has(h.signature) ? "updated" : "added"}`);
  }

  statements.push(...uniqueKeys.create.map((k) => k.sql), ...foreignKeys.create.map((k) => k.sql));
  for (const p of policies.create) {
    statements.push(`DROP POLICY IF EXISTS ${quoteIdent(p.name)} ON ${table(p.table)};`, p.sql);
  }
  statements.push(...indexes.create.map((i) => i.sql));
  describeObjects("policy", "policies", policies, changes);
  describeObjects("index", "indexes", indexes, changes);
  describeObjects("foreign key", "foreign keys", foreignKeys, changes);
  describeObjects("unique key", "unique keys", uniqueKeys, changes);

  // Last: a helper no policy calls any more.
  for (const h of before.helpers) {
    if (newHelpers.has(h.signature)) continue;
    statements.push(...(h.drop ?? [`DROP FUNCTION IF EXISTS ${h.signature};`]));
    changes.push(`helper ${h.signature} dropped`);
  }
  return { statements, changes };
}

/** PostgreSQL keeps a renamed table's primary key name: give it the name a new table of that name gets. */
function renamePrimaryKey(name: string): string {
  const ref = table(name);
  const body = `DECLARE
  key pg_catalog.name;
BEGIN
  SELECT conname INTO key FROM pg_catalog.pg_constraint WHERE conrelid = ${sqlLiteral(ref)}::pg_catalog.regclass AND contype = 'p';
  IF key IS NOT NULL AND key <> ${sqlLiteral(implicitPrimaryKeyName(name))} THEN
    EXECUTE pg_catalog.format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', ${sqlLiteral(ref)}, key, ${sqlLiteral(implicitPrimaryKeyName(name))});
  END IF;
END`;
  return `DO ${dollarQuote(body)};`;
}

/** Records written before stable ids existed match by name. */
const keyOfTable = (t: TableState) => t.key ?? t.name;
const keyOfColumn = (c: ColumnState) => c.key ?? c.name;

function samePrimaryKey(old: TableState, t: TableState): boolean {
  const keys = (state: TableState) => state.primaryKey.map((name) => keyOfColumn(state.columns.find((c) => c.name === name) ?? { name } as ColumnState));
  return same(keys(old), keys(t));
}

function grantStatement(name: string, grant: TableState["grants"][number]): string {
  return `GRANT ${grant.privileges.join(", ")} ON TABLE ${table(name)} TO ${quoteIdent(grant.role)};`;
}

function describeObjects(one: string, many: string, diff: { drop: ConstraintState[]; create: ConstraintState[] }, changes: string[]) {
  const created = new Set(diff.create.map(keyOf));
  const dropped = new Set(diff.drop.map(keyOf));
  const added = diff.create.filter((c) => !dropped.has(keyOf(c))).map((c) => c.name);
  const changed = diff.create.filter((c) => dropped.has(keyOf(c))).map((c) => c.name);
  const removed = diff.drop.filter((c) => !created.has(keyOf(c))).map((c) => c.name);
  const phrase = (names: string[], verb: string) => `${names.length === 1 ? one : many} ${names.join(", ")} ${verb}`;
  if (added.length) changes.push(phrase(added, "added"));
  if (changed.length) changes.push(phrase(changed, "changed"));
  if (removed.length) changes.push(phrase(removed, "dropped"));
}

function tableChanges(old: TableState, t: TableState, statements: string[], changes: string[]): void {
  const ref = table(t.name);
  const oldColumns = byKey(old.columns, keyOfColumn);
  const newColumns = byKey(t.columns, keyOfColumn);
  for (const c of old.columns) {
    if (newColumns.has(keyOfColumn(c))) continue;
    statements.push(`ALTER TABLE ${ref} DROP COLUMN ${quoteIdent(c.name)};`);
    changes.push(`column ${t.name}.${c.name} dropped`);
  }
  // Renames first. With several, each goes through a temporary name, so names may swap or shift.
  const renames = t.columns.flatMap((c) => {
    const was = oldColumns.get(keyOfColumn(c));
    return was && was.name !== c.name ? [{ from: was.name, to: c.name, via: was.name }] : [];
  });
  if (renames.length > 1) {
    renames.forEach((r, i) => {
      r.via = `rlsd_rename_${i}`;
      statements.push(`ALTER TABLE ${ref} RENAME COLUMN ${quoteIdent(r.from)} TO ${quoteIdent(r.via)};`);
    });
  }
  for (const r of renames) {
    statements.push(`ALTER TABLE ${ref} RENAME COLUMN ${quoteIdent(r.via)} TO ${quoteIdent(r.to)};`);
    changes.push(`column ${t.name}.${r.from} renamed to ${r.to}`);
  }
  for (const c of t.columns) {
    const was = oldColumns.get(keyOfColumn(c));
    if (!was) {
      statements.push(`ALTER TABLE ${ref} ADD COLUMN ${c.definition};`);
      changes.push(`column ${t.name}.${c.name} added`);
      continue;
    }
    columnChanges(ref, t.name, was, c, statements, changes);
  }
  if (!samePrimaryKey(old, t)) {
    // The primary key's name is PostgreSQL's choice (shortened for long table names): find it.
    const body = `DECLARE
  key pg_catalog.name;
BEGIN
  SELECT conname INTO key FROM pg_catalog.pg_constraint WHERE conrelid = ${sqlLiteral(ref)}::pg_catalog.regclass AND contype = 'p';
  IF key IS NOT NULL THEN
    EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', ${sqlLiteral(ref)}, key);
  END IF;
END`;
    statements.push(
      `DO ${dollarQuote(body)};`,
      `ALTER TABLE ${ref} ADD PRIMARY KEY (${t.primaryKey.map(quoteIdent).join(", ")});`,
    );
    changes.push(`primary key of ${t.name} is now (${t.primaryKey.join(", ")})`);
  }
  if (old.forced !== t.forced) {
    statements.push(`ALTER TABLE ${ref} ${t.forced ? "FORCE" : "NO FORCE"} ROW LEVEL SECURITY;`);
    changes.push(`row-level security ${t.forced ? "forced" : "no longer forced"} on ${t.name}`);
  }
  if (!same(old.grants, t.grants)) {
    const roles = [...new Set([...old.grants, ...t.grants].map((g) => g.role))];
    statements.push(`REVOKE ALL ON TABLE ${ref} FROM ${roles.map(quoteIdent).join(", ")};`, ...t.grants.map((g) => grantStatement(t.name, g)));
    changes.push(`privileges on ${t.name} changed`);
  }
}

function columnChanges(ref: string, tableName: string, was: ColumnState, c: ColumnState, statements: string[], changes: string[]): void {
  const column = quoteIdent(c.name);
  const retyped = was.type !== c.type;
  if (retyped) {
    // A default of the old type may not cast to the new one: take it off first, put the new one on after.
    if (was.default !== null) statements.push(`ALTER TABLE ${ref} ALTER COLUMN ${column} DROP DEFAULT;`);
    statements.push(`ALTER TABLE ${ref} ALTER COLUMN ${column} TYPE ${c.type} USING ${column}::${c.type};`);
    changes.push(`column ${tableName}.${c.name}: type ${was.type} -> ${c.type}`);
  }
  if (retyped ? c.default !== null : was.default !== c.default) {
    statements.push(c.default === null ? `ALTER TABLE ${ref} ALTER COLUMN ${column} DROP DEFAULT;` : `ALTER TABLE ${ref} ALTER COLUMN ${column} SET DEFAULT ${c.default};`);
    if (!retyped || was.default !== c.default) changes.push(`column ${tableName}.${c.name}: default ${c.default ?? "dropped"}`);
  }
  if (was.notNull !== c.notNull) {
    statements.push(`ALTER TABLE ${ref} ALTER COLUMN ${column} ${c.notNull ? "SET" : "DROP"} NOT NULL;`);
    changes.push(`column ${tableName}.${c.name}: ${c.notNull ? "now NOT NULL" : "may be NULL"}`);
  }
}
