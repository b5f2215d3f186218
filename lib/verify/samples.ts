import {
  fitsReal,
  isToken,
  ORG_TOKEN,
  typeFamily,
  USER_TOKEN,
  type ColumnType,
  type Model,
  type ModelColumn,
  type ModelCondition,
  type ModelTable,
} from "../design";
import type { Row, Value } from "./oracle";
import { organizationsFor, strangerFor, type Principal } from "./principals";

/**
 * Sample data for one table: rows that pass and rows that fail every firewall, where and
 * check, new rows to insert, and the updates to try. Deterministic for a given design.
 */
export interface TableSamples {
  readonly rows: readonly Row[];
  readonly insertCandidates: readonly Row[];
  /** Each variant is one `UPDATE table SET ...` of constants, run against all rows. */
  readonly updateVariants: readonly Readonly<Record<string, Value>>[];
}

const LIMITS = { rows: 48, inserts: 16, updates: 12 };

/** A small seeded generator (mulberry32), so the same design always gets the same samples. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** A value of `type` numbered `n`: distinct n give distinct values. */
export function nthValue(type: ColumnType, n: number): Value {
  switch (typeFamily(type)) {
    case "uuid":
      return `7a000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
    case "integer":
    case "number":
      return type === "smallint" ? n % 30000 : n;
    case "boolean":
      return n % 2 === 1;
    case "date":
      return new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    case "timestamp":
      return new Date(Date.UTC(2000, 0, 1) + n * 1000).toISOString();
    case "json":
      return JSON.stringify({ n });
    case "array":
      return "{}";
    default:
      return `row-${n}`;
  }
}

const INTEGER_RANGE: Partial<Record<ColumnType, readonly [number, number]>> = {
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  // The doubles nearest to bigint's bounds that are inside it.
  bigint: [-9223372036854775808, 9223372036854774784],
};
/** Dates and times as verification writes them: years 0001 to 9999 (PostgreSQL has no year 0, and toISOString writes others as ±YYYYYY). */
const IN_RANGE_DATE = /^(?!0000)\d{4}-/;

/** Whether PostgreSQL can store `value` in a column of `type`: samples just beyond a literal at a type's bound are left out. */
export function fitsType(type: ColumnType, value: Value): boolean {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return false;
    const range = INTEGER_RANGE[type];
    if (range) return Number.isInteger(value) && value >= range[0] && value <= range[1];
    if (type === "real") return fitsReal(value);
    return true;
  }
  const family = typeFamily(type);
  if (family === "date" || family === "timestamp") return IN_RANGE_DATE.test(value);
  return true;
}

/** Values of a column's type around a literal: equal, just below and just above, or simply different. */
function around(type: ColumnType, value: string | number | boolean): Value[] {
  const family = typeFamily(type);
  if (typeof value === "number") return [value, value - 1, value + 1];
  if (typeof value === "boolean") return [value, !value];
  if (family === "date") {
    const t = Date.parse(`${value}T00:00:00Z`);
    return [value, new Date(t - 86_400_000).toISOString().slice(0, 10), new Date(t + 86_400_000).toISOString().slice(0, 10)];
  }
  if (family === "timestamp") {
    // As the oracle reads it: no zone is UTC, "+00" is "+00:00" to JavaScript, and a timestamp without time zone ignores any.
    let normalized = String(value).replace(" ", "T");
    if (/^\d{4}-\d{2}-\d{2}$/.test(normalized)) normalized += "T00:00:00";
    if (type === "timestamp") normalized = normalized.replace(/(Z|[+-]\d{2}(:?\d{2})?)$/, "");
    if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(normalized)) normalized += "Z";
    else if (/[+-]\d{2}$/.test(normalized)) normalized += ":00";
    const t = Date.parse(normalized);
    if (Number.isNaN(t)) return [value];
    return [value, new Date(t - 1000).toISOString(), new Date(t + 1000).toISOString()];
  }
  if (family === "uuid") return [value, "7affffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-ffffffffffff"];
  // Text: the empty string sorts first; a longer string with the value as prefix sorts after it.
  // The value with its case swapped sorts on the other side of it in C than in en-US or ICU
  // ('B' < 'a' by code point, 'a' < 'B' in a natural-language collation), so a comparison that
  // follows the database's collation instead of the design's code points shows up.
  const swapped = [...String(value)].map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join("");
  return [value, `${value}~`, "", ...(swapped !== value ? [swapped] : [])];
}

function conditionValues(column: ModelColumn, condition: ModelCondition, principals: readonly Principal[], orgs: readonly string[]): Value[] {
  const value = condition.value;
  if (value === null) return [nthValue(column.type, 1)];
  if (isToken(value)) {
    if (value === USER_TOKEN) return principals.map((p) => p.userId).filter((id): id is string => id !== null);
    if (value === ORG_TOKEN) return [...orgs];
  }
  if (Array.isArray(value)) return [...value, ...around(column.type, value[0]).slice(1)];
  return around(column.type, value as string | number | boolean);
}

/** The columns whose values decide access, each with the values worth trying. */
export function interestingValues(model: Model, table: ModelTable, principals: readonly Principal[]): Map<string, Value[]> {
  const values = new Map<string, Value[]>();
  const add = (column: ModelColumn, list: Value[]) => {
    const existing = values.get(column.name) ?? [];
    // A literal at a type's bound (smallint lt 32767) has no neighbour beyond it; a real literal may lie beyond real itself.
    for (const v of list) if (fitsType(column.type, v) && !existing.some((e) => e === v)) existing.push(v);
    if (existing.length > 0) values.set(column.name, existing);
  };
  const col = (name: string) => table.columns.find((c) => c.name === name)!;
  const users = principals.map((p) => p.userId).filter((id): id is string => id !== null);
  const orgs = organizationsFor(model);
  if (table.firewall.kind === "isolated") {
    if (table.firewall.organization) add(col(table.firewall.organization), [...orgs]);
    if (table.firewall.owner) add(col(table.firewall.owner.column), [...users, strangerFor(model)]);
  }
  const conditions = [
    ...Object.values(table.access).flatMap((rule) => [...(rule?.where ?? []), ...(rule?.check ?? [])]),
    ...(table.anonymous.select?.where ?? []),
    ...(table.anonymous.insert?.check ?? []),
  ];
  for (const condition of conditions) add(col(condition.column), conditionValues(col(condition.column), condition, principals, orgs));
  if (model.tenancy?.source === "tables") {
    const { membership, activeOrg } = model.tenancy;
    if (table.name === membership.table) add(col(membership.role), [...model.roles, "(none)"]);
    if (table.name === activeOrg.table) add(col(activeOrg.org), [...orgs]);
  }
  for (const [name, list] of values) {
    const column = col(name);
    if (!column.notNull) list.push(null);
  }
  return values;
}

export function filler(column: ModelColumn, n: number): Value {
  if (column.references && !column.notNull) return null;
  return nthValue(column.type, 100 + n);
}

export function generateSamples(model: Model, table: ModelTable, principals: readonly Principal[], isMembershipTable: boolean): TableSamples {
  const rand = random(seedOf(`${model.name}/${table.name}`));
  const interesting = interestingValues(model, table, principals);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  let serial = 0;
  const freshKey = (row: Record<string, Value>) => {
    serial++;
    for (const name of table.primaryKey) {
      if (interesting.has(name)) continue;
      const column = table.columns.find((c) => c.name === name)!;
      row[name] = nthValue(column.type, serial + 1000 * (1 + table.primaryKey.indexOf(name)));
    }
    return row;
  };
  const base = (): Record<string, Value> => {
    const row: Record<string, Value> = {};
    for (const column of table.columns) {
      const choices = interesting.get(column.name);
      row[column.name] = choices ? choices[0] : filler(column, serial);
    }
    return freshKey(row);
  };
  const keyOf = (row: Row) => JSON.stringify(table.primaryKey.map((c) => row[c]));
  const complete = (row: Row) => table.primaryKey.every((c) => row[c] !== null);

  // Every single value of every deciding column, then random combinations of them.
  const candidates: Row[] = [];
  for (const [name, list] of interesting) for (const v of list) candidates.push({ ...base(), [name]: v });
  for (let i = 0; i < LIMITS.rows * 2; i++) {
    const row = base();
    for (const [name, list] of interesting) row[name] = pick(list);
    candidates.push(row);
  }

  const unique = (rows: Row[], limit: number, taken = new Set<string>()) => {
    const out: Row[] = [];
    for (const row of rows) {
      const key = keyOf(row);
      if (!complete(row) || taken.has(key)) continue;
      taken.add(key);
      out.push(row);
      if (out.length === limit) break;
    }
    return out;
  };

  // Membership tables decide who belongs where: extra rows there would change the principals themselves.
  const rows = isMembershipTable ? [] : unique(candidates, LIMITS.rows);
  const taken = new Set(rows.map(keyOf));
  const shuffled = [...candidates].sort(() => rand() - 0.5);
  const insertCandidates = unique(shuffled.map((r) => freshKey({ ...r })), LIMITS.inserts, taken);

  const updateVariants: Record<string, Value>[] = [];
  const touchable = table.columns.find((c) => !c.primaryKey && !interesting.has(c.name) && typeFamily(c.type) !== "json" && typeFamily(c.type) !== "array");
  if (touchable) updateVariants.push({ [touchable.name]: nthValue(touchable.type, 7777) });
  for (const [name, list] of interesting) {
    if (table.primaryKey.includes(name)) continue;
    for (const v of list) updateVariants.push({ [name]: v });
  }
  const variants = updateVariants.length > LIMITS.updates ? [updateVariants[0], ...updateVariants.slice(1).sort(() => rand() - 0.5).slice(0, LIMITS.updates - 1)] : updateVariants;
  return { rows, insertCandidates, updateVariants: variants };
}
