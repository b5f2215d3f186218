import {
  columnOf,
  isToken,
  ORG_TOKEN,
  USER_TOKEN,
  type ColumnType,
  type Model,
  type ModelCondition,
  type ModelTable,
  type Operation,
} from "../design";

/**
 * The meaning of a design (spec §2), computed in TypeScript without looking at any SQL the
 * compiler wrote. Verification compares the database with this.
 */

export type Value = string | number | boolean | null;
export type Row = Readonly<Record<string, Value>>;

export interface Context {
  readonly signedIn: boolean;
  readonly userId: string | null;
  readonly org: string | null;
  readonly role: string | null;
}

/** Whether a signed-in or anonymous principal may do `op` (old row `before`, new row `after`). */
export function mayDo(model: Model, table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null): boolean {
  if (!ctx.signedIn) return anonymousMay(table, op, ctx, before, after);
  const rule = table.access[op];
  if (!rule) return false;
  if (rule.roles && (ctx.org === null || ctx.role === null || !rule.roles.includes(ctx.role))) return false;
  if (before && !passesFirewall(table, ctx, before)) return false;
  if (after && !passesFirewall(table, ctx, after)) return false;
  if (before && (op === "select" || op === "update" || op === "delete") && !rule.where.every((c) => holds(table, c, before, ctx))) return false;
  if (after && (op === "insert" || op === "update") && !rule.check.every((c) => holds(table, c, after, ctx))) return false;
  return true;
}

function anonymousMay(table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null): boolean {
  if (op === "select") return table.anonymous.select !== null && before !== null && table.anonymous.select.where.every((c) => holds(table, c, before, ctx));
  if (op === "insert") return table.anonymous.insert !== null && after !== null && table.anonymous.insert.check.every((c) => holds(table, c, after, ctx));
  return false;
}

export function passesFirewall(table: ModelTable, ctx: Context, row: Row): boolean {
  const firewall = table.firewall;
  if (firewall.kind === "public") return true;
  if (firewall.organization !== null && !sameId(table, firewall.organization, row[firewall.organization], ctx.org)) return false;
  if (firewall.owner) {
    const owns = sameId(table, firewall.owner.column, row[firewall.owner.column], ctx.userId);
    if (owns) return true;
    if (firewall.owner.mode === "required") return false;
    return ctx.org !== null && ctx.role !== null && firewall.owner.bypassRoles.includes(ctx.role);
  }
  return true;
}

function sameId(table: ModelTable, column: string, value: Value, id: string | null): boolean {
  if (value === null || id === null) return false;
  return compare(columnOf(table, column).type, value, id) === 0;
}

/** A condition on a row, with SQL's rule that comparing NULL holds for nothing but isNull. */
export function holds(table: ModelTable, condition: ModelCondition, row: Row, ctx: Context): boolean {
  const type = columnOf(table, condition.column).type;
  const value = row[condition.column];
  if (condition.op === "isNull") return value === null;
  if (condition.op === "isNotNull") return value !== null;
  if (value === null) return false;
  if (condition.op === "in" || condition.op === "notIn") {
    const list = condition.value as readonly (string | number | boolean)[];
    const found = list.some((item) => compare(type, value, item) === 0);
    return condition.op === "in" ? found : !found;
  }
  let operand = condition.value as string | number | boolean;
  if (isToken(operand)) {
    const resolved = operand === USER_TOKEN ? ctx.userId : operand === ORG_TOKEN ? ctx.org : null;
    if (resolved === null) return false;
    operand = resolved;
  }
  const order = compare(type, value, operand);
  switch (condition.op) {
    case "eq":
      return order === 0;
    case "neq":
      return order !== 0;
    case "lt":
      return order < 0;
    case "lte":
      return order <= 0;
    case "gt":
      return order > 0;
    case "gte":
      return order >= 0;
  }
}

/** Orders two non-null values the way PostgreSQL does for the column's type (C collation for text). */
export function compare(type: ColumnType, stored: string | number | boolean, literal: string | number | boolean): number {
  switch (type) {
    case "boolean":
      return Number(stored) - Number(literal);
    case "real":
      // A real column compared with a numeric literal is compared as double precision.
      return Math.fround(Number(stored)) - Number(literal);
    case "integer":
    case "bigint":
    case "smallint":
    case "numeric":
    case "double precision":
      return Number(stored) - Number(literal);
    case "uuid":
      return codePointCompare(String(stored).toLowerCase(), String(literal).toLowerCase());
    case "timestamptz":
      return instant(String(stored), true) - instant(String(literal), true);
    case "timestamp":
      return instant(String(stored), false) - instant(String(literal), false);
    case "date":
      return codePointCompare(String(stored), String(literal));
    default:
      return codePointCompare(String(stored), String(literal));
  }
}

/** Verification runs with TimeZone UTC; a timestamp without time zone ignores any offset. */
function instant(text: string, withZone: boolean): number {
  let iso = text.replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += "T00:00:00";
  if (!withZone) iso = iso.replace(/(Z|[+-]\d{2}(:?\d{2})?)$/, "");
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(iso)) iso += "Z";
  if (/[+-]\d{2}$/.test(iso)) iso += ":00";
  return Date.parse(iso);
}

function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
