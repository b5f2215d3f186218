import {
  columnOf,
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
import { holds, mayDo, passesFirewall, type Context, type Row, type Value, type World } from "./oracle";
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
  /** The columns whose values decide access, each with the values worth trying. */
  readonly interesting: ReadonlyMap<string, readonly Value[]>;
}

const LIMITS = { rows: 64, inserts: 24, updates: 16 };

/** A column no condition or firewall reads (not the key, not json or an array): updating it changes nothing that decides access. */
export function touchableColumn(table: ModelTable, interesting: ReadonlyMap<string, readonly Value[]>): ModelColumn | undefined {
  return table.columns.find((c) => !c.primaryKey && !interesting.has(c.name) && typeFamily(c.type) !== "json" && typeFamily(c.type) !== "array");
}

/** A small seeded generator (mulberry32), so the same design always gets the same samples. */
/**
 * A Fisher-Yates shuffle driven by the seeded generator. Never `sort(() => rand() - 0.5)`: its
 * result depends on the engine's sort algorithm, so Node and the browser picked different samples
 * and the same design gave two different tests/rls.test.sql files.
 */
function shuffle<T>(list: readonly T[], rand: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

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
  // An odd token's sub read as text ("1") is no uuid: a uuid column cannot hold it.
  if (family === "uuid") return UUID_TEXT.test(value);
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
  // A trailing space and a prefix: an equality that trims, or a LIKE/prefix match, shows up.
  const prefix = [...String(value)].slice(0, -1).join("");
  return [value, `${value}~`, "", ...(swapped !== value ? [swapped] : []), `${value} `, ...(prefix !== "" ? [prefix] : [])];
}

/** The bounds of a column's type, where PostgreSQL has them (as verification writes values): a boundary moved past them shows. */
function typeBounds(type: ColumnType): Value[] {
  const range = INTEGER_RANGE[type];
  if (range) return [...range];
  const family = typeFamily(type);
  if (family === "date") return ["0001-01-01", "9999-12-31"];
  if (family === "timestamp") return ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.000Z"];
  return [];
}

/** Literals of every condition of the table (and literal defaults) whose column has the same type family: a value "of another condition". */
function otherLiterals(table: ModelTable, column: ModelColumn, conditions: readonly ModelCondition[]): Value[] {
  const family = typeFamily(column.type);
  const out: Value[] = [];
  for (const c of conditions) {
    if (typeFamily(columnOf(table, c.column).type) !== family || c.value === null || isToken(c.value as string)) continue;
    if (Array.isArray(c.value)) out.push(...(c.value as (string | number | boolean)[]));
    else out.push(c.value as string | number | boolean);
  }
  for (const c of table.columns) if (typeFamily(c.type) === family && c.default?.kind === "literal") out.push(c.default.value);
  // Another string no literal spells, so a list widened with an unrelated word may still meet a sample.
  if (family === "text") out.push("other");
  return out;
}

function conditionValues(column: ModelColumn, condition: ModelCondition, principals: readonly Principal[], orgs: readonly string[]): Value[] {
  const value = condition.value;
  if (value === null) return [nthValue(column.type, 1)];
  if (isToken(value)) {
    if (value === USER_TOKEN) return principals.map((p) => p.userId).filter((id): id is string => id !== null);
    // (odd tokens' sub as text comes in through the owner column's values when it is one)
    if (value === ORG_TOKEN) return [...orgs];
  }
  if (Array.isArray(value)) return [...value, ...value.flatMap((item) => around(column.type, item).slice(1))];
  return around(column.type, value as string | number | boolean);
}

/** The columns whose values decide access, each with the values worth trying. */
export function interestingValues(
  model: Model,
  table: ModelTable,
  principals: readonly Principal[],
  seen: readonly (string | number)[] = [],
  /** Values other tables decide (spec §4): a parent reference's keys, a sharing table's rows and users. */
  related: ReadonlyMap<string, readonly Value[]> = new Map(),
): Map<string, Value[]> {
  const values = new Map<string, Value[]>();
  const add = (column: ModelColumn, list: Value[]) => {
    const existing = values.get(column.name) ?? [];
    // A literal at a type's bound (smallint lt 32767) has no neighbour beyond it; a real literal may lie beyond real itself.
    for (const v of list) if (fitsType(column.type, v) && !existing.some((e) => e === v)) existing.push(v);
    if (existing.length > 0) values.set(column.name, existing);
  };
  const col = (name: string) => table.columns.find((c) => c.name === name)!;
  // Odd tokens' claims as a helper that read them as text would see them: a row that carries that text shows the mistake.
  const oddText = (claim: "sub" | "org") =>
    principals.flatMap((p) => {
      const value = p.oddToken?.[claim];
      return value === undefined || value === "absent" || value === null ? [] : [typeof value === "string" ? value : JSON.stringify(value)];
    });
  const users = [...principals.map((p) => p.userId).filter((id): id is string => id !== null), ...oddText("sub")];
  const orgs = [...organizationsFor(model), ...oddText("org")];
  if (table.firewall.kind === "isolated") {
    if (table.firewall.organization) add(col(table.firewall.organization), [...orgs]);
    if (table.firewall.owner) add(col(table.firewall.owner.column), [...users, strangerFor(model)]);
  }
  for (const [name, list] of related) add(col(name), [...list]);
  const conditions = [
    ...Object.values(table.access).flat().flatMap((rule) => [...(rule?.where ?? []), ...(rule?.check ?? [])]),
    ...(table.anonymous.select?.where ?? []),
    ...(table.anonymous.insert?.check ?? []),
  ];
  for (const condition of conditions) add(col(condition.column), conditionValues(col(condition.column), condition, principals, orgs));
  for (const condition of conditions) {
    const column = col(condition.column);
    add(column, [...otherLiterals(table, column, conditions), ...typeBounds(column.type)]);
  }
  // Literals the database's own policies compare with: a list widened, or a boundary moved, to a value no design literal spells still meets a sample.
  for (const name of new Set(conditions.map((c) => c.column))) {
    const column = col(name);
    add(column, seen.flatMap((literal) => literalAs(column.type, literal)));
  }
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

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A literal read from a policy, as a value of `type` when it can be one. */
function literalAs(type: ColumnType, literal: string | number): Value[] {
  const family = typeFamily(type);
  const text = String(literal);
  switch (family) {
    case "text":
      return typeof literal === "string" ? [literal] : [];
    case "integer":
      return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? [Number(text)] : [];
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text) ? [Number(text)] : [];
    case "boolean":
      return text === "true" || text === "false" ? [text === "true"] : [];
    case "uuid":
      return UUID_TEXT.test(text) ? [text.toLowerCase()] : [];
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) ? [text] : [];
    case "timestamp":
      return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text) && !Number.isNaN(Date.parse(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"))) ? [text] : [];
    default:
      return [];
  }
}

/**
 * The literals in policy expressions as PostgreSQL prints them (pg_get_expr): quoted strings
 * ('draft'::text, '-5'::integer) and bare numbers, without the design's role names (they only
 * appear in role lists). Pure, so it is tested without a database.
 */
export function literalsOf(expressions: readonly string[], roles: readonly string[]): (string | number)[] {
  const out = new Set<string | number>();
  for (const expression of expressions) {
    const quoted = /'((?:[^']|'')*)'/g;
    for (const m of expression.matchAll(quoted)) out.add(m[1].replaceAll("''", "'"));
    const bare = expression.replace(quoted, "''").replace(/"(?:[^"]|"")*"/g, '""');
    for (const m of bare.matchAll(/(?<![\w.$])-?\d+(?:\.\d+)?(?![\w.])/g)) out.add(Number(m[0]));
    for (const m of bare.matchAll(/\b(true|false)\b/g)) out.add(m[1]);
  }
  return [...out].filter((v) => !(typeof v === "string" && roles.includes(v)));
}

export function filler(column: ModelColumn, n: number): Value {
  if (column.references && !column.notNull) return null;
  return nthValue(column.type, 100 + n);
}

export function generateSamples(
  model: Model,
  table: ModelTable,
  principals: readonly Principal[],
  isMembershipTable: boolean,
  seen: readonly (string | number)[] = [],
  related: ReadonlyMap<string, readonly Value[]> = new Map(),
): TableSamples {
  const rand = random(seedOf(`${model.name}/${table.name}`));
  const interesting = interestingValues(model, table, principals, seen, related);
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

  // First, for every principal, a row of their own in their organization with random other values (a
  // rule that wrongly admits or refuses them shows only on rows that pass their firewall); then every
  // single value of every deciding column, then random combinations of them.
  const candidates: Row[] = [];
  const [orgA, orgB] = organizationsFor(model);
  if (table.firewall.kind === "isolated") {
    const { organization, owner } = table.firewall;
    const conditions = Object.values(table.access).flat().flatMap((rule) => [...(rule?.where ?? []), ...(rule?.check ?? [])]);
    for (const p of principals) {
      if (!p.signedIn) continue;
      // One with random values, one whose values meet every condition of the rules (so a role wrongly
      // added shows); and where rows have owners, one of their own in the other organization meeting
      // every condition (a firewall that lost its organization part admits it).
      const elsewhere = organization && owner && p.userId !== null && p.claimedOrg !== null;
      for (const [meeting, inOther] of [[false, false], [true, false], ...(elsewhere ? [[true, true]] : [])]) {
        const row = base();
        for (const [name, list] of interesting) row[name] = pick(list);
        if (organization) row[organization] = inOther ? (p.claimedOrg === orgA ? orgB : orgA) : (p.claimedOrg ?? orgA);
        if (owner && p.userId !== null) row[owner.column] = p.userId;
        if (meeting) {
          const ctx = { signedIn: true, userId: p.userId, org: p.claimedOrg, role: p.claimedRole };
          for (const c of conditions) {
            if (c.column === organization || c.column === owner?.column || holds(table, c, row, ctx)) continue;
            const found = (interesting.get(c.column) ?? []).find((v) => conditions.filter((x) => x.column === c.column).every((x) => holds(table, x, { ...row, [c.column]: v }, ctx)));
            if (found !== undefined) row[c.column] = found;
          }
        }
        candidates.push(row);
      }
    }
  }
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
  // Every value of an insert check column first (a list widened or narrowed shows on the one row carrying it), then the rest shuffled.
  const insertChecked = new Set([...((table.access.insert ?? []).flatMap((r) => r.check)), ...(table.anonymous.insert?.check ?? [])].map((c) => c.column));
  // Last added first: the database's own policy literals, then the bounds and the design's values.
  const singles = [...interesting].filter(([name]) => insertChecked.has(name)).flatMap(([name, list]) => [...list].reverse().map((v) => ({ ...base(), [name]: v })));
  const shuffled = [...singles, ...shuffle(candidates, rand)];
  const insertCandidates = unique(shuffled.map((r) => freshKey({ ...r })), LIMITS.inserts, taken);

  // Every value of a check column, so each is tried as a new row (WITH CHECK alone); then a random share of the rest.
  const checked = new Set(Object.values(table.access).flat().flatMap((rule) => (rule?.check ?? []).map((c) => c.column)));
  const first: Record<string, Value>[] = [];
  const rest: Record<string, Value>[] = [];
  const touchable = touchableColumn(table, interesting);
  if (touchable) first.push({ [touchable.name]: nthValue(touchable.type, 7777) });
  for (const [name, list] of interesting) {
    if (table.primaryKey.includes(name)) continue;
    for (const v of list) (checked.has(name) ? first : rest).push({ [name]: v });
  }
  const room = Math.max(0, LIMITS.updates - first.length);
  const variants = [...first, ...shuffle(rest, rand).slice(0, room)];
  return { rows, insertCandidates, updateVariants: variants, interesting };
}

/**
 * New values for `row` that pass the update rule's check (and keep the firewall where the row
 * passes it), so that whether USING admits the row is seen alone; null when no sample value
 * makes the check hold. Always sets at least one column, so the update is real.
 */
export function passingAssignment(model: Model, table: ModelTable, ctx: Context, row: Row, interesting: ReadonlyMap<string, readonly Value[]>, world?: World): Record<string, Value> | null {
  const rules = table.access.update ?? [];
  // Each rule in turn (spec §4: any rule admits): the first whose check some sample values meet.
  for (const rule of rules.length > 0 ? rules : [null]) {
    const found = passingFor(model, table, ctx, row, interesting, rule?.check ?? [], rule?.columns ?? null, world);
    if (found) return found;
  }
  return null;
}

function passingFor(
  model: Model,
  table: ModelTable,
  ctx: Context,
  row: Row,
  interesting: ReadonlyMap<string, readonly Value[]>,
  check: readonly ModelCondition[],
  allowedColumns: readonly string[] | null,
  world: World | undefined,
): Record<string, Value> | null {
  const assignment: Record<string, Value> = {};
  const settable = (column: string) => (allowedColumns === null || allowedColumns.includes(column)) && !table.primaryKey.includes(column);
  // A row outside the principal's firewall moves inside it (their organization, their ownership):
  // a USING that wrongly admits it then changes the row. Kept where it was, WITH CHECK would refuse
  // the new row, and a refusal cannot be told from "no row" (the firewall per command, where the
  // select firewall guards only the statements that read the rows, shows why this matters).
  if (table.firewall.kind === "isolated" && !passesFirewall(table, ctx, row, model, world)) {
    const { organization, owner } = table.firewall;
    if (organization && ctx.org !== null && settable(organization)) assignment[organization] = ctx.org;
    if (owner && ctx.userId !== null && settable(owner.column)) assignment[owner.column] = ctx.userId;
    if (!passesFirewall(table, ctx, { ...row, ...assignment }, model, world)) for (const column of Object.keys(assignment)) delete assignment[column];
  }
  const touchable = touchableColumn(table, interesting);
  if (touchable && (allowedColumns === null || allowedColumns.includes(touchable.name))) assignment[touchable.name] = nthValue(touchable.type, 7777);
  const next = () => ({ ...row, ...assignment });
  for (const condition of check) {
    if (holds(table, condition, next(), ctx)) continue;
    if (table.primaryKey.includes(condition.column)) return null;
    const token = condition.value === USER_TOKEN ? ctx.userId : condition.value === ORG_TOKEN ? ctx.org : undefined;
    const candidates = [...(token !== undefined ? [token] : []), ...(interesting.get(condition.column) ?? [])];
    const onColumn = check.filter((c) => c.column === condition.column);
    const found = candidates.find((v) => onColumn.every((c) => holds(table, c, { ...next(), [condition.column]: v }, ctx)));
    if (found === undefined) return null;
    assignment[condition.column] = found;
  }
  if (!check.every((c) => holds(table, c, next(), ctx))) return null;
  if (passesFirewall(table, ctx, row, model, world) && !passesFirewall(table, ctx, next(), model, world)) return null;
  if (Object.keys(assignment).length === 0) {
    // Nothing to change that decides nothing: set a column to the value it has (still a new row version).
    const column = table.columns.find((c) => !c.primaryKey);
    if (!column) return null;
    assignment[column.name] = row[column.name];
  }
  return assignment;
}

/**
 * New values for `row` that move it out of the principal's organization or ownership while every
 * condition of some update rule's check still holds: only the firewall refuses the new row, so its
 * WITH CHECK is seen alone (failingAssignment's turns may never meet such a row).
 */
export function leavingAssignments(model: Model, table: ModelTable, ctx: Context, row: Row, interesting: ReadonlyMap<string, readonly Value[]>, world?: World): Record<string, Value>[] {
  const firewall = table.firewall;
  const columns = firewall.kind === "isolated" ? [firewall.organization, firewall.owner?.column] : firewall.kind === "parent" ? [firewall.column] : [];
  const rules = table.access.update ?? [];
  const found: Record<string, Value>[] = [];
  // One per firewall column: leaving the organization and giving the row away are refused by different parts.
  for (const name of columns) {
    if (!name || table.primaryKey.includes(name)) continue;
    const v = (interesting.get(name) ?? []).find((value) => {
      const next = { ...row, [name]: value };
      const checked = rules.some((r) => (r.columns === null || r.columns.includes(name)) && r.check.every((c) => holds(table, c, next, ctx)));
      return checked && !passesFirewall(table, ctx, next, model, world);
    });
    if (v !== undefined) found.push({ [name]: v });
  }
  return found;
}

/**
 * The first of `keys` (rows USING admits) that leavingAssignments can move, with its moves: verify
 * and the pgTAP export try the same ones, so both hold the same statements.
 */
export function firstLeaving<K>(model: Model, table: ModelTable, ctx: Context, keys: Iterable<K>, rowOf: (key: K) => Row, interesting: ReadonlyMap<string, readonly Value[]>, world?: World): { key: K; assignment: Record<string, Value> }[] {
  for (const key of keys) {
    const assignments = leavingAssignments(model, table, ctx, rowOf(key), interesting, world);
    if (assignments.length > 0) return assignments.map((assignment) => ({ key, assignment }));
  }
  return [];
}

/**
 * New values for `row` that the meaning refuses (a check condition fails, or the new row leaves
 * the principal's organization or ownership), so that WITH CHECK is seen alone on a row USING
 * admits. `turn` picks among the ways, so consecutive rows try different ones.
 */
export function failingAssignment(model: Model, table: ModelTable, ctx: Context, row: Row, interesting: ReadonlyMap<string, readonly Value[]>, turn: number, world?: World): Record<string, Value> | null {
  const options: Record<string, Value>[] = [];
  const columns = new Set<string>([...((table.access.update ?? []).flatMap((r) => r.check)).map((c) => c.column)]);
  if (table.firewall.kind === "isolated") {
    if (table.firewall.organization) columns.add(table.firewall.organization);
    if (table.firewall.owner) columns.add(table.firewall.owner.column);
  }
  if (table.firewall.kind === "parent") columns.add(table.firewall.column);
  // A column some rule does not let change: changing it is refused unless another rule admits it.
  for (const rule of table.access.update ?? []) for (const c of table.columns) if (rule.columns && !rule.columns.includes(c.name) && interesting.has(c.name)) columns.add(c.name);
  const touchable = touchableColumn(table, interesting);
  const restricted = (table.access.update ?? []).some((r) => r.columns !== null);
  for (const name of columns) {
    if (table.primaryKey.includes(name)) continue;
    for (const v of interesting.get(name) ?? []) {
      const assignment = { [name]: v };
      if (!mayDo(model, table, "update", ctx, row, { ...row, ...assignment }, world)) options.push(assignment);
    }
  }
  // Columns no rule lists: a change to one decides nothing but the columns' part.
  if (restricted && touchable) {
    const assignment = { [touchable.name]: nthValue(touchable.type, 7778) };
    if (!mayDo(model, table, "update", ctx, row, { ...row, ...assignment }, world)) options.push(assignment);
  }
  return options.length === 0 ? null : options[turn % options.length];
}
