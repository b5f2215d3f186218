import { numberText, quoteIdent, sqlLiteral, type Model, type ModelTable, type Operation } from "../design";
import { forcesRowLevelSecurity } from "../compiler/sql";
import { dialectFor } from "../targets";
import { mayDo, type Context, type Row, type Value, type World } from "./oracle";
import { relatedValues, samplingOrder } from "./related";
import { claimsFor, claimsSetting, effectiveContext, organizationsFor, principalsFor, type Claims, type Principal } from "./principals";
import { privilegeWarnings } from "./privileges";
import { failingAssignment, filler, firstLeaving, generateSamples, literalsOf, nthValue, passingAssignment, type TableSamples } from "./samples";
import { BATCH_SIZE, BatchBuilder, batchFunctionSql, changedSql, collectedSql, deleteOthersSql, goneSql, qualifiedKey, textArray, type BatchResult } from "./batch";

/** The part of a database connection verification needs; lib/db's Session fits it. */
export interface VerifySession {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Statements without parameters in one round trip. */
  exec(script: string): Promise<void>;
}

export interface Cell {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
  /**
   * What the meaning lets the principal do here, apart from whether the database agreed: `allowed`
   * of `of` sample rows (select, update, delete) or new rows tried (insert).
   */
  readonly may?: { readonly allowed: number; readonly of: number };
  /** The first statement the cell ran (its parameters in `params`), to show beside the cell. */
  readonly sql?: string;
  readonly params?: readonly Value[];
  /** Keys of the rows the meaning allows (select, update, delete; at most CELL_ROW_KEYS of them). */
  readonly rows?: readonly string[];
}

/** How many row keys a cell carries: enough to read, few enough for a report of 500 tables. */
export const CELL_ROW_KEYS = 12;

export interface Mismatch {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  /** The statement that showed it, with its parameters and the claims it ran under. */
  readonly sql: string;
  readonly params: readonly Value[];
  readonly role: string;
  readonly claims: Claims;
  readonly expected: string;
  readonly actual: string;
  /** When the statement ran on some rows alone (the others deleted inside the savepoint first): their keys. */
  readonly rows?: readonly string[];
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly principals: readonly string[];
  readonly tables: readonly string[];
  readonly cells: readonly Cell[];
  readonly mismatches: readonly Mismatch[];
  /** How many statements ran as a principal. */
  readonly checks: number;
  /** Roles the policies do not hold (superuser, BYPASSRLS, table owner): the proof does not cover their connections. */
  readonly warnings: readonly string[];
}


export interface VerifyProgress {
  readonly table: string;
  readonly index: number;
  readonly total: number;
}

export interface Outcome {
  keys?: Set<string>;
  sqlstate?: string;
  message?: string;
}

const table = (name: string) => `public.${quoteIdent(name)}`;
const DENIED = "42501";
const INVALID_TEXT = "22P02";

function sqlstateOf(error: unknown): string {
  const e = error as { sqlstate?: string; code?: string };
  return e.sqlstate ?? e.code ?? "unknown";
}

export function param(value: Value): string | null {
  if (value === null) return null;
  return typeof value === "number" ? numberText(value) : String(value);
}

/**
 * Runs every operation as every principal on every table and compares each outcome with the
 * meaning. The session must be inside a transaction in which the design's migrations are
 * applied; verification leaves that transaction as it found it (every step is a savepoint).
 *
 * Table by table, the checks of all principals go to the database together (Verification.run:
 * one round trip for a few hundred of them where the database allows it); those that show a
 * difference are then pinpointed row by row, again together.
 */
export async function verifyModel(
  model: Model,
  session: VerifySession,
  onProgress?: (p: VerifyProgress) => void,
  /** Roles the application connects as (e.g. the user of DATABASE_AUTHENTICATED_URL), checked beside the target's roles. */
  appRoles: readonly string[] = [],
  /**
   * `tables`: check only these tables (names from model.tables), as verifyBundle does group by
   * group to stay inside the lock table. The others keep no rows; with `tables` tenancy the
   * membership tables are filled in every group, since the principals are who they are there.
   */
  options: {
    readonly tables?: readonly string[];
    /** Every check in its own round trips (SAVEPOINT ... ROLLBACK TO), as when the batch function cannot be created; the report is the same. */
    readonly statementByStatement?: boolean;
  } = {},
): Promise<VerifyReport> {
  const only = options.tables ? new Set(options.tables) : null;
  const checked = only ? model.tables.filter((t) => only.has(t.name)) : model.tables;
  const present = only ? model.tables.filter((t) => only.has(t.name) || isMembershipTable(model, t)) : model.tables;
  const warnings = await privilegeWarnings(model, session, appRoles);
  const cells: Cell[] = [];
  const mismatches: Mismatch[] = [];
  const { principals, checks } = await withVerification(model, session, { present, checked, statementByStatement: options.statementByStatement }, async (v) => {
    mismatches.push(...v.setupMismatches);
    const { principals, tableRows, samplesByTable, world } = v;
    for (const [index, t] of checked.entries()) {
      onProgress?.({ table: t.name, index, total: checked.length });
      const rows = tableRows.get(t.name)!;
      const samples = samplesByTable.get(t.name)!;
      // Every check rolls back, so the rows keep these versions (ctid) between checks; an updated row gets a new one.
      const baseVersions = await v.readVersions(t);
      const pkOf = (row: Row) => JSON.stringify(t.primaryKey.map((c) => row[c]));
      const existing = new Set([...rows.values()].map(pkOf));
      const insertCandidates = samples.insertCandidates.filter((c) => !existing.has(pkOf(c)));
      const results = await drive(
        principals.map((p) => checkPrincipal({ model, t, index, p, rows, samples, world, baseVersions, insertCandidates, existing, pkOf })),
        v.run,
      );
      for (const r of results) {
        cells.push(...r.cells);
        mismatches.push(...r.mismatches);
      }
    }
    return { principals, checks: v.checks() };
  });

  return {
    ok: mismatches.length === 0,
    principals: principals.map((p) => p.name),
    tables: checked.map((t) => t.name),
    cells,
    mismatches,
    checks,
    warnings,
  };
}

/** A statement as verify shows it (`$1::type` parameters) and as the batch runs it (`($1[1])::type` of one text array). */
export interface Statement {
  readonly sql: string;
  readonly params: readonly Value[];
  readonly batchSql: string;
}

/** Builds a statement from `make`, which writes each value through `value(v, type)`. */
function statement(make: (value: (v: Value, type: string) => string) => string): Statement {
  const params: Value[] = [];
  const sql = make((v, type) => {
    params.push(v);
    return `$${params.length}::${type}`;
  });
  let n = 0;
  const batchSql = make((_v, type) => `($1[${++n}])::${type}`);
  return { sql, params, batchSql };
}

const columnType = (t: ModelTable, name: string) => t.columns.find((x) => x.name === name)!.type;

function updateStatement(t: ModelTable, assignment: Readonly<Record<string, Value>>): Statement {
  const columns = Object.keys(assignment);
  return statement((value) => `UPDATE ${table(t.name)} SET ${columns.map((c) => `${quoteIdent(c)} = ${value(assignment[c], columnType(t, c))}`).join(", ")}`);
}

function insertStatement(t: ModelTable, row: Row): Statement {
  return statement((value) => `INSERT INTO ${table(t.name)} (${t.columns.map((c) => quoteIdent(c.name)).join(", ")}) VALUES (${t.columns.map((c) => value(row[c.name], c.type)).join(", ")})`);
}

const plain = (sql: string): Statement => ({ sql, params: [], batchSql: sql });

/**
 * What a check reads after its statement, as the session's own role: `rows`, the keys the
 * statement returned (column k); `gone`, which of `keys` no row has any more; `changed`, which of
 * `keys` have a row version other than before the checks.
 */
export type Effect =
  | { readonly kind: "none" }
  | { readonly kind: "rows" }
  | { readonly kind: "gone"; readonly keys: readonly string[] }
  | { readonly kind: "changed"; readonly keys: readonly string[] };

/** One statement as a principal on a table; with `only`, the table's other rows are deleted first (inside the check). */
export interface Check {
  readonly p: Principal;
  readonly table: ModelTable;
  readonly statement: Statement;
  readonly effect: Effect;
  readonly only?: readonly string[];
  /**
   * The table's row versions (ctid) by key, as read before the checks: every check rolls back, so
   * they hold throughout. `changed` compares with them; in a batch, `only` keeps the rows by them.
   */
  readonly versions: ReadonlyMap<string, string>;
}

export interface Attempted {
  readonly outcome: Outcome;
  readonly who: { role: string; claims: Claims };
}

/**
 * Checks to run together. `stop`: the checks after the first result it accepts are not needed
 * (statement by statement they are left out; in a batch they run anyway, being cheap there).
 */
export interface Run {
  readonly checks: readonly Check[];
  readonly stop?: (result: Attempted, index: number) => boolean;
}

/**
 * Runs the steps of several principals' checks in lockstep: each generator yields the runs it
 * needs next and gets their results back, so every principal's checks of a step share one call.
 */
async function drive<T>(gens: Generator<Run[], T, Attempted[][]>[], run: (runs: readonly Run[]) => Promise<Attempted[][]>): Promise<T[]> {
  const done: (T | undefined)[] = gens.map(() => undefined);
  let pending = gens.map((g, i) => ({ i, step: g.next() }));
  while (pending.length) {
    const waiting = pending.filter((s) => !s.step.done);
    for (const s of pending) if (s.step.done) done[s.i] = s.step.value as T;
    if (!waiting.length) break;
    const runs = waiting.flatMap((s) => s.step.value as Run[]);
    const results = await run(runs);
    let at = 0;
    pending = waiting.map((s) => {
      const mine = results.slice(at, (at += (s.step.value as Run[]).length));
      return { i: s.i, step: gens[s.i].next(mine) };
    });
  }
  return done as T[];
}

interface PrincipalInput {
  readonly model: Model;
  readonly t: ModelTable;
  readonly index: number;
  readonly p: Principal;
  readonly rows: Map<string, Row>;
  readonly samples: TableSamples;
  readonly world: World;
  readonly baseVersions: ReadonlyMap<string, string>;
  readonly insertCandidates: readonly Row[];
  readonly existing: ReadonlySet<string>;
  readonly pkOf: (row: Row) => string;
}

/** The four cells of one principal on one table: the checks (yielded in two steps: all of them, then the pinpointing of differences) and their comparison with the meaning. */
function* checkPrincipal(input: PrincipalInput): Generator<Run[], { cells: Cell[]; mismatches: Mismatch[] }, Attempted[][]> {
  const { model, t, index, p, rows, samples, world, baseVersions, insertCandidates, existing, pkOf } = input;
  const cells: Cell[] = [];
  const mismatches: Mismatch[] = [];
  const ctx: Context = { signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) };
  const keyExpr = keyExpression(t);
  type Who = { role: string; claims: Claims };
  const mismatch = (operation: Operation, sql: string, params: readonly Value[], who: Who, expected: string, actual: string): Mismatch => ({
    table: t.name, principal: p.name, operation, sql, params: [...params], role: who.role, claims: who.claims, expected, actual,
  });
  /** One cell of the matrix; `firstMismatch` is the statement that showed a difference, if any. */
  const record = (operation: Operation, expected: string, actual: string, firstMismatch: Mismatch | null, detail: Pick<Cell, "may" | "sql" | "params" | "rows"> = {}) => {
    cells.push({ table: t.name, principal: p.name, operation, expected, actual, ok: firstMismatch === null, ...detail });
    if (firstMismatch) mismatches.push(firstMismatch);
  };
  const check = (s: Statement, effect: Effect, alone?: readonly string[]): Check => ({ p, table: t, statement: s, effect, versions: baseVersions, ...(alone ? { only: alone } : {}) });
  const allKeys = [...rows.keys()];
  const baseKeys = [...baseVersions.keys()];
  const membership = isMembershipTable(model, t);

  // select: exactly the rows the meaning allows are visible.
  const selectSql = `SELECT ${keyExpr} AS k FROM ${table(t.name)}`;
  const selectExpected = keysWhere(rows, (row) => mayDo(model, t, "select", ctx, row, null, world));
  const selectCheck = check(plain(selectSql), { kind: "rows" });

  // delete: exactly the allowed rows go.
  const deleteSql = `DELETE FROM ${table(t.name)}`;
  const deleteExpected = keysWhere(rows, (row) => mayDo(model, t, "delete", ctx, row, null, world));
  const deleteCheck = check(plain(deleteSql), { kind: "gone", keys: allKeys });

  // update: each variant sets constants on every row the principal may change; one forbidden new row refuses the statement.
  const changeable = keysWhere(rows, (row) => mayDo(model, t, "update", ctx, row, null, world));
  const variants = samples.updateVariants.map((variant) => ({
    s: updateStatement(t, variant),
    refused: [...changeable].some((k) => !mayDo(model, t, "update", ctx, rows.get(k)!, { ...rows.get(k)!, ...variant }, world)),
  }));
  const variantChecks = variants.map((x) => check(x.s, { kind: "changed", keys: baseKeys }));
  /** The update on `keys` alone: which of them changed (or the error). */
  const updateAlone = (keys: readonly string[], s: Statement) => check(s, { kind: "changed", keys }, keys);
  // Membership tables decide who the principals are: deleting rows there to isolate some would change them.
  // USING alone: each row gets new values that pass the check, so what USING admits is what changes.
  // Rows that take the same new values run together; when a group differs from the meaning, each row alone says which.
  const groups = new Map<string, { s: Statement; keys: string[] }>();
  // WITH CHECK alone: each row USING admits, alone, gets new values the meaning refuses (a check
  // condition fails, or the row leaves the principal's organization or ownership), in turn.
  const failing: { k: string; s: Statement }[] = [];
  if (!membership) {
    for (const [k, row] of rows) {
      const assignment = passingAssignment(model, t, ctx, row, samples.interesting, world);
      if (!assignment || (changeable.has(k) && !mayDo(model, t, "update", ctx, row, { ...row, ...assignment }, world))) continue;
      const id = JSON.stringify(assignment);
      if (!groups.has(id)) groups.set(id, { s: updateStatement(t, assignment), keys: [] });
      groups.get(id)!.keys.push(k);
    }
    let turn = 0;
    for (const k of changeable) {
      const assignment = failingAssignment(model, t, ctx, rows.get(k)!, samples.interesting, turn++, world);
      if (assignment) failing.push({ k, s: updateStatement(t, assignment) });
    }
    // And a row moved out of the firewall (each way) with every other check met, so the firewall's WITH CHECK is seen alone.
    for (const { key, assignment } of firstLeaving(model, t, ctx, changeable, (k) => rows.get(k)!, samples.interesting, world)) failing.push({ k: key, s: updateStatement(t, assignment) });
  }
  const groupList = [...groups.values()];
  const groupChecks = groupList.map((g) => updateAlone(g.keys, g.s));
  const failingChecks = failing.map((f) => updateAlone([f.k], f.s));

  // insert: each new row alone; a refusal is SQLSTATE 42501.
  // Rows of the principal's own whose key is already taken (a key that is the owner column) would only show 23505.
  const own = ownInsertCandidates(model, t, p, insertCandidates, index).filter((c) => !existing.has(pkOf(c)));
  const candidates = [...insertCandidates, ...own];
  const insertChecks = candidates.map((c) => check(insertStatement(t, c), { kind: "none" }));

  const [main] = yield [{ checks: [selectCheck, deleteCheck, ...variantChecks, ...groupChecks, ...failingChecks, ...insertChecks] }];
  let at = 0;
  const take = (n: number) => main.slice(at, (at += n));
  const [selectResult] = take(1);
  const [deleteResult] = take(1);
  const variantResults = take(variantChecks.length);
  const groupResults = take(groupChecks.length);
  const failingResults = take(failingChecks.length);
  const insertResults = take(insertChecks.length);

  // What differs, and which differences each row alone should pinpoint (both in one step).
  const deleted = compareRows(deleteExpected, deleteResult.outcome, rows.size);
  const updates = variants.map((x, i) => {
    const { outcome, who } = variantResults[i];
    return { ...(x.refused ? compareRefused(outcome) : compareUpdated(changeable, outcome, rows.size)), who };
  });
  const grouped = groupList.map((g, i) => {
    const want = new Set(g.keys.filter((k) => changeable.has(k)));
    return { want, who: groupResults[i].who, ...compareUpdated(want, groupResults[i].outcome, g.keys.length) };
  });
  // Only the first group that differs is pinpointed, and only when no variant differed (the cell names one statement).
  const pinGroup = updates.some((u) => !u.ok) ? -1 : grouped.findIndex((g) => !g.ok);
  const pinDelete = !deleted.ok && !membership;
  const deleteAlone = (k: string) => check(plain(deleteSql), { kind: "gone", keys: [k] }, [k]);
  const deleteDiffers = (k: string, r: Attempted) => !compareRows(deleteExpected.has(k) ? new Set([k]) : new Set<string>(), r.outcome, 1).ok;
  const groupDiffers = (g: number, k: string, r: Attempted) => !compareUpdated(grouped[g].want.has(k) ? new Set([k]) : new Set<string>(), r.outcome, 1).ok;
  const pinRuns: { what: "delete" | "group"; run: Run }[] = [];
  if (pinDelete) {
    pinRuns.push({ what: "delete", run: { checks: allKeys.map(deleteAlone), stop: (r, j) => deleteDiffers(allKeys[j], r) } });
  }
  if (pinGroup >= 0) {
    const g = groupList[pinGroup];
    pinRuns.push({ what: "group", run: { checks: g.keys.map((k) => updateAlone([k], g.s)), stop: (r, j) => groupDiffers(pinGroup, g.keys[j], r) } });
  }
  const pinned: Attempted[][] = pinRuns.length ? yield pinRuns.map((x) => x.run) : [];
  const pinnedOf = (what: "delete" | "group") => pinned[pinRuns.findIndex((x) => x.what === what)] ?? [];

  {
    const { ok, actual } = compareRows(selectExpected, selectResult.outcome, rows.size);
    const wanted = describeRows(selectExpected, rows.size);
    record("select", wanted, actual, ok ? null : mismatch("select", selectSql, [], selectResult.who, wanted, actual), cellDetail(selectExpected, rows.size, selectSql, []));
  }

  {
    const wanted = describeRows(deleteExpected, rows.size);
    // A DELETE has no WITH CHECK, so one statement shows USING on every row; on a difference, each row alone says which.
    let pinpointed: Mismatch | null = null;
    if (pinDelete) {
      const alone = pinnedOf("delete");
      const i = alone.findIndex((r, j) => deleteDiffers(allKeys[j], r));
      if (i >= 0) {
        const k = allKeys[i];
        const want = deleteExpected.has(k) ? new Set([k]) : new Set<string>();
        pinpointed = { ...mismatch("delete", deleteSql, [], alone[i].who, describeRows(want, 1), compareRows(want, alone[i].outcome, 1).actual), rows: [k] };
      }
    }
    record("delete", wanted, deleted.actual, deleted.ok ? null : (pinpointed ?? mismatch("delete", deleteSql, [], deleteResult.who, wanted, deleted.actual)), cellDetail(deleteExpected, rows.size, deleteSql, []));
  }

  {
    const expectedParts: string[] = [];
    const actualParts: string[] = [];
    let first: Mismatch | null = null;
    for (const [i, x] of variants.entries()) {
      const { ok, actual, who } = updates[i];
      expectedParts.push(x.refused ? "refused" : String(changeable.size));
      actualParts.push(actual);
      if (!ok) first ??= mismatch("update", x.s.sql, x.s.params, who, x.refused ? `refused (${DENIED})` : describeRows(changeable, rows.size), actual);
    }
    for (const [i, g] of groupList.entries()) {
      const { want, ok, actual, who } = grouped[i];
      expectedParts.push(String(want.size));
      actualParts.push(actual);
      if (ok || first) continue;
      // i === pinGroup: the first group that differs, with no variant that did.
      const alone = pinnedOf("group");
      const j = alone.findIndex((r, n) => groupDiffers(i, g.keys[n], r));
      if (j >= 0) {
        const k = g.keys[j];
        const one = new Set(want.has(k) ? [k] : []);
        first = { ...mismatch("update", g.s.sql, g.s.params, alone[j].who, describeRows(one, 1), compareUpdated(one, alone[j].outcome, 1).actual), rows: [k] };
      } else {
        first = { ...mismatch("update", g.s.sql, g.s.params, who, describeRows(want, g.keys.length), actual), rows: g.keys };
      }
    }
    for (const [i, f] of failing.entries()) {
      const { outcome, who } = failingResults[i];
      const { ok, actual } = compareRefused(outcome);
      expectedParts.push("refused");
      actualParts.push(actual);
      if (!ok && !first) first = { ...mismatch("update", f.s.sql, f.s.params, who, `refused (${DENIED})`, actual), rows: [f.k] };
    }
    const shown = variants[0]?.s ?? plain(`UPDATE ${table(t.name)}`);
    record("update", summariseUpdates(expectedParts), summariseUpdates(actualParts), first, cellDetail(changeable, rows.size, first?.sql ?? shown.sql, first ? [...first.params] : shown.params));
  }

  {
    let allowedExpected = 0;
    let allowedActual = 0;
    let first: Mismatch | null = null;
    for (const [i, candidate] of candidates.entries()) {
      const { outcome, who } = insertResults[i];
      const allowed = mayDo(model, t, "insert", ctx, null, candidate, world);
      const succeeded = outcome.sqlstate === undefined;
      if (allowed) allowedExpected++;
      if (succeeded) allowedActual++;
      const ok = allowed ? succeeded : outcome.sqlstate === DENIED;
      if (!ok) {
        const s = insertChecks[i].statement;
        first ??= mismatch("insert", s.sql, s.params, who, allowed ? "inserted" : `refused (${DENIED})`, succeeded ? "inserted" : `error ${outcome.sqlstate}: ${outcome.message}`);
      }
    }
    const n = candidates.length;
    const sql = insertStatement(t, insertCandidates[0] ?? {}).sql;
    record("insert", `${allowedExpected}/${n} allowed`, `${allowedActual}/${n} allowed`, first, {
      may: { allowed: allowedExpected, of: n },
      sql: first?.sql ?? sql,
      params: first ? [...first.params] : t.columns.map((c) => (insertCandidates[0] ?? {})[c.name] ?? null),
    });
  }
  return { cells, mismatches };
}

/** What verification sets up inside its savepoint: the principals, sample rows in every table, and a way to act as a principal. */
export interface Verification {
  readonly principals: readonly Principal[];
  /** Per table, the sample rows by key (as keyExpression prints it). */
  readonly tableRows: ReadonlyMap<string, Map<string, Row>>;
  readonly samplesByTable: ReadonlyMap<string, TableSamples>;
  /** Found while setting up (a table the design forces that is not forced). */
  readonly setupMismatches: readonly Mismatch[];
  /** The sample rows of every table, for the parts of the meaning that read other tables (spec §4). */
  readonly world: World;
  attempt(
    p: Principal,
    sql: string,
    params: Value[],
    after?: (o: Outcome, rows: { k: string }[]) => Promise<void>,
    only?: { table: ModelTable; keys: readonly string[] },
  ): Promise<{ outcome: Outcome; who: { role: string; claims: Claims } }>;
  /**
   * Many checks at once, each exactly as `attempt` would run it: in batches of one server-side
   * call (lib/verify/batch.ts) where the session may create a temporary function, else (or for a
   * batch the server cut short, e.g. by statement_timeout) statement by statement. Results come
   * back per run, in order; statement by statement, a run ends at the first result its `stop` accepts.
   */
  run(runs: readonly Run[]): Promise<Attempted[][]>;
  /** Each row's key and version (ctid) in `t`, read as the session's own role. */
  readVersions(t: ModelTable): Promise<Map<string, string>>;
  /** How many statements ran as a principal so far. */
  checks(): number;
}

/**
 * Sets verification up inside a savepoint of the session's transaction (time zone, roles, foreign
 * keys dropped, FORCE lifted, sample rows written), runs `fn`, and rolls the savepoint back.
 */
export async function withVerification<T>(
  model: Model,
  session: VerifySession,
  /** The tables given sample rows (`present`) and those whose setup is checked (`checked`); all of them unless verifyBundle works group by group. */
  scope: { readonly present: readonly ModelTable[]; readonly checked: readonly ModelTable[]; readonly statementByStatement?: boolean } | null,
  fn: (v: Verification) => Promise<T>,
): Promise<T> {
  const present = scope?.present ?? model.tables;
  const checked = scope?.checked ?? model.tables;
  const dialect = dialectFor(model);
  const principals = principalsFor(model);
  let checks = 0;

  await session.query("SAVEPOINT rlsd_verify");
  try {
    await session.query("select set_config('TimeZone', 'UTC', true)");
    // FORCE is lifted below so sample rows can be written; whether the design's tables are forced is read first.
    const setupMismatches = (await unforcedTables(model, session)).filter((m) => checked.some((t) => t.name === m.table));
    await prepareSession(present, session, [dialect.signedInRole, dialect.anonymousRole]);
    const tableRows = new Map<string, Map<string, Row>>();
    for (const t of model.tables) tableRows.set(t.name, new Map());
    // The batch functions (lib/verify/batch.ts), unless the session may not create them (no TEMP privilege, say).
    let batching = false;
    if (!scope?.statementByStatement) {
      try {
        await session.exec(`SAVEPOINT rlsd_batch; ${batchFunctionSql()} RELEASE SAVEPOINT rlsd_batch;`);
        batching = true;
      } catch {
        await session.exec("ROLLBACK TO SAVEPOINT rlsd_batch; RELEASE SAVEPOINT rlsd_batch;");
      }
    }
    const write = async (list: readonly { table: ModelTable; row: Row }[]) => {
      const keys = await insertRows(session, list, batching);
      for (const [i, { table: t, row }] of list.entries()) tableRows.get(t.name)!.set(keys[i], row);
    };
    // For `tables` tenancy: the membership and active-organization rows that make each principal who they are.
    await write(membershipRows(model, principals));
    const seen = await policyLiterals(model, session);
    // Parents and shared tables first: a child's reference and a sharing table's rows take their keys (spec §4).
    const samplesByTable = new Map<string, TableSamples>();
    for (const t of samplingOrder(model, present)) {
      const samples = generateSamples(model, t, principals, isMembershipTable(model, t), seen.get(t.name) ?? [], relatedValues(model, t, principals, tableRows));
      samplesByTable.set(t.name, samples);
      await write(samples.rows.map((row) => ({ table: t, row })));
    }
    const world: World = { rowsOf: (name) => [...(tableRows.get(name)?.values() ?? [])] };

    /**
     * The statements that make the session act as `p`: literals rather than parameters, so they
     * travel in one round trip with the savepoint (PGlite pays per round trip, not per statement).
     */
    const become = (p: Principal) => {
      const role = p.signedIn ? dialect.signedInRole : dialect.anonymousRole;
      const claims = claimsFor(model, p);
      const setting = claimsSetting(model, p);
      const sql = `SELECT pg_catalog.set_config('role', ${sqlLiteral(role)}, true), pg_catalog.set_config('request.jwt.claims', ${sqlLiteral(setting)}, true);`;
      return { who: { role, claims }, sql, setting };
    };
    /**
     * One statement as `p`, in a savepoint that is rolled back; `after` reads its effect as the
     * session's own role. With `only`, the other rows of `only.table` are deleted first (as the
     * session's own role, inside the savepoint), so the statement meets those rows alone: one row
     * that fails WITH CHECK then cannot hide what USING admits on the others.
     */
    const attempt = async (
      p: Principal,
      sql: string,
      params: Value[],
      after?: (o: Outcome, rows: { k: string }[]) => Promise<void>,
      only?: { table: ModelTable; keys: readonly string[] },
    ) => {
      checks++;
      const outcome: Outcome = {};
      let who = { role: "", claims: {} as Claims };
      const acting = become(p);
      try {
        if (only) {
          // The other rows go as the session's own role, before it acts as `p`.
          await session.exec("SAVEPOINT rlsd_check;");
          await session.query(`DELETE FROM ${table(only.table.name)} WHERE NOT (${keyExpression(only.table)} = ANY ($1::text[]))`, [only.keys]);
          await session.exec(acting.sql);
        } else {
          await session.exec(`SAVEPOINT rlsd_check; ${acting.sql}`);
        }
        who = acting.who;
        const result = await session.query<{ k: string }>(sql, params.map(param));
        // ROLLBACK TO below restores the role and claims on its own; only a read as the session's role needs them back now.
        if (after) {
          await session.query("RESET ROLE");
          await after(outcome, result.rows);
        }
      } catch (error) {
        outcome.sqlstate = sqlstateOf(error);
        outcome.message = (error as Error).message;
        // A token of an odd shape may be refused by the auth function itself (Supabase's auth.uid()
        // casts a numeric sub to uuid: 22P02): the statement sees and changes nothing, as a denial.
        if (p.oddToken && outcome.sqlstate === INVALID_TEXT) outcome.sqlstate = DENIED;
      } finally {
        // ROLLBACK TO keeps the savepoint: without RELEASE, each check would nest one level deeper
        // and hold a transaction-id lock until the end (the lock table overflowed at ~40 tables).
        await session.exec("ROLLBACK TO SAVEPOINT rlsd_check; RELEASE SAVEPOINT rlsd_check;");
      }
      return { outcome, who };
    };

    // Read after a principal's statement, before the rollback: qualified names only (see qualifiedKey).
    const readKeys = async (t: ModelTable) => new Set((await session.query<{ k: string }>(`SELECT ${qualifiedKey(t, "a")} AS k FROM ${table(t.name)} AS a`)).rows.map((r) => r.k));
    const readVersions = async (t: ModelTable) =>
      new Map(
        (await session.query<{ k: string; v: string }>(`SELECT ${qualifiedKey(t, "a")} AS k, a.ctid::pg_catalog.text AS v FROM ${table(t.name)} AS a`)).rows.map((r) => [r.k, r.v]),
      );

    /** A check statement by statement: `attempt` with the read its effect asks for. */
    const one = (c: Check) => {
      const e = c.effect;
      const after: ((o: Outcome, rows: { k: string }[]) => Promise<void>) | undefined =
        e.kind === "rows"
          ? async (o, visible) => {
              o.keys = new Set(visible.map((r) => r.k));
            }
          : e.kind === "gone"
            ? async (o) => {
                const remaining = await readKeys(c.table);
                o.keys = new Set(e.keys.filter((k) => !remaining.has(k)));
              }
            : e.kind === "changed"
              ? async (o) => {
                  const now = await readVersions(c.table);
                  o.keys = new Set(e.keys.filter((k) => now.get(k) !== c.versions.get(k)));
                }
              : undefined;
      return attempt(c.p, c.statement.sql, [...c.statement.params], after, c.only ? { table: c.table, keys: c.only } : undefined);
    };

    /** In a batch, `changed` and `only` find rows by their version (ctid), so each of those keys needs one from before the checks. */
    const batchable = (c: Check) => (c.effect.kind !== "changed" || c.effect.keys.every((k) => c.versions.has(k))) && (c.only ?? []).every((k) => c.versions.has(k));

    /** Up to BATCH_SIZE checks in one call; null when the call failed (then nothing of it remains). */
    const batch = async (list: readonly Check[]): Promise<Attempted[] | null> => {
      const b = new BatchBuilder();
      const acting = list.map((c) => become(c.p));
      const numbers: (number[] | null)[] = [];
      for (const [i, c] of list.entries()) {
        const e = c.effect;
        const keys = e.kind === "gone" || e.kind === "changed" ? e.keys.map((k) => b.key(c.table.name, k, c.versions.get(k) ?? null)) : null;
        numbers.push(keys);
        b.attempts.push({
          r: acting[i].who.role,
          c: acting[i].setting,
          s: e.kind === "rows" ? collectedSql(c.statement.batchSql) : c.statement.batchSql,
          ...(c.statement.params.length ? { p: textArray(c.statement.params.map(param)) } : {}),
          ...(e.kind === "rows" ? { m: 1 as const } : {}),
          ...(c.only ? { d: b.text(deleteOthersSql(c.table)), o: textArray(c.only.map((k) => c.versions.get(k)!)) } : {}),
          ...(keys ? { q: b.text(e.kind === "gone" ? goneSql(c.table) : changedSql(c.table)), i: `{${keys.join(",")}}` } : {}),
        });
      }
      let results: BatchResult[];
      try {
        await session.exec("SAVEPOINT rlsd_batch;");
        results = (await session.query<BatchResult>(`SELECT r_acted, r_done, r_state, r_message, r_seen, r_hit FROM pg_temp.rlsd_attempts($1::pg_catalog.jsonb)`, [b.json()])).rows;
        await session.exec("RELEASE SAVEPOINT rlsd_batch;");
      } catch {
        // Cut short (statement_timeout on PostgreSQL, say) or refused: these checks run again one by one.
        await session.exec("ROLLBACK TO SAVEPOINT rlsd_batch; RELEASE SAVEPOINT rlsd_batch;");
        return null;
      }
      if (results.length !== list.length) throw new Error(`verify: the batch of ${list.length} checks returned ${results.length} results`);
      checks += list.length;
      return list.map((c, i) => {
        const r = results[i];
        const outcome: Outcome = {};
        if (r.r_done) {
          const e = c.effect;
          if (e.kind === "rows") outcome.keys = new Set(r.r_seen ?? []);
          else if (e.kind === "gone" || e.kind === "changed") {
            const hit = new Set(r.r_hit ?? []);
            outcome.keys = new Set(e.keys.filter((_, j) => hit.has(numbers[i]![j])));
          }
        } else {
          outcome.sqlstate = r.r_state ?? "unknown";
          outcome.message = r.r_message ?? "";
          // As in attempt: an odd token refused by the auth function itself is a denial.
          if (c.p.oddToken && outcome.sqlstate === INVALID_TEXT) outcome.sqlstate = DENIED;
        }
        return { outcome, who: r.r_acted ? acting[i].who : { role: "", claims: {} as Claims } };
      });
    };

    const run = async (runs: readonly Run[]): Promise<Attempted[][]> => {
      if (!batching) {
        const out: Attempted[][] = runs.map(() => []);
        for (const [n, r] of runs.entries()) {
          for (const [i, c] of r.checks.entries()) {
            const result = await one(c);
            out[n].push(result);
            if (r.stop?.(result, i)) break;
          }
        }
        return out;
      }
      const flat = runs.flatMap((r, n) => r.checks.map((c, i) => ({ c, n, i })));
      const slots = runs.map((r) => new Array<Attempted>(r.checks.length));
      const queued = flat.filter((x) => batchable(x.c));
      for (let at = 0; at < queued.length; at += BATCH_SIZE) {
        const part = queued.slice(at, at + BATCH_SIZE);
        const results = (await batch(part.map((x) => x.c))) ?? [];
        for (const [j, x] of part.entries()) slots[x.n][x.i] = results[j] ?? (await one(x.c));
      }
      for (const x of flat) if (!batchable(x.c)) slots[x.n][x.i] = await one(x.c);
      return slots;
    };

    return await fn({
      principals, tableRows, samplesByTable, setupMismatches, attempt, run, readVersions, world,
      checks: () => checks,
    });
  } finally {
    await session.query("ROLLBACK TO SAVEPOINT rlsd_verify");
    await session.query("RELEASE SAVEPOINT rlsd_verify");
  }
}

/** "3 updates: 24 rows changed, 1 refused" from the per-update outcomes ("12", "refused", "error ..."). */
function summariseUpdates(parts: readonly string[]): string {
  if (parts.length === 0) return "no updates tried";
  const rows = parts.filter((p) => /^\d+$/.test(p)).reduce((sum, p) => sum + Number(p), 0);
  const refused = parts.filter((p) => p === "refused").length;
  const errors = parts.filter((p) => !/^\d+$/.test(p) && p !== "refused");
  const isDenied = (e: string) => e.startsWith("no privilege") || e.startsWith("error 42501");
  const denied = errors.filter(isDenied).length;
  const other = errors.filter((e) => !isDenied(e));
  const bits = [`${rows} rows changed`];
  if (refused) bits.push(`${refused} refused`);
  if (denied) bits.push(`${denied} without privilege`);
  if (other.length) bits.push(other[0]);
  return `${parts.length} updates: ${bits.join(", ")}`;
}

/**
 * Inside the savepoint, so all of it is rolled back: lets the session act as both roles, drops the
 * tables' foreign keys (they are not part of the meaning, and sample rows are chosen table by
 * table) and empties the tables. Needs only table ownership, not a superuser, so it works on Neon.
 */
async function prepareSession(tables: readonly ModelTable[], session: VerifySession, roles: readonly string[]): Promise<void> {
  for (const role of roles) {
    const member = await session.query<{ member: boolean }>("select pg_catalog.pg_has_role(current_user, $1, 'MEMBER') as member", [role]);
    if (!member.rows[0]?.member) await session.query(`GRANT ${quoteIdent(role)} TO CURRENT_USER`);
  }
  const names = tables.map((t) => `public.${quoteIdent(t.name)}`);
  // Both directions: a table outside these keeps its rows, which must not hold back the DELETE below.
  const foreignKeys = await session.query<{ relation: string; name: string }>(
    `select conrelid::regclass::text as relation, conname as name from pg_catalog.pg_constraint
      where contype = 'f' and (conrelid = any (select pg_catalog.to_regclass(n) from unnest($1::text[]) as n)
                            or confrelid = any (select pg_catalog.to_regclass(n) from unnest($1::text[]) as n))`,
    [names],
  );
  for (const fk of foreignKeys.rows) await session.query(`ALTER TABLE ${fk.relation} DROP CONSTRAINT ${quoteIdent(fk.name)}`);
  // Sample rows carry the keys and values verify chose. An adopted table's identity column that is
  // GENERATED ALWAYS, or a generated column, would refuse them (428C9), though neither changes what a
  // policy allows: inside the savepoint, the first takes values BY DEFAULT and the second becomes plain.
  const generated = await session.query<{ relation: string; column: string; identity: boolean }>(
    `select a.attrelid::regclass::text as relation, a.attname as column, a.attidentity = 'a' as identity from pg_catalog.pg_attribute a
      where a.attnum > 0 and not a.attisdropped and (a.attidentity = 'a' or a.attgenerated <> '')
        and a.attrelid = any (select pg_catalog.to_regclass(n) from unnest($1::text[]) as n)`,
    [names],
  );
  for (const g of generated.rows) {
    await session.query(`ALTER TABLE ${g.relation} ALTER COLUMN ${quoteIdent(g.column)} ${g.identity ? "SET GENERATED BY DEFAULT" : "DROP EXPRESSION"}`);
  }
  // Sample rows are written as the tables' owner, which FORCE ROW LEVEL SECURITY would hold to the policies.
  const forced = await session.query<{ relation: string }>(
    `select oid::regclass::text as relation from pg_catalog.pg_class
      where relforcerowsecurity and oid = any (select pg_catalog.to_regclass(n) from unnest($1::text[]) as n)`,
    [names],
  );
  for (const { relation } of forced.rows) await session.query(`ALTER TABLE ${relation} NO FORCE ROW LEVEL SECURITY`);
  for (const t of tables) await session.query(`DELETE FROM ${table(t.name)}`);
}

/**
 * Per table, the literals its policies compare with, read from the database (pg_policy): verify
 * tries them as sample values too, so that a policy changed by hand to admit a value the design
 * never names (a widened list, a moved boundary) meets a row that carries it. In policy-name order:
 * the samples they seed must not depend on the order the catalog returns its rows in.
 */
async function policyLiterals(model: Model, session: VerifySession): Promise<Map<string, (string | number)[]>> {
  const names = model.tables.map((t) => `public.${quoteIdent(t.name)}`);
  const found = await session.query<{ name: string; qual: string | null; check: string | null }>(
    `select c.relname as name, pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as check
       from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
      where p.polrelid = any (select pg_catalog.to_regclass(n) from pg_catalog.unnest($1::pg_catalog.text[]) as n)
      order by c.relname, p.polname`,
    [names],
  );
  const byTable = new Map<string, string[]>();
  for (const r of found.rows) byTable.set(r.name, [...(byTable.get(r.name) ?? []), ...[r.qual, r.check].filter((e): e is string => e !== null)]);
  return new Map([...byTable].map(([name, expressions]) => [name, literalsOf(expressions, model.roles)]));
}

const FORCED_SQL = `select c.relname as name from pg_catalog.pg_class c
  where c.relforcerowsecurity and c.oid = any (select pg_catalog.to_regclass(n) from pg_catalog.unnest($1::pg_catalog.text[]) as n)`;

/**
 * With "forceRowLevelSecurity", the tables' owner obeys the policies too: it is a principal of the
 * meaning that holds no claims, so it may do nothing a signed-in user could not. Verification acts
 * as the owner to write its sample rows, so FORCE is read from the catalog instead of tried.
 */
async function unforcedTables(model: Model, session: VerifySession): Promise<Mismatch[]> {
  const wanted = model.tables.filter((t) => forcesRowLevelSecurity(model, t));
  if (wanted.length === 0) return [];
  const forced = new Set((await session.query<{ name: string }>(FORCED_SQL, [wanted.map((t) => table(t.name))])).rows.map((r) => r.name));
  return wanted
    .filter((t) => !forced.has(t.name))
    .map((t) => ({
      table: t.name, principal: "the tables' owner", operation: "select" as const, sql: FORCED_SQL, params: [], role: "(the session's own)", claims: {},
      expected: "FORCE ROW LEVEL SECURITY: the owner obeys the policies", actual: "not forced: the owner bypasses every policy",
    }));
}

/**
 * New rows that pass `p`'s firewall (their organization, their own id as the owner), so the role
 * list and the check are tried on rows the firewall would not refuse anyway: a few of the sample
 * candidates with the firewall columns replaced and fresh keys.
 */
export function ownInsertCandidates(model: Model, t: ModelTable, p: Principal, candidates: readonly Row[], tableIndex: number): Row[] {
  if (!p.signedIn || t.firewall.kind !== "isolated") return [];
  const { organization, owner } = t.firewall;
  const org = p.claimedOrg ?? p.membershipOrg ?? null;
  const [orgA, orgB] = organizationsFor(model);
  return candidates.slice(0, 5).map((c, i) => {
    const row: Record<string, Value> = { ...c };
    // The last one moves to the other organization: the organization part of WITH CHECK alone decides it.
    if (organization && org !== null) row[organization] = i === 4 ? (org === orgA ? orgB : orgA) : org;
    if (owner && p.userId !== null) row[owner.column] = p.userId;
    for (const name of t.primaryKey) {
      const column = t.columns.find((x) => x.name === name)!;
      if (name !== organization && name !== owner?.column) row[name] = nthValue(column.type, 60_000 + tableIndex * 100 + i);
    }
    return row;
  });
}

export function isMembershipTable(model: Model, t: ModelTable): boolean {
  return model.tenancy?.source === "tables" && (t.name === model.tenancy.membership.table || t.name === model.tenancy.activeOrg.table);
}

function cellDetail(allowed: Set<string>, total: number, sql: string, params: readonly Value[]): Pick<Cell, "may" | "sql" | "params" | "rows"> {
  return { may: { allowed: allowed.size, of: total }, sql, params, rows: [...allowed].slice(0, CELL_ROW_KEYS) };
}

function keysWhere(rows: Map<string, Row>, allowed: (row: Row) => boolean): Set<string> {
  return new Set([...rows].filter(([, row]) => allowed(row)).map(([k]) => k));
}

function describeRows(keys: Set<string>, total: number): string {
  return `${keys.size}/${total} rows`;
}

/** Denied may also show as "no privilege at all" (42501), which the meaning allows for select, update and delete. */
function compareRows(expected: Set<string>, outcome: Outcome, total: number): { ok: boolean; actual: string } {
  if (!outcome.keys) {
    const ok = expected.size === 0 && outcome.sqlstate === DENIED;
    return { ok, actual: ok ? `no privilege (${DENIED})` : `error ${outcome.sqlstate}: ${outcome.message}` };
  }
  const same = outcome.keys.size === expected.size && [...expected].every((k) => outcome.keys!.has(k));
  if (same) return { ok: true, actual: describeRows(outcome.keys, total) };
  const extra = [...outcome.keys].filter((k) => !expected.has(k));
  const missing = [...expected].filter((k) => !outcome.keys!.has(k));
  const detail = [extra.length ? `unexpected ${extra.slice(0, 3).join(" ")}` : "", missing.length ? `missing ${missing.slice(0, 3).join(" ")}` : ""].filter(Boolean).join("; ");
  return { ok: false, actual: `${describeRows(outcome.keys, total)} (${detail})` };
}

function compareUpdated(expected: Set<string>, outcome: Outcome, total: number): { ok: boolean; actual: string } {
  const result = compareRows(expected, outcome, total);
  return { ok: result.ok, actual: outcome.keys ? String(outcome.keys.size) : result.actual };
}

function compareRefused(outcome: Outcome): { ok: boolean; actual: string } {
  if (outcome.sqlstate === DENIED) return { ok: true, actual: "refused" };
  if (outcome.keys) return { ok: false, actual: `${outcome.keys.size} rows updated` };
  return { ok: false, actual: `error ${outcome.sqlstate}: ${outcome.message}` };
}

/** A row's primary key as PostgreSQL prints it, the one way rows are named throughout verification. */
export function keyExpression(t: ModelTable): string {
  return `json_build_array(${t.primaryKey.map((c) => `${quoteIdent(c)}::text`).join(", ")})::text`;
}

async function insertRow(session: VerifySession, t: ModelTable, row: Row): Promise<string> {
  const columns = t.columns.map((c) => c.name);
  const keyExpr = keyExpression(t);
  const result = await session.query<{ k: string }>(
    `INSERT INTO ${table(t.name)} (${columns.map(quoteIdent).join(", ")}) VALUES (${t.columns.map((c, i) => `$${i + 1}::${c.type}`).join(", ")}) RETURNING ${keyExpr} AS k`,
    columns.map((c) => param(row[c])),
  );
  return result.rows[0].k;
}

/**
 * Writes `list` in order and returns each row's key: with `together`, BATCH_SIZE rows a round trip
 * through the rows function (the same statements, `($1[1])::type` for `$1::type`), else, or when
 * that call fails, one by one.
 */
async function insertRows(session: VerifySession, list: readonly { table: ModelTable; row: Row }[], together: boolean): Promise<string[]> {
  const keys: string[] = [];
  if (!together) {
    for (const { table: t, row } of list) keys.push(await insertRow(session, t, row));
    return keys;
  }
  for (let at = 0; at < list.length; at += BATCH_SIZE) {
    const part = list.slice(at, at + BATCH_SIZE).map(({ table: t, row }) => {
      const s = insertStatement(t, row);
      return { s: `${s.batchSql} RETURNING ${keyExpression(t)} AS k`, p: textArray(s.params.map(param)) };
    });
    try {
      await session.exec("SAVEPOINT rlsd_rows;");
      const result = await session.query<{ k: string }>("SELECT k FROM pg_temp.rlsd_rows($1::pg_catalog.jsonb) AS r(k)", [JSON.stringify(part)]);
      await session.exec("RELEASE SAVEPOINT rlsd_rows;");
      keys.push(...result.rows.map((r) => r.k));
    } catch {
      // One by one, a row that cannot be written fails verify as it always did, with the statement's own error.
      await session.exec("ROLLBACK TO SAVEPOINT rlsd_rows; RELEASE SAVEPOINT rlsd_rows;");
      for (const { table: t, row } of list.slice(at, at + BATCH_SIZE)) keys.push(await insertRow(session, t, row));
    }
  }
  return keys;
}

/** The rows insertMemberships writes, in its order (pure: the pgTAP export writes the same rows). */
export function membershipRows(model: Model, principals: readonly Principal[]): { table: ModelTable; row: Row }[] {
  if (model.tenancy?.source !== "tables") return [];
  const { membership, activeOrg } = model.tenancy;
  const rowFor = (t: ModelTable, values: Record<string, Value>, n: number): Row => {
    const row: Record<string, Value> = {};
    for (const c of t.columns) row[c.name] = c.name in values ? values[c.name] : c.primaryKey ? nthValue(c.type, 5000 + n) : filler(c, n);
    return row;
  };
  const members = model.tables.find((t) => t.name === membership.table)!;
  const sessions = model.tables.find((t) => t.name === activeOrg.table)!;
  const out: { table: ModelTable; row: Row }[] = [];
  for (const [n, p] of principals.entries()) {
    if (!p.signedIn || p.claimedOrg === null || p.userId === null) continue;
    if (p.membershipOrg) out.push({ table: members, row: rowFor(members, { [membership.org]: p.membershipOrg, [membership.user]: p.userId, [membership.role]: p.claimedRole ?? "(none)" }, n) });
    if (p.member) out.push({ table: members, row: rowFor(members, { [membership.org]: p.claimedOrg, [membership.user]: p.userId, [membership.role]: p.claimedRole ?? "(none)" }, n) });
    if (p.noActiveOrg) continue;
    out.push({ table: sessions, row: rowFor(sessions, { [activeOrg.user]: p.userId, [activeOrg.org]: p.claimedOrg }, n) });
  }
  return out;
}
