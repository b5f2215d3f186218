import { MAX_IDENTIFIER_BYTES, quoteIdent, sqlLiteral, utf8Length, type ColumnType, type DefaultExpr, type Model, type ModelColumn, type ModelReference, type ModelTable } from "../design";
import type { TargetDialect } from "../targets";
import { commentText } from "../targets/file-text";
import { CODE_POINT_COLLATION } from "./expressions";
import { helperStatements } from "./helpers-sql";
import { derivedName } from "./names";
import type { IndexPlan, PolicyPlan, TablePlan, UniqueKeyPlan } from "./plan";
import { dialectKey, type CompileCache, type TableSql } from "./cache";

export const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

export interface Migration {
  readonly tag: string;
  readonly statements: readonly string[];
}

const table = (name: string) => `public.${quoteIdent(name)}`;

export function defaultSql(expr: DefaultExpr, type: ColumnType, dialect: TargetDialect): string {
  switch (expr.kind) {
    case "now":
      return "now()";
    case "randomUuid":
      return "gen_random_uuid()";
    case "currentUser":
      return dialect.userId(type);
    case "null":
      return "NULL";
    case "literal":
      return sqlLiteral(expr.value);
  }
}

/** A column's definition, as in CREATE TABLE and ALTER TABLE ... ADD COLUMN. */
export function columnSql(column: ModelColumn, dialect: TargetDialect): string {
  let sql = `${quoteIdent(column.name)} ${column.type}`;
  if (column.notNull) sql += " NOT NULL";
  if (column.default) sql += ` DEFAULT ${defaultSql(column.default, column.type, dialect)}`;
  return sql;
}

export function createTableSql(t: ModelTable, dialect: TargetDialect): string {
  const lines = t.columns.map((c) => `  ${columnSql(c, dialect)}`);
  lines.push(`  PRIMARY KEY (${t.primaryKey.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE ${table(t.name)} (\n${lines.join(",\n")}\n);`;
}

/**
 * The membership tables of `tables` tenancy are read by SECURITY DEFINER helpers running as the
 * tables' owner: forced, they would hide every membership from the helpers themselves.
 */
export function forcesRowLevelSecurity(model: Model, t: ModelTable): boolean {
  if (!model.forceRowLevelSecurity) return false;
  const tenancy = model.tenancy;
  return !(tenancy?.source === "tables" && (t.name === tenancy.membership.table || t.name === tenancy.activeOrg.table));
}

/** The privileges each database role gets on a table: all four to signed-in users, what the design allows to signed-out ones. */
export function tableGrants(plan: TablePlan, dialect: TargetDialect): { role: string; privileges: readonly string[] }[] {
  const grants = [{ role: dialect.signedInRole, privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"] }];
  if (plan.anonymousGrants.length > 0) grants.push({ role: dialect.anonymousRole, privileges: plan.anonymousGrants.map((op) => op.toUpperCase()) });
  return grants;
}

export function grantSql(tableName: string, grant: { role: string; privileges: readonly string[] }): string {
  return `GRANT ${grant.privileges.join(", ")} ON TABLE ${table(tableName)} TO ${quoteIdent(grant.role)};`;
}

export function uniqueKeySql(key: UniqueKeyPlan): string {
  return `ALTER TABLE ${table(key.table)} ADD CONSTRAINT ${quoteIdent(key.name)} UNIQUE (${key.columns.map(quoteIdent).join(", ")});`;
}

/** The statements of one table, for each migration: written once per plan (and dialect) with a cache. */
function tableSql(model: Model, plan: TablePlan, dialect: TargetDialect, cache: CompileCache | undefined): TableSql {
  const forced = forcesRowLevelSecurity(model, plan.table);
  if (!cache) return writeTableSql(plan, dialect, forced);
  const key = `${dialectKey(dialect, cache)}\u0000${forced}`;
  const hit = cache.sql.get(plan);
  if (hit && hit.key === key) return hit.pieces;
  const pieces = writeTableSql(plan, dialect, forced);
  cache.sql.set(plan, { key, pieces });
  return pieces;
}

function writeTableSql(plan: TablePlan, dialect: TargetDialect, forced: boolean): TableSql {
  const t = plan.table;
  const tableStatements: string[] = [];
  // Spec §5, adopting: an existing table keeps its columns and keys; it gets RLS and the grants.
  if (!t.existing) tableStatements.push(createTableSql(t, dialect));
  tableStatements.push(`ALTER TABLE ${table(t.name)} ENABLE ROW LEVEL SECURITY;`);
  if (forced) tableStatements.push(`ALTER TABLE ${table(t.name)} FORCE ROW LEVEL SECURITY;`);
  for (const grant of tableGrants(plan, dialect)) tableStatements.push(grantSql(t.name, grant));
  return {
    table: tableStatements,
    uniqueKeys: t.existing ? [] : plan.uniqueKeys.map(uniqueKeySql),
    foreignKeys: t.existing ? [] : t.columns.flatMap((c) => (c.references ? [foreignKeySql(t, c, c.references).sql] : [])),
    policies: plan.policies.flatMap((p) => [`DROP POLICY IF EXISTS ${quoteIdent(p.name)} ON ${table(p.table)};`, policySql(p, dialect)]),
    indexes: plan.indexes.map((i) => indexSql(i, t.existing === true)),
  };
}

function tableStatements(pieces: readonly TableSql[]): string[] {
  // Foreign keys last, so tables may refer to each other in any order; the unique keys they need first.
  return [...concat(pieces, "table"), ...concat(pieces, "uniqueKeys"), ...concat(pieces, "foreignKeys")];
}

/** One kind of statement of every table, in the tables' order. */
function concat(pieces: readonly TableSql[], kind: keyof TableSql): string[] {
  const statements: string[] = [];
  for (const piece of pieces) for (const statement of piece[kind]) statements.push(statement);
  return statements;
}

/**
 * A same-organization reference includes the organization columns on both sides, so the database
 * itself refuses a row that points into another organization (and a cascade follows only rows of
 * the parent's own organization). Its SET NULL names the reference column alone: the row keeps
 * its organization.
 */
/**
 * drizzle-kit's name for a foreign key, `<table>_<columns>_<parent>_<columns>_fk`; shortened with
 * a hash when longer than PostgreSQL's 63 bytes (schema.ts then names it explicitly).
 */
export function drizzleForeignKeyName(tableFrom: string, columnsFrom: readonly string[], tableTo: string, columnsTo: readonly string[]): string {
  const name = `${tableFrom}_${columnsFrom.join("_")}_${tableTo}_${columnsTo.join("_")}_fk`;
  return utf8Length(name) <= MAX_IDENTIFIER_BYTES ? name : derivedName(tableFrom, `${columnsFrom.join("_")}_fk`);
}

export function foreignKeySql(t: ModelTable, column: ModelColumn, ref: ModelReference): { name: string; sql: string } {
  const same = ref.sameOrganization;
  const columns = same ? [same.column, column.name] : [column.name];
  const parentColumns = same ? [same.parentColumn, ref.column] : [ref.column];
  let onDelete = ref.onDelete ? ` ON DELETE ${ref.onDelete.toUpperCase()}` : "";
  if (same && ref.onDelete === "set null") onDelete += ` (${quoteIdent(column.name)})`;
  const list = (names: readonly string[]) => names.map(quoteIdent).join(", ");
  // Named as drizzle-kit names it, so that schema.ts and the database agree and a later version can drop it by name.
  const name = drizzleForeignKeyName(t.name, columns, ref.table, parentColumns);
  return {
    name,
    sql: `ALTER TABLE ${table(t.name)} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY (${list(columns)}) REFERENCES ${table(ref.table)} (${list(parentColumns)})${onDelete};`,
  };
}

export function policySql(policy: PolicyPlan, dialect: TargetDialect): string {
  const role = policy.role === "signedIn" ? dialect.signedInRole : dialect.anonymousRole;
  const lines = [
    `CREATE POLICY ${quoteIdent(policy.name)} ON ${table(policy.table)}`,
    `  AS ${policy.restrictive ? "RESTRICTIVE" : "PERMISSIVE"} FOR ${policy.command.toUpperCase()} TO ${quoteIdent(role)}`,
  ];
  if (policy.using !== null) lines.push(`  USING (${policy.using})`);
  if (policy.withCheck !== null) lines.push(`  WITH CHECK (${policy.withCheck})`);
  return `${lines.join("\n")};`;
}


/** On an adopted table, the index may be there already under the same name (Better Auth names them `<table>_<column>_idx` too). */
export function indexSql(index: IndexPlan, existingTable = false): string {
  const columns = index.columns.map((c) => (index.codePointColumns.includes(c) ? `${quoteIdent(c)} ${CODE_POINT_COLLATION}` : quoteIdent(c)));
  return `CREATE INDEX ${existingTable ? "IF NOT EXISTS " : ""}${quoteIdent(index.name)} ON ${table(index.table)} USING btree (${columns.join(", ")});`;
}


/** The migrations in order; a step with nothing to do is left out. */
export function migrations(model: Model, plans: readonly TablePlan[], dialect: TargetDialect, cache?: CompileCache): Migration[] {
  const pieces = plans.map((plan) => tableSql(model, plan, dialect, cache));
  const steps: [string, string[]][] = [
    [dialect.setupName, dialect.setupStatements()],
    ["tables", tableStatements(pieces)],
    ["rls_helpers", helperStatements(model, dialect, cache).flatMap((h) => h.statements)],
    ["policies", concat(pieces, "policies")],
    ["indexes", concat(pieces, "indexes")],
  ];
  return steps
    .filter(([, statements]) => statements.length > 0)
    .map(([name, statements], idx) => ({ tag: `${String(idx).padStart(4, "0")}_${name}`, statements }));
}

export function migrationFile(model: Model, migration: Migration, dialect: TargetDialect): string {
  // The project name is the design's; escaped so that it cannot end the comment or split the file.
  const header = `-- ${commentText(model.name)}: ${migration.tag.replace(/^\d+_/, "").replaceAll("_", " ")} (target ${dialect.name}).\n-- Generated by RLS Designer from the design file; change the design and compile again rather than editing.\n`;
  // drizzle-kit runs the pieces between breakpoints one by one; the Supabase CLI runs the file as a script.
  const separator = dialect.layout === "drizzle" ? `\n${STATEMENT_BREAKPOINT}\n` : "\n\n";
  return header + migration.statements.join(separator) + "\n";
}
