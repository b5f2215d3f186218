import type { ColumnType, Model, ModelColumn, ModelTable } from "../design";
import type { TargetDialect } from "../targets";
import { commentText, tsString, UNSAFE_CHARACTERS } from "../targets/file-text";
import { CODE_POINT_COLLATION } from "./expressions";
import { defaultSql, drizzleForeignKeyName } from "./sql";
import { defaultPrimaryKeyName } from "./names";
import type { PolicyPlan, TablePlan } from "./plan";
import { dialectKey, planPart, type CompileCache } from "./cache";

/** `src/db/schema.ts`: the same tables, policies and indexes as the migrations, as Drizzle code. */

const BUILDERS: Record<string, { fn: string; options?: string }> = {
  text: { fn: "text" },
  varchar: { fn: "varchar" },
  uuid: { fn: "uuid" },
  integer: { fn: "integer" },
  bigint: { fn: "bigint", options: `{ mode: "number" }` },
  smallint: { fn: "smallint" },
  boolean: { fn: "boolean" },
  numeric: { fn: "numeric" },
  real: { fn: "real" },
  "double precision": { fn: "doublePrecision" },
  timestamptz: { fn: "timestamp", options: `{ withTimezone: true }` },
  timestamp: { fn: "timestamp" },
  date: { fn: "date" },
  jsonb: { fn: "jsonb" },
  json: { fn: "json" },
};

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await arguments eval undefined NaN Infinity sql")
    .split(" "),
);

function camelCase(name: string): string {
  return name.replace(/[_\s-]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JavaScript name for `name`, distinct from those in `used`. */
function jsName(name: string, used: Set<string>, fallback: string): string {
  let base = camelCase(name);
  if (!IDENTIFIER.test(base) || RESERVED.has(base)) base = fallback;
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}${n}`;
  used.add(candidate);
  return candidate;
}

/**
 * A tagged template holding SQL text verbatim. Line feeds stay as they are; every other control or
 * separator is written as an escape, since a template literal reads a raw carriage return as \n.
 */
function sqlTemplate(text: string): string {
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("`", "\\`")
    .replaceAll("${", "\\${")
    .replace(UNSAFE_CHARACTERS, (c) => (c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return "sql`" + escaped + "`";
}

const str = tsString;

function columnKeys(table: ModelTable): Map<string, string> {
  const used = new Set<string>();
  const keys = new Map<string, string>();
  for (const column of table.columns) {
    const key = camelCase(column.name);
    const usable = IDENTIFIER.test(key) && !used.has(key);
    keys.set(column.name, usable ? key : column.name);
    used.add(usable ? key : column.name);
  }
  return keys;
}

function keySyntax(key: string): string {
  return IDENTIFIER.test(key) ? key : str(key);
}

function access(objectName: string, key: string): string {
  return IDENTIFIER.test(key) ? `${objectName}.${key}` : `${objectName}[${str(key)}]`;
}

/**
 * A boolean literal as drizzle-kit writes it (`.default(false)`): drizzle-kit push reads a boolean
 * column's default back as a boolean and would otherwise plan `SET DEFAULT false` on every run.
 */
function drizzleDefault(column: ModelColumn, dialect: TargetDialect): string {
  const expr = column.default!;
  if (expr.kind === "literal" && typeof expr.value === "boolean" && column.type === "boolean") return String(expr.value);
  return sqlTemplate(defaultSql(expr, column.type, dialect));
}

/** drizzle-kit's own name for a foreign key, before PostgreSQL's limit. */
function defaultForeignKeyName(tableFrom: string, columnsFrom: readonly string[], tableTo: string, columnsTo: readonly string[]): string {
  return `${tableFrom}_${columnsFrom.join("_")}_${tableTo}_${columnsTo.join("_")}_fk`;
}

/** Whether a reference is written as foreignKey() among the table's extras rather than .references(). */
function inExtras(table: ModelTable, column: ModelColumn): boolean {
  const ref = column.references;
  if (!ref) return false;
  return ref.sameOrganization !== null || drizzleForeignKeyName(table.name, [column.name], ref.table, [ref.column]) !== defaultForeignKeyName(table.name, [column.name], ref.table, [ref.column]);
}

/** One table's code, and what it needs of the file's imports. */
interface TableCode {
  readonly code: string;
  readonly builders: readonly string[];
  readonly needsAnyColumn: boolean;
}

export function schemaTs(model: Model, plans: readonly TablePlan[], dialect: TargetDialect, cache?: CompileCache): string {
  const used = new Set<string>([dialect.drizzleRoles.signedIn, dialect.drizzleRoles.anonymous]);
  const variables = new Map(model.tables.map((t) => [t.name, jsName(t.name, used, "table")]));
  const keys = new Map(plans.map((p) => [p.table.name, planPart(cache, p, "columnKeys", "", () => columnKeys(p.table))]));
  const builders = new Set<string>(["pgTable", "pgPolicy"]);
  let needsAnyColumn = false;
  const dialectText = cache ? dialectKey(dialect, cache) : "";

  const tableCode = plans.map((plan) => {
    // What the table's code reads beyond its plan: its own variable, and the variables and keys of the tables it references.
    const referenced = [...new Set(plan.table.columns.flatMap((c) => (c.references ? [c.references.table] : [])))];
    const key = cache ? JSON.stringify([dialectText, variables.get(plan.table.name), referenced.map((name) => [name, variables.get(name), [...(keys.get(name) ?? [])]])]) : "";
    const code = planPart(cache, plan, "schemaTs", key, () => tableCodeOf(plan, dialect, variables, keys));
    for (const builder of code.builders) builders.add(builder);
    if (code.needsAnyColumn) needsAnyColumn = true;
    return code.code;
  });

  const pgCore = [...builders].sort();
  const header = [
    `// ${commentText(model.name)}: Drizzle schema with row-level security policies (target ${dialect.name}).`,
    "// Generated by RLS Designer; the migrations in ../../drizzle hold the same tables and policies.",
    `import { sql } from "drizzle-orm";`,
    `import { ${pgCore.join(", ")}${needsAnyColumn ? ", type AnyPgColumn" : ""} } from "drizzle-orm/pg-core";`,
    ...dialect.drizzleRoles.preamble,
    "",
  ].join("\n");
  return `${header}\n${tableCode.join("\n")}`;
}

function tableCodeOf(plan: TablePlan, dialect: TargetDialect, variables: ReadonlyMap<string, string>, keys: ReadonlyMap<string, Map<string, string>>): TableCode {
  const builders = new Set<string>();
  let needsAnyColumn = false;

  const columnCode = (table: ModelTable, column: ModelColumn): string => {
    const base = column.type.replace("[]", "") as ColumnType;
    const builder = BUILDERS[base] as (typeof BUILDERS)[ColumnType] | undefined;
    let code: string;
    if (builder) {
      builders.add(builder.fn);
      code = `${builder.fn}(${str(column.name)}${builder.options ? `, ${builder.options}` : ""})`;
      if (column.type.endsWith("[]")) code += ".array()";
    } else {
      // An adopted table's type that the model lacks (citext, an enum): drizzle's customType names it as the database does.
      builders.add("customType");
      code = `customType<{ data: string }>({ dataType: () => ${str(column.type)} })(${str(column.name)})`;
    }
    if (column.primaryKey && table.primaryKey.length === 1) code += ".primaryKey()";
    else if (column.notNull) code += ".notNull()";
    if (column.default) code += `.default(${drizzleDefault(column, dialect)})`;
    // A same-organization reference (two columns), or one whose name drizzle-kit would make too long, is declared with the table's extras.
    if (column.references && !inExtras(table, column)) {
      const target = column.references.table;
      const targetColumn = access(variables.get(target)!, keys.get(target)!.get(column.references.column)!);
      const selfReference = target === table.name;
      if (selfReference) needsAnyColumn = true;
      const arrow = selfReference ? `(): AnyPgColumn => ${targetColumn}` : `() => ${targetColumn}`;
      const options = column.references.onDelete ? `, { onDelete: ${str(column.references.onDelete)} }` : "";
      code += `.references(${arrow}${options})`;
    }
    return code;
  };

  const policyCode = (policy: PolicyPlan): string => {
    const role = policy.role === "signedIn" ? dialect.drizzleRoles.signedIn : dialect.drizzleRoles.anonymous;
    const fields = [
      ...(policy.restrictive ? [`as: "restrictive"`] : []),
      `for: ${str(policy.command)}`,
      `to: ${role}`,
      ...(policy.using !== null ? [`using: ${sqlTemplate(policy.using)}`] : []),
      ...(policy.withCheck !== null ? [`withCheck: ${sqlTemplate(policy.withCheck)}`] : []),
    ];
    return `    pgPolicy(${str(policy.name)}, {\n${fields.map((f) => `      ${f},`).join("\n")}\n    }),`;
  };

  const { table, uniqueKeys, policies, indexes } = plan;
  const tableKeys = keys.get(table.name)!;
  const columns = table.columns.map((c) => `    ${keySyntax(tableKeys.get(c.name)!)}: ${columnCode(table, c)},`);
  const extras: string[] = [];
  if (table.primaryKey.length > 1) {
    builders.add("primaryKey");
    extras.push(`    primaryKey({ name: ${str(defaultPrimaryKeyName(table.name))}, columns: [${table.primaryKey.map((c) => access("t", tableKeys.get(c)!)).join(", ")}] }),`);
  }
  for (const key of uniqueKeys) {
    builders.add("unique");
    extras.push(`    unique(${str(key.name)}).on(${key.columns.map((c) => access("t", tableKeys.get(c)!)).join(", ")}),`);
  }
  for (const column of table.columns) {
    const ref = column.references;
    if (!ref || !inExtras(table, column)) continue;
    const same = ref.sameOrganization;
    const parent = ref.table === table.name ? "t" : variables.get(ref.table)!;
    const parentKeys = keys.get(ref.table)!;
    const from = same ? [same.column, column.name] : [column.name];
    const to = same ? [same.parentColumn, ref.column] : [ref.column];
    const name = drizzleForeignKeyName(table.name, from, ref.table, to);
    builders.add("foreignKey");
    const fields = [
      ...(name === defaultForeignKeyName(table.name, from, ref.table, to) ? [] : [`name: ${str(name)}`]),
      `columns: [${from.map((c) => access("t", tableKeys.get(c)!)).join(", ")}]`,
      `foreignColumns: [${to.map((c) => access(parent, parentKeys.get(c)!)).join(", ")}]`,
    ];
    extras.push(`    foreignKey({ ${fields.join(", ")} })${ref.onDelete ? `.onDelete(${str(ref.onDelete)})` : ""},`);
  }
  for (const index of indexes) {
    builders.add("index");
    const indexed = index.columns.map((c) => {
      const column = access("t", tableKeys.get(c)!);
      return index.codePointColumns.includes(c) ? `sql\`\${${column}} ${CODE_POINT_COLLATION}\`` : column;
    });
    extras.push(`    index(${str(index.name)}).on(${indexed.join(", ")}),`);
  }
  extras.push(...policies.map(policyCode));
  const code = `export const ${variables.get(table.name)} = pgTable(\n  ${str(table.name)},\n  {\n${columns.join("\n")}\n  },\n  (t) => [\n${extras.join("\n")}\n  ],\n);\n`;
  return { code, builders: [...builders], needsAnyColumn };
}
