import { OPERATIONS, quoteIdent, type Model, type ModelTable, type Operation } from "../design";
import type { Bundle } from "../compiler";
import { applyWithin, DatabaseRestartedError, inRolledBackTransaction, type Database, type Session } from "../db";
import { dialectFor } from "../targets";
import { mayDo, type Context, type Row, type Value } from "../verify/oracle";
import { claimsSetting, effectiveContext, type Claims } from "../verify/principals";
import { qualifiedKey } from "../verify/batch";
import { isMembershipTable, param, withVerification, type Verification } from "../verify/run";
import { filler, nthValue } from "../verify/samples";
import { checkStatement } from "./statement";

/**
 * The "View as" playground: the design applied inside a transaction that is always rolled back,
 * verify's sample rows and principals written there, and statements run as one principal, in the
 * database itself (never on a copy of the rows read with more rights).
 *
 * What keeps a statement the user writes inside the principal's role and inside the transaction:
 * - checkStatement: one query or data change (the driver's extended protocol refuses a second
 *   statement), so no SET/RESET ROLE, SET SESSION AUTHORIZATION, COMMIT, DO, COPY, CALL;
 * - the one function that changes a setting from inside a query, pg_catalog.set_config (also what
 *   UPDATE pg_settings calls), loses EXECUTE for PUBLIC inside the transaction, and the server
 *   checks that the signed-in role may not call it before running anything as that role;
 * - after the statement, current_user and session_user are read: anything else throws away
 *   the result; and the transaction is rolled back whatever happens;
 * - what is read after the statement, before its savepoint is rolled back (that check, and the
 *   rows as the owner), names everything with its schema (pg_catalog.text, public."t"): the
 *   temporary schema is searched first for types and tables, so a pg_temp.text the statement
 *   made (through a function or trigger it may call) would otherwise be what `::text` means;
 * - the statement has a deadline: on the embedded database in its worker thread
 *   (lib/db/pglite-worker-host.ts) a statement that runs over it is stopped by restarting the
 *   worker (PGlite ignores statement_timeout); on PostgreSQL statement_timeout stops it.
 */

/** Verify's principal by name, or a token (and, for `tables` tenancy, membership rows) of the user's own. */
export type PlaygroundPrincipal =
  | { readonly kind: "verify"; readonly name: string }
  | {
      readonly kind: "custom";
      readonly signedIn: boolean;
      readonly claims: Claims;
      /** Tables tenancy: the user's (claims.sub's) memberships and active organization, written as the owner before acting. */
      readonly memberships?: readonly { readonly org: string; readonly role: string }[];
      readonly activeOrg?: string | null;
    };

export interface ActingAs {
  readonly name: string;
  readonly role: string;
  readonly claims: string;
  /** What the meaning of the design takes from the principal. */
  readonly context: Context;
  /** Whether verify's explanation of a cell exists for this principal (verify's own only). */
  readonly explainable: boolean;
}

export interface RowAccess {
  readonly key: string;
  readonly values: Row;
  /** What the database let the principal do to the row (update: the row written back unchanged). */
  readonly database: Record<"select" | "update" | "delete", boolean>;
  /** What the meaning of the design allows. */
  readonly meaning: Record<"select" | "update" | "delete", boolean>;
}

export interface InsertAccess {
  readonly key: string;
  readonly values: Row;
  readonly database: { readonly inserted: boolean; readonly sqlstate?: string; readonly message?: string };
  readonly meaning: boolean;
}

export interface TableView {
  readonly table: string;
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
  readonly rows: readonly RowAccess[];
  readonly inserts: readonly InsertAccess[];
  /** A statement refused as a whole (no privilege on the table): its SQLSTATE and message, per operation. */
  readonly errors: Partial<Record<Operation, string>>;
}

export interface PlaygroundView {
  readonly principal: ActingAs;
  readonly principals: readonly string[];
  readonly tables: readonly TableView[];
}

export type StatementResult =
  | { readonly ok: true; readonly principal: ActingAs; readonly rowCount: number; readonly columns: readonly string[]; readonly rows: readonly Record<string, unknown>[]; readonly truncated: boolean; readonly rolledBack: true }
  | { readonly ok: false; readonly principal?: ActingAs; readonly sqlstate?: string; readonly message: string; readonly refused?: boolean; readonly rolledBack: true };

export class PlaygroundError extends Error {}

/** The result rows a statement returns at most (the rest is counted, not sent). */
export const MAX_RESULT_ROWS = 200;
/**
 * How long each statement run as the principal may take (ms). On PostgreSQL statement_timeout
 * stops it; PGlite (measured, 0.5) ignores statement_timeout, so there the embedded database's
 * worker is stopped and opened again (QueryOptions.deadlineMs), and nothing the playground did is kept.
 */
export const STATEMENT_DEADLINE_MS = 5000;

export interface PlaygroundOptions {
  /** STATEMENT_DEADLINE_MS unless given (tests give a short one). */
  readonly deadlineMs?: number;
}

const SET_CONFIG = "pg_catalog.set_config(pg_catalog.text, pg_catalog.text, boolean)";
const quoted = (name: string) => `public.${quoteIdent(name)}`;


interface Acting {
  readonly as: ActingAs;
  /** Runs `fn` as the principal in a savepoint that is rolled back; `after` reads its effect as the owner. */
  run<T>(fn: (session: Session) => Promise<T>, after?: (value: T) => Promise<T>): Promise<{ value: T } | { sqlstate?: string; message: string }>;
}

function sqlstateOf(error: unknown): string | undefined {
  const e = error as { sqlstate?: string; code?: string };
  return e.sqlstate ?? e.code;
}

class RoleEscaped extends Error {}

function contextOf(model: Model, principal: PlaygroundPrincipal & { kind: "custom" }): Context {
  const claims = principal.claims;
  const userId = principal.signedIn && typeof claims.sub === "string" ? claims.sub : null;
  const base = { signedIn: principal.signedIn, userId };
  if (!principal.signedIn || !model.tenancy) return { ...base, org: null, role: null };
  if (model.tenancy.source === "claims") {
    const at = (path: readonly string[]) => path.reduce<unknown>((node, key) => (node && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined), claims);
    const org = at(model.tenancy.orgClaim);
    const role = at(model.tenancy.roleClaim);
    return typeof org === "string" ? { ...base, org, role: typeof role === "string" ? role : null } : { ...base, org: null, role: null };
  }
  const active = principal.activeOrg ?? null;
  const membership = principal.memberships?.find((m) => m.org === active);
  return userId !== null && active !== null && membership ? { ...base, org: active, role: membership.role } : { ...base, org: null, role: null };
}

/** The membership and active-organization rows of a custom principal (tables tenancy), as the owner writes them. */
async function writeMemberships(model: Model, session: Session, principal: PlaygroundPrincipal & { kind: "custom" }, v: Verification): Promise<void> {
  if (model.tenancy?.source !== "tables" || typeof principal.claims.sub !== "string") return;
  const { membership, activeOrg } = model.tenancy;
  const user = principal.claims.sub;
  const write = async (t: ModelTable, values: Record<string, Value>, n: number) => {
    const row: Record<string, Value> = {};
    for (const c of t.columns) row[c.name] = c.name in values ? values[c.name] : c.primaryKey ? nthValue(c.type, 7000 + n) : filler(c, n);
    const columns = t.columns.map((c) => c.name);
    const inserted = await session.query<{ k: string }>(
      `INSERT INTO ${quoted(t.name)} (${columns.map(quoteIdent).join(", ")}) VALUES (${t.columns.map((c, i) => `$${i + 1}::${c.type}`).join(", ")}) RETURNING ${qualifiedKey(t)} AS k`,
      columns.map((c) => param(row[c])),
    );
    (v.tableRows.get(t.name) as Map<string, Row>).set(inserted.rows[0].k, row);
  };
  const members = model.tables.find((t) => t.name === membership.table)!;
  const sessions = model.tables.find((t) => t.name === activeOrg.table)!;
  for (const [i, m] of (principal.memberships ?? []).entries()) await write(members, { [membership.user]: user, [membership.org]: m.org, [membership.role]: m.role }, i);
  if (principal.activeOrg) await write(sessions, { [activeOrg.user]: user, [activeOrg.org]: principal.activeOrg }, 50);
}

/**
 * Sets the playground up on `db` (the embedded database) inside a transaction that is rolled back
 * at the end, whatever `fn` does: the design's migrations the database lacks, verify's sample rows
 * and principals, the lock-down of set_config; then `fn` acts as `principal`.
 */
async function withPlayground<T>(model: Model, bundle: Bundle, db: Database, principal: PlaygroundPrincipal, options: PlaygroundOptions, fn: (acting: Acting, v: Verification, session: Session) => Promise<T>): Promise<T> {
  const deadlineMs = options.deadlineMs ?? STATEMENT_DEADLINE_MS;
  return inRolledBackTransaction(db, async (tx) => {
    await applyWithin(bundle, tx);
    return withVerification(model, tx, null, async (v) => {
      const dialect = dialectFor(model);
      let as: ActingAs;
      if (principal.kind === "verify") {
        const p = v.principals.find((x) => x.name === principal.name);
        if (!p) throw new PlaygroundError(`principal: no principal ${JSON.stringify(principal.name)}; the principals are: ${v.principals.map((x) => x.name).join(", ")}`);
        as = { name: p.name, role: p.signedIn ? dialect.signedInRole : dialect.anonymousRole, claims: claimsSetting(model, p), context: { signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) }, explainable: true };
      } else {
        await writeMemberships(model, tx, principal, v);
        as = { name: "custom token", role: principal.signedIn ? dialect.signedInRole : dialect.anonymousRole, claims: principal.signedIn || Object.keys(principal.claims).length > 0 ? JSON.stringify(principal.claims) : "", context: contextOf(model, principal), explainable: false };
      }
      await tx.query(`REVOKE EXECUTE ON FUNCTION ${SET_CONFIG} FROM PUBLIC`);
      for (const role of [dialect.signedInRole, dialect.anonymousRole]) {
        await tx.query(`REVOKE EXECUTE ON FUNCTION ${SET_CONFIG} FROM ${quoteIdent(role)}`);
        const may = await tx.query<{ may: boolean }>(`select pg_catalog.has_function_privilege($1, $2, 'EXECUTE') as may`, [role, SET_CONFIG]);
        if (may.rows[0]?.may !== false) throw new PlaygroundError(`the role ${role} may still call set_config (through another role it belongs to): the playground does not run statements as it`);
      }
      const owner = (await tx.query<{ s: string }>("select session_user::pg_catalog.text as s")).rows[0].s;
      // What the principal runs: each statement with the deadline.
      const bounded: Session = {
        query: (sql, params, queryOptions) => tx.query(sql, params, { deadlineMs, ...queryOptions }),
        exec: (script) => tx.exec(script),
      };
      const acting: Acting = {
        as,
        async run(inner, after) {
          await tx.query("SAVEPOINT rlsd_play");
          // Set when the embedded database was restarted under the statement: the transaction is gone.
          let lost = false;
          try {
            await tx.query("select pg_catalog.set_config('statement_timeout', $1, true)", [`${deadlineMs}ms`]);
            await tx.query("select pg_catalog.set_config('role', $1, true), pg_catalog.set_config('request.jwt.claims', $2, true)", [as.role, as.claims]);
            let value = await inner(bounded);
            const who = (await tx.query<{ u: string; s: string }>("select current_user::pg_catalog.text as u, session_user::pg_catalog.text as s")).rows[0];
            if (who.u !== as.role || who.s !== owner) throw new RoleEscaped(`the statement left the role ${as.role} (now ${who.u}, session ${who.s}): its result is not shown`);
            await tx.query("RESET ROLE");
            if (after) value = await after(value);
            return { value };
          } catch (error) {
            if (error instanceof RoleEscaped) return { sqlstate: "42501", message: error.message };
            if (error instanceof DatabaseRestartedError) {
              lost = true;
              throw error;
            }
            return { sqlstate: sqlstateOf(error), message: (error as Error).message };
          } finally {
            if (!lost) {
              await tx.query("ROLLBACK TO SAVEPOINT rlsd_play");
              await tx.query("RELEASE SAVEPOINT rlsd_play");
            }
          }
        },
      };
      return fn(acting, v, tx);
    });
  });
}

const failure = (r: { sqlstate?: string; message: string }) => `${r.sqlstate ?? "error"}: ${r.message}`;

/** Each table's sample rows with what the principal may do to each, tried as the principal; and which sample inserts pass. */
export async function viewAs(model: Model, bundle: Bundle, db: Database, principal: PlaygroundPrincipal, options: PlaygroundOptions = {}): Promise<PlaygroundView> {
  return withPlayground(model, bundle, db, principal, options, async (acting, v, owner) => {
    const ctx = acting.as.context;
    const world = v.world;
    const tables: TableView[] = [];
    for (const t of model.tables) {
      const rows = v.tableRows.get(t.name)!;
      // Qualified (the same text as verify's keys): read after the principal's statement, when a pg_temp.text of its making may exist.
      const keyExpr = qualifiedKey(t);
      const errors: Partial<Record<Operation, string>> = {};
      const keysNow = async (session: Session) => new Set((await session.query<{ k: string }>(`SELECT ${keyExpr} AS k FROM ${quoted(t.name)}`)).rows.map((r) => r.k));
      const versions = async () => new Map((await owner.query<{ k: string; v: string }>(`SELECT ${keyExpr} AS k, ctid::pg_catalog.text AS v FROM ${quoted(t.name)}`)).rows.map((r) => [r.k, r.v]));
      const base = await versions();

      const selected = await acting.run((s) => keysNow(s));
      if (!("value" in selected)) errors.select = failure(selected);
      const visible = "value" in selected ? selected.value : new Set<string>();

      // A DELETE has no WITH CHECK: one statement on all rows shows which ones the principal may delete.
      const deletedRun = await acting.run(async (s) => { await s.query(`DELETE FROM ${quoted(t.name)}`); return new Set<string>(); }, async () => {
        const left = await keysNow(owner);
        return new Set([...rows.keys()].filter((k) => !left.has(k)));
      });
      if (!("value" in deletedRun)) errors.delete = failure(deletedRun);
      const deleted = "value" in deletedRun ? deletedRun.value : new Set<string>();

      // Each row written back unchanged: all at once, then (when one row's check refuses the statement) row by row.
      const firstKey = quoteIdent(t.primaryKey[0]);
      const changedSince = async () => {
        const after = await versions();
        return new Set([...base.keys()].filter((k) => after.get(k) !== base.get(k)));
      };
      const updateAll = await acting.run(async (s) => { await s.query(`UPDATE ${quoted(t.name)} SET ${firstKey} = ${firstKey}`); return new Set<string>(); }, changedSince);
      let updated = new Set<string>();
      if ("value" in updateAll) updated = updateAll.value;
      else if (updateAll.sqlstate !== "42501" || !/row-level security/.test(updateAll.message)) errors.update = failure(updateAll);
      else {
        for (const k of rows.keys()) {
          const one = await acting.run(async (s) => {
            await s.query(`UPDATE ${quoted(t.name)} SET ${firstKey} = ${firstKey} WHERE ${keyExpr} OPERATOR(pg_catalog.=) $1`, [k]);
            return new Set<string>();
          }, changedSince);
          if ("value" in one && one.value.has(k)) updated.add(k);
        }
        updated = new Set(updated);
      }

      const rowAccess: RowAccess[] = [...rows].map(([key, values]) => ({
        key,
        values,
        database: { select: visible.has(key), update: updated.has(key), delete: deleted.has(key) },
        meaning: {
          select: mayDo(model, t, "select", ctx, values, null, world),
          update: mayDo(model, t, "update", ctx, values, values, world),
          delete: mayDo(model, t, "delete", ctx, values, null, world),
        },
      }));

      const inserts: InsertAccess[] = [];
      if (!isMembershipTable(model, t)) {
        const pkOf = (row: Row) => JSON.stringify(t.primaryKey.map((c) => row[c]));
        const existing = new Set([...rows.values()].map(pkOf));
        const columns = t.columns.map((c) => c.name);
        const sql = `INSERT INTO ${quoted(t.name)} (${columns.map(quoteIdent).join(", ")}) VALUES (${t.columns.map((c, i) => `$${i + 1}::${c.type}`).join(", ")})`;
        for (const candidate of v.samplesByTable.get(t.name)!.insertCandidates) {
          if (existing.has(pkOf(candidate))) continue;
          const result = await acting.run((s) => s.query(sql, columns.map((c) => param(candidate[c]))).then(() => true));
          inserts.push({
            key: pkOf(candidate),
            values: candidate,
            database: "value" in result ? { inserted: true } : { inserted: false, ...(result.sqlstate ? { sqlstate: result.sqlstate } : {}), message: result.message },
            meaning: mayDo(model, t, "insert", ctx, null, candidate, world),
          });
        }
      }
      tables.push({ table: t.name, columns: t.columns.map((c) => c.name), primaryKey: t.primaryKey, rows: rowAccess, inserts, errors });
    }
    return { principal: acting.as, principals: v.principals.map((p) => p.name), tables };
  });
}

/**
 * Runs one statement the user wrote as the principal, over the sample rows, and rolls it back.
 * Refused before anything runs unless it is one query or data change (checkStatement). One that
 * runs over the deadline ends with 57014 (on the embedded database, which is then restarted).
 */
export async function runAs(model: Model, bundle: Bundle, db: Database, principal: PlaygroundPrincipal, sql: string, options: PlaygroundOptions = {}): Promise<StatementResult> {
  const check = checkStatement(sql);
  if (!check.ok) return { ok: false, refused: true, message: check.message, rolledBack: true };
  let as: ActingAs | undefined;
  try {
    return await runChecked(model, bundle, db, principal, sql, options, (acting) => (as = acting));
  } catch (error) {
    if (!(error instanceof DatabaseRestartedError)) throw error;
    return { ok: false, ...(as ? { principal: as } : {}), sqlstate: error.sqlstate, message: error.message, rolledBack: true };
  }
}

async function runChecked(model: Model, bundle: Bundle, db: Database, principal: PlaygroundPrincipal, sql: string, options: PlaygroundOptions, acted: (as: ActingAs) => void): Promise<StatementResult> {
  return withPlayground(model, bundle, db, principal, options, async (acting) => {
    acted(acting.as);
    const result = await acting.run((s) => s.query<Record<string, unknown>>(sql));
    if (!("value" in result)) return { ok: false, principal: acting.as, ...(result.sqlstate ? { sqlstate: result.sqlstate } : {}), message: result.message, rolledBack: true };
    const rows = result.value.rows;
    const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
    return { ok: true, principal: acting.as, rowCount: result.value.rowCount, columns, rows: rows.slice(0, MAX_RESULT_ROWS), truncated: rows.length > MAX_RESULT_ROWS, rolledBack: true };
  });
}

/** The principals verify acts as for this design, by name. */
export { principalsFor } from "../verify/principals";
export const PLAYGROUND_OPERATIONS = OPERATIONS;
