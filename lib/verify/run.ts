import { numberText, quoteIdent, type Model, type ModelTable, type Operation } from "../design";
import { dialectFor } from "../targets";
import { mayDo, type Context, type Row, type Value } from "./oracle";
import { claimsFor, claimsSetting, effectiveContext, principalsFor, type Claims, type Principal } from "./principals";
import { privilegeWarnings } from "./privileges";
import { filler, generateSamples, nthValue } from "./samples";

/** The part of a database connection verification needs; lib/db's Session fits it. */
export interface VerifySession {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

export interface Cell {
  readonly table: string;
  readonly principal: string;
  readonly operation: Operation;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

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

interface Outcome {
  keys?: Set<string>;
  sqlstate?: string;
  message?: string;
}

const table = (name: string) => `public.${quoteIdent(name)}`;
const DENIED = "42501";

function sqlstateOf(error: unknown): string {
  const e = error as { sqlstate?: string; code?: string };
  return e.sqlstate ?? e.code ?? "unknown";
}

function param(value: Value): string | null {
  if (value === null) return null;
  return typeof value === "number" ? numberText(value) : String(value);
}

/**
 * Runs every operation as every principal on every table and compares each outcome with the
 * meaning. The session must be inside a transaction in which the design's migrations are
 * applied; verification leaves that transaction as it found it (every step is a savepoint).
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
  options: { readonly tables?: readonly string[] } = {},
): Promise<VerifyReport> {
  const dialect = dialectFor(model);
  const only = options.tables ? new Set(options.tables) : null;
  const checked = only ? model.tables.filter((t) => only.has(t.name)) : model.tables;
  const present = only ? model.tables.filter((t) => only.has(t.name) || isMembershipTable(model, t)) : model.tables;
  const warnings = await privilegeWarnings(model, session, appRoles);
  const principals = principalsFor(model);
  const cells: Cell[] = [];
  const mismatches: Mismatch[] = [];
  let checks = 0;

  await session.query("SAVEPOINT rlsd_verify");
  try {
    await session.query("select set_config('TimeZone', 'UTC', true)");
    await prepareSession(present, session, [dialect.signedInRole, dialect.anonymousRole]);
    const tableRows = new Map<string, Map<string, Row>>();
    for (const t of model.tables) tableRows.set(t.name, new Map());
    await insertMemberships(model, session, principals, tableRows);
    const samplesByTable = new Map(present.map((t) => [t.name, generateSamples(model, t, principals, isMembershipTable(model, t))]));
    for (const t of present) {
      const { rows } = samplesByTable.get(t.name)!;
      for (const row of rows) tableRows.get(t.name)!.set(await insertRow(session, t, row), row);
    }

    const become = async (p: Principal) => {
      const role = p.signedIn ? dialect.signedInRole : dialect.anonymousRole;
      const claims = claimsFor(model, p);
      await session.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [role, claimsSetting(model, p)]);
      return { role, claims };
    };
    /** One statement as `p`, in a savepoint that is rolled back; `after` reads its effect as the session's own role. */
    const attempt = async (p: Principal, sql: string, params: Value[], after?: (o: Outcome, rows: { k: string }[]) => Promise<void>) => {
      checks++;
      await session.query("SAVEPOINT rlsd_check");
      const outcome: Outcome = {};
      let who = { role: "", claims: {} as Claims };
      try {
        who = await become(p);
        const result = await session.query<{ k: string }>(sql, params.map(param));
        await session.query("RESET ROLE");
        if (after) await after(outcome, result.rows);
      } catch (error) {
        outcome.sqlstate = sqlstateOf(error);
        outcome.message = (error as Error).message;
      } finally {
        // ROLLBACK TO keeps the savepoint: without RELEASE, each check would nest one level deeper
        // and hold a transaction-id lock until the end (the lock table overflowed at ~40 tables).
        await session.query("ROLLBACK TO SAVEPOINT rlsd_check");
        await session.query("RELEASE SAVEPOINT rlsd_check");
      }
      return { outcome, who };
    };

    for (const [index, t] of checked.entries()) {
      onProgress?.({ table: t.name, index, total: checked.length });
      const rows = tableRows.get(t.name)!;
      const samples = samplesByTable.get(t.name)!;
      const keyExpr = keyExpression(t);
      const readKeys = async () => new Set((await session.query<{ k: string }>(`SELECT ${keyExpr} AS k FROM ${table(t.name)}`)).rows.map((r) => r.k));
      const readVersions = async () =>
        new Map((await session.query<{ k: string; v: string }>(`SELECT ${keyExpr} AS k, ctid::text AS v FROM ${table(t.name)}`)).rows.map((r) => [r.k, r.v]));
      // Every check rolls back, so the rows keep these versions (ctid) between checks; an updated row gets a new one.
      const baseVersions = await readVersions();
      const pkOf = (row: Row) => JSON.stringify(t.primaryKey.map((c) => row[c]));
      const existing = new Set([...rows.values()].map(pkOf));
      const insertCandidates = samples.insertCandidates.filter((c) => !existing.has(pkOf(c)));

      for (const p of principals) {
        const ctx: Context = { signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) };
        type Who = { role: string; claims: Claims };
        const mismatch = (operation: Operation, sql: string, params: Value[], who: Who, expected: string, actual: string): Mismatch => ({
          table: t.name, principal: p.name, operation, sql, params, role: who.role, claims: who.claims, expected, actual,
        });
        /** One cell of the matrix; `firstMismatch` is the statement that showed a difference, if any. */
        const record = (operation: Operation, expected: string, actual: string, firstMismatch: Mismatch | null) => {
          cells.push({ table: t.name, principal: p.name, operation, expected, actual, ok: firstMismatch === null });
          if (firstMismatch) mismatches.push(firstMismatch);
        };

        // select: exactly the rows the meaning allows are visible.
        {
          const sql = `SELECT ${keyExpr} AS k FROM ${table(t.name)}`;
          const expected = keysWhere(rows, (row) => mayDo(model, t, "select", ctx, row, null));
          const { outcome, who } = await attempt(p, sql, [], async (o, visible) => {
            o.keys = new Set(visible.map((r) => r.k));
          });
          const { ok, actual } = compareRows(expected, outcome, rows.size);
          const wanted = describeRows(expected, rows.size);
          record("select", wanted, actual, ok ? null : mismatch("select", sql, [], who, wanted, actual));
        }

        // delete: exactly the allowed rows go.
        {
          const sql = `DELETE FROM ${table(t.name)}`;
          const expected = keysWhere(rows, (row) => mayDo(model, t, "delete", ctx, row, null));
          const { outcome, who } = await attempt(p, sql, [], async (o) => {
            const remaining = await readKeys();
            o.keys = new Set([...rows.keys()].filter((k) => !remaining.has(k)));
          });
          const { ok, actual } = compareRows(expected, outcome, rows.size);
          const wanted = describeRows(expected, rows.size);
          record("delete", wanted, actual, ok ? null : mismatch("delete", sql, [], who, wanted, actual));
        }

        // update: each variant sets constants on every row the principal may change; one forbidden new row refuses the statement.
        {
          const expectedParts: string[] = [];
          const actualParts: string[] = [];
          let first: Mismatch | null = null;
          const changeable = keysWhere(rows, (row) => mayDo(model, t, "update", ctx, row, null));
          for (const variant of samples.updateVariants) {
            const columns = Object.keys(variant);
            const sql = `UPDATE ${table(t.name)} SET ${columns.map((c, i) => `${quoteIdent(c)} = $${i + 1}::${t.columns.find((x) => x.name === c)!.type}`).join(", ")}`;
            const params = columns.map((c) => variant[c]);
            const refused = [...changeable].some((k) => !mayDo(model, t, "update", ctx, null, { ...rows.get(k)!, ...variant }));
            const { outcome, who } = await attempt(p, sql, params, async (o) => {
              const after = await readVersions();
              o.keys = new Set([...baseVersions.keys()].filter((k) => after.get(k) !== baseVersions.get(k)));
            });
            const { ok, actual } = refused ? compareRefused(outcome) : compareUpdated(changeable, outcome, rows.size);
            expectedParts.push(refused ? "refused" : String(changeable.size));
            actualParts.push(actual);
            if (!ok) first ??= mismatch("update", sql, params, who, refused ? `refused (${DENIED})` : describeRows(changeable, rows.size), actual);
          }
          record("update", summariseUpdates(expectedParts), summariseUpdates(actualParts), first);
        }

        // insert: each new row alone; a refusal is SQLSTATE 42501.
        {
          let allowedExpected = 0;
          let allowedActual = 0;
          let first: Mismatch | null = null;
          const columns = t.columns.map((c) => c.name);
          const sql = `INSERT INTO ${table(t.name)} (${columns.map(quoteIdent).join(", ")}) VALUES (${t.columns.map((c, i) => `$${i + 1}::${c.type}`).join(", ")})`;
          for (const candidate of insertCandidates) {
            const params = columns.map((c) => candidate[c]);
            const allowed = mayDo(model, t, "insert", ctx, null, candidate);
            const { outcome, who } = await attempt(p, sql, params);
            const succeeded = outcome.sqlstate === undefined;
            if (allowed) allowedExpected++;
            if (succeeded) allowedActual++;
            const ok = allowed ? succeeded : outcome.sqlstate === DENIED;
            if (!ok) {
              first ??= mismatch("insert", sql, params, who, allowed ? "inserted" : `refused (${DENIED})`, succeeded ? "inserted" : `error ${outcome.sqlstate}: ${outcome.message}`);
            }
          }
          const n = insertCandidates.length;
          record("insert", `${allowedExpected}/${n} allowed`, `${allowedActual}/${n} allowed`, first);
        }
      }
    }
  } finally {
    await session.query("ROLLBACK TO SAVEPOINT rlsd_verify");
    await session.query("RELEASE SAVEPOINT rlsd_verify");
  }

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
  // Sample rows are written as the tables' owner, which FORCE ROW LEVEL SECURITY would hold to the policies.
  const forced = await session.query<{ relation: string }>(
    `select oid::regclass::text as relation from pg_catalog.pg_class
      where relforcerowsecurity and oid = any (select pg_catalog.to_regclass(n) from unnest($1::text[]) as n)`,
    [names],
  );
  for (const { relation } of forced.rows) await session.query(`ALTER TABLE ${relation} NO FORCE ROW LEVEL SECURITY`);
  for (const t of tables) await session.query(`DELETE FROM ${table(t.name)}`);
}

function isMembershipTable(model: Model, t: ModelTable): boolean {
  return model.tenancy?.source === "tables" && (t.name === model.tenancy.membership.table || t.name === model.tenancy.activeOrg.table);
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
function keyExpression(t: ModelTable): string {
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

/** For `tables` tenancy: the membership and active-organization rows that make each principal who they are. */
async function insertMemberships(model: Model, session: VerifySession, principals: readonly Principal[], tableRows: Map<string, Map<string, Row>>) {
  if (model.tenancy?.source !== "tables") return;
  const { membership, activeOrg } = model.tenancy;
  const rowFor = (t: ModelTable, values: Record<string, Value>, n: number): Row => {
    const row: Record<string, Value> = {};
    for (const c of t.columns) row[c.name] = c.name in values ? values[c.name] : c.primaryKey ? nthValue(c.type, 5000 + n) : filler(c, n);
    return row;
  };
  const members = model.tables.find((t) => t.name === membership.table)!;
  const sessions = model.tables.find((t) => t.name === activeOrg.table)!;
  for (const [n, p] of principals.entries()) {
    if (!p.signedIn || p.claimedOrg === null) continue;
    if (p.member) {
      const row = rowFor(members, { [membership.org]: p.claimedOrg, [membership.user]: p.userId, [membership.role]: p.claimedRole ?? "(none)" }, n);
      tableRows.get(members.name)!.set(await insertRow(session, members, row), row);
    }
    const row = rowFor(sessions, { [activeOrg.user]: p.userId, [activeOrg.org]: p.claimedOrg }, n);
    tableRows.get(sessions.name)!.set(await insertRow(session, sessions, row), row);
  }
}
