import {
  columnOf,
  isToken,
  ORG_TOKEN,
  USER_TOKEN,
  type ColumnType,
  type Model,
  type ModelAccessRule,
  type ModelCondition,
  type ModelTable,
  type Operation,
  typeFamily,
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

/** One part of the meaning as it was evaluated for a principal and a row: what it compared, and whether it held. */
export interface Reason {
  readonly part: string;
  readonly holds: boolean;
  readonly detail: string;
}

/**
 * The rows of the other tables, for the parts of the meaning that look beyond the row itself
 * (spec §4: a parent's firewall, a sharing table). Absent: those tables hold no rows.
 */
export interface World {
  rowsOf(table: string): readonly Row[];
}

const EMPTY_WORLD: World = { rowsOf: () => [] };

/**
 * Whether a signed-in or anonymous principal may do `op` (old row `before`, new row `after`).
 * For update, with only `before`: whether some rule admits the old row (what USING decides); with
 * only `after`: whether some rule's roles and check admit the new row (what WITH CHECK decides).
 */
export function mayDo(model: Model, table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null, world: World = EMPTY_WORLD): boolean {
  return decide(model, table, op, ctx, before, after, null, world);
}

/** The same decision as mayDo, with every part of the meaning evaluated and said (for `verify --explain`). */
export function explainDecision(model: Model, table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null, world: World = EMPTY_WORLD): { allowed: boolean; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const allowed = decide(model, table, op, ctx, before, after, reasons, world);
  return { allowed, reasons };
}

/**
 * The meaning of spec §2 as a conjunction. Without a trace it stops at the first part that fails;
 * with one it evaluates (and records) every part, which gives the same answer.
 */
function decide(model: Model, table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null, trace: Reason[] | null, world: World): boolean {
  let allowed = true;
  /** Records a part; returns false when the caller may stop (no trace and the part failed). */
  const part = (name: string, holdsNow: boolean, detail: () => string): boolean => {
    if (!holdsNow) allowed = false;
    trace?.push({ part: name, holds: holdsNow, detail: detail() });
    return holdsNow || trace !== null;
  };
  if (!ctx.signedIn) {
    const rule = op === "select" ? table.anonymous.select : op === "insert" ? table.anonymous.insert : null;
    if (!part(`anonymous.${op}`, rule !== null, () => (rule ? "the design lets signed-out visitors do this" : op === "update" || op === "delete" ? "signed-out visitors never update or delete" : "absent: denied"))) return false;
    if (!rule) return allowed;
    const row = op === "select" ? before : after;
    if (row === null) return part("row", false, () => "no row") && false;
    const conditions = "where" in rule ? rule.where : rule.check;
    for (const c of conditions) if (!part(`${op === "select" ? "where" : "check"} ${conditionText(c)}`, row !== null && holds(table, c, row, ctx), () => conditionDetail(table, c, row, ctx))) return false;
    return allowed;
  }
  const rules = table.access[op] ?? [];
  if (!part(`access.${op}`, rules.length > 0, () => (table.access[op] === undefined ? "absent: denied" : rules.length === 0 ? "an empty list: denied" : rules.length === 1 ? "exists" : `${rules.length} rules, any of which may admit`))) return false;
  if (rules.length === 0) return allowed;
  for (const [label, row] of [["old row", before], ["new row", after]] as const) {
    if (row && !firewallParts(model, table, ctx, row, label, part, world)) return false;
  }
  // Spec §4: any rule admits. With one rule its parts are said as before; with several, each is prefixed.
  let admitted = false;
  for (const [i, rule] of rules.entries()) {
    const prefix = rules.length === 1 ? "" : `rule ${i + 1}: `;
    let ruleHolds = true;
    const rulePart: Part = (name, holdsNow, detail) => {
      if (!holdsNow) ruleHolds = false;
      trace?.push({ part: prefix + name, holds: holdsNow, detail: detail() });
      return holdsNow || trace !== null;
    };
    ruleAdmits(table, op, ctx, before, after, rule, rulePart, world);
    if (ruleHolds) {
      admitted = true;
      if (!trace) break;
    }
  }
  if (!admitted) allowed = false;
  return allowed;
}

function ruleAdmits(table: ModelTable, op: Operation, ctx: Context, before: Row | null, after: Row | null, rule: ModelAccessRule, part: Part, world: World): void {
  if (rule.roles) {
    const ok = ctx.org !== null && ctx.role !== null && rule.roles.includes(ctx.role);
    if (!part(`roles [${rule.roles.join(", ")}]`, ok, () => (ctx.org === null ? `o is unset (r ${show(ctx.role)} does not count)` : `r = ${show(ctx.role)}`))) return;
  }
  if (before && (op === "select" || op === "update" || op === "delete")) {
    for (const c of rule.where) if (!part(`where ${conditionText(c)}`, holds(table, c, before, ctx), () => conditionDetail(table, c, before, ctx))) return;
    if (rule.sharedVia) {
      const via = rule.sharedVia;
      const sharing = world.rowsOf(via.table);
      const key = before[table.primaryKey[0]];
      const keyType = columnOf(table, table.primaryKey[0]).type;
      // The sharing table's columns are of the shared key's type and a user id type (validated).
      const shared = key !== null && ctx.userId !== null && sharing.some((s) => s[via.row] !== null && s[via.user] !== null && compare(keyType, s[via.row]!, key) === 0 && sameIdValue(s[via.user]!, ctx.userId!));
      if (!part(`sharedVia ${via.table}`, shared, () => `${via.table} has a row (${via.row} = ${show(key)}, ${via.user} = u ${show(ctx.userId)}): ${shared}`)) return;
    }
  }
  if (after && (op === "insert" || op === "update")) {
    for (const c of rule.check) if (!part(`check ${conditionText(c)}`, holds(table, c, after, ctx), () => conditionDetail(table, c, after, ctx))) return;
  }
  if (op === "update" && before && after && rule.columns !== null) {
    const changed = table.columns.filter((c) => !rule.columns!.includes(c.name) && !sameValue(c.type, before[c.name] ?? null, after[c.name] ?? null)).map((c) => c.name);
    part(`columns [${rule.columns.join(", ")}]`, changed.length === 0, () => (changed.length === 0 ? "no other column changes" : `changes ${changed.join(", ")}`));
  }
}

/** Whether a column keeps its value (IS NOT DISTINCT FROM). */
function sameValue(type: ColumnType, a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeFamily(type) === "json" || typeFamily(type) === "array") return JSON.stringify(a) === JSON.stringify(b);
  return compare(type, a, b) === 0;
}

/** User ids compare as text, or as uuids (case does not matter) when both look like one. */
function sameIdValue(stored: string | number | boolean, id: string): boolean {
  const text = String(stored);
  return UUID.test(text) && UUID.test(id) ? text.toLowerCase() === id.toLowerCase() : text === id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Part = (name: string, holdsNow: boolean, detail: () => string) => boolean;

/** Each part of the firewall on one row; false when the caller may stop. */
function firewallParts(model: Model, table: ModelTable, ctx: Context, row: Row, label: string, part: Part, world: World, depth = 0): boolean {
  const firewall = table.firewall;
  if (firewall.kind === "public") return part(`firewall (${label})`, true, () => "public: every signed-in user");
  if (firewall.kind === "parent") {
    // Spec §4: the reference is set, the parent row exists, and it passes the parent's own firewall (not its access).
    const parent = model.tables.find((t) => t.name === firewall.table)!;
    const ref = row[firewall.column];
    const keyType = columnOf(parent, firewall.parentColumn).type;
    const found = ref === null || ref === undefined ? undefined : world.rowsOf(parent.name).find((p) => p[firewall.parentColumn] !== null && compare(keyType, p[firewall.parentColumn]!, ref) === 0);
    const passes = found !== undefined && passesFirewallIn(model, parent, ctx, found, world, depth + 1);
    return part(`firewall parent ${firewall.table} (${label})`, passes, () =>
      ref === null || ref === undefined ? `${firewall.column} is NULL` : !found ? `no ${firewall.table} row with ${firewall.parentColumn} = ${show(ref)}` : `the ${firewall.table} row ${show(ref)} ${passes ? "passes" : "fails"} its firewall`,
    );
  }
  if (firewall.organization !== null) {
    const column = firewall.organization;
    if (!part(`firewall organization (${label})`, sameId(table, column, row[column], ctx.org), () => `${column} ${show(row[column])} = o ${show(ctx.org)}`)) return false;
  }
  if (firewall.owner) {
    const { column, mode, bypassRoles } = firewall.owner;
    const owns = sameId(table, column, row[column], ctx.userId);
    const bypass = mode === "optional" && ctx.org !== null && ctx.role !== null && bypassRoles.includes(ctx.role);
    const detail = () =>
      `${column} ${show(row[column])} = u ${show(ctx.userId)}: ${owns}` + (mode === "optional" ? `; or r ${show(ctx.role)} in bypass [${bypassRoles.join(", ")}]${ctx.org === null ? " with o set" : ""}: ${bypass}` : "");
    if (!part(`firewall owner ${mode} (${label})`, owns || bypass, detail)) return false;
  }
  return true;
}

/** The meaning's firewall on one row (spec §2, 3; §4 for a parent firewall, which needs the `world`). */
export function passesFirewall(table: ModelTable, ctx: Context, row: Row, model?: Model, world: World = EMPTY_WORLD): boolean {
  return passesFirewallIn(model ?? { tables: [table] } as unknown as Model, table, ctx, row, world, 0);
}

function passesFirewallIn(model: Model, table: ModelTable, ctx: Context, row: Row, world: World, depth: number): boolean {
  let ok = true;
  if (depth > model.tables.length) return false;
  firewallParts(model, table, ctx, row, "row", (_name, holdsNow) => (ok &&= holdsNow), world, depth);
  return ok;
}

function show(value: Value | undefined): string {
  if (value === null || value === undefined) return "NULL";
  return typeof value === "string" ? `'${value}'` : String(value);
}

function conditionText(c: ModelCondition): string {
  if (c.op === "isNull" || c.op === "isNotNull") return `${c.column} ${c.op}`;
  return `${c.column} ${c.op} ${Array.isArray(c.value) ? `[${(c.value as Value[]).map(show).join(", ")}]` : isToken(c.value as string) ? String(c.value) : show(c.value as Value)}`;
}

function conditionDetail(table: ModelTable, c: ModelCondition, row: Row | null, ctx: Context): string {
  if (!row) return "no row";
  const value = show(row[c.column]);
  if (c.value === USER_TOKEN) return `${value} vs u ${show(ctx.userId)}`;
  if (c.value === ORG_TOKEN) return `${value} vs o ${show(ctx.org)}`;
  return `${c.column} is ${value}`;
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
