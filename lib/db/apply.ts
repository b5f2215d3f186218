import type { Bundle } from "./bundle";
import { DEFAULT_DRIZZLE_LEDGER_TABLE, type Migration, readMigrations } from "./journal";
import { drizzleLedger, supabaseLedger, type Ledger } from "./ledger";
import { estimateApplyLocks, lockTableAdvice, readLockTable, transactionLockLimit } from "./lock-budget";
import { conflictingFunctions, extensionAvailable, standInFor, standInNeeded, standInNotice, type StandIn } from "./stand-in";
import { type Database, type Session, toDatabaseError } from "./types";

export interface ApplyProgress {
  step: "lock" | "ledger" | "stand-in" | "migration";
  /** For "migration": 0-based position among the migrations being applied now. */
  index?: number;
  total?: number;
  tag?: string;
}

export interface ApplyOptions {
  onProgress?: (e: ApplyProgress) => void;
}

export interface ApplyResult {
  /** Tags applied now, in order. */
  applied: string[];
  alreadyApplied: string[];
  /** Whether this run installed the pg_session_jwt stand-in. */
  standIn: boolean;
  notices: string[];
}

/** A failed apply. apply() has rolled everything back; after applyWithin() the caller must. */
export class ApplyError extends Error {
  /** Path of the migration file in the bundle, when a migration's statement failed. */
  readonly file?: string;
  /** 1-based position of the statement among the file's breakpoint-separated pieces. */
  readonly statement?: number;
  /** The statement, trimmed, at most about 500 characters. */
  readonly statementText?: string;
  readonly sqlstate?: string;
  /** The database's own message. */
  readonly databaseMessage: string;

  constructor(
    summary: string,
    details: { file?: string; statement?: number; statementText?: string; sqlstate?: string; databaseMessage: string; cause?: unknown },
  ) {
    const state = details.sqlstate ? ` [SQLSTATE ${details.sqlstate}]` : "";
    const text = details.statementText ? `\n${details.statementText}` : "";
    super(`${summary}: ${details.databaseMessage}${state}${text}`, { cause: details.cause });
    this.name = "ApplyError";
    this.file = details.file;
    this.statement = details.statement;
    this.statementText = details.statementText;
    this.sqlstate = details.sqlstate;
    this.databaseMessage = details.databaseMessage;
  }
}

/** Any fixed key works; all applies to one database take the same one. "rlsd" in hex. */
export const APPLY_LOCK_KEY = "1919710052";
const MAX_STATEMENT_CHARS = 500;

/**
 * Applies the bundle's pending drizzle migrations in one transaction: all of them, or none.
 * Keeps drizzle-orm's ledger, so `drizzle-kit migrate` afterwards finds nothing to do.
 */
export async function apply(bundle: Bundle, db: Database, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const migrations = await readMigrations(bundle);
  return db.transaction((tx) => applyMigrations(bundle, migrations, tx, opts));
}

/**
 * The same, inside a transaction the caller owns (e.g. to check a design and roll it all back).
 * The caller must roll back when this throws: statements before the failure have run.
 */
export async function applyWithin(bundle: Bundle, tx: Session, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyMigrations(bundle, await readMigrations(bundle), tx, opts);
}

export function ledgerOf(migrations: readonly Migration[]): Ledger {
  const first = migrations[0];
  return first?.ledger === "supabase" ? supabaseLedger : drizzleLedger(first?.ledgerTable ?? DEFAULT_DRIZZLE_LEDGER_TABLE);
}

async function applyMigrations(bundle: Bundle, migrations: readonly Migration[], tx: Session, opts: ApplyOptions): Promise<ApplyResult> {
  const progress = opts.onProgress ?? (() => {});
  const ledger = ledgerOf(migrations);
  progress({ step: "lock" });
  await step("could not take the apply lock", () => tx.query(`select pg_advisory_xact_lock(${APPLY_LOCK_KEY})`));
  progress({ step: "ledger" });
  await step(`could not prepare ${ledger.name}`, () => ledger.prepare(tx, migrations));
  const pending = await step(`could not read ${ledger.name}`, () => ledger.pending(migrations, tx));
  const result: ApplyResult = {
    applied: [],
    alreadyApplied: migrations.filter((m) => !pending.includes(m)).map((m) => m.tag),
    standIn: false,
    notices: [],
  };

  // Before any change: a bundle too large for the lock table would fail halfway through (and roll back).
  if (pending.length > 0) {
    const needed = estimateApplyLocks(pending);
    const table = await step("could not read the lock settings", () => readLockTable(tx));
    if (needed > transactionLockLimit(table)) {
      throw new ApplyError("the new migrations do not fit in one transaction", { sqlstate: "53200", databaseMessage: lockTableAdvice(needed, table) });
    }
  }

  const stand = pending.length > 0 ? standInFor(bundle, pending) : null;
  const useStandIn = stand !== null && (await step("could not look for the auth functions", () => standInNeeded(stand, tx)));
  if (stand && useStandIn) {
    progress({ step: "stand-in" });
    await installStandIn(stand, tx);
    result.standIn = true;
    result.notices.push(standInNotice(stand));
  }

  // A bare CREATE EXTENSION pg_session_jwt (older bundles) fails where it is unavailable; the stand-in stands for it.
  const bare = pending.some((m) => m.statements.some(createsSessionJwt));
  const skipSessionJwt = bare && !(await step("could not list available extensions", () => extensionAvailable(tx, "pg_session_jwt")));
  for (const [i, migration] of pending.entries()) {
    progress({ step: "migration", index: i, total: pending.length, tag: migration.tag });
    await runMigration(tx, migration, skipSessionJwt, ledger);
    result.applied.push(migration.tag);
  }
  return result;
}

/** Tags of the bundle's migrations the database has not recorded yet; takes no lock. */
export async function pendingMigrations(bundle: Bundle, db: Session): Promise<string[]> {
  const migrations = await readMigrations(bundle);
  const ledger = ledgerOf(migrations);
  if (!(await ledger.exists(db))) return migrations.map((m) => m.tag);
  return (await ledger.pending(migrations, db)).map((m) => m.tag);
}

async function runMigration(tx: Session, migration: Migration, skipSessionJwt: boolean, ledger: Ledger): Promise<void> {
  for (const [i, statement] of migration.statements.entries()) {
    if (statement.trim() === "" || (skipSessionJwt && createsSessionJwt(statement))) continue;
    try {
      // exec, not query: drizzle-orm sends each piece as a simple query, which may hold several statements.
      await tx.exec(statement);
    } catch (error) {
      const cause = toDatabaseError(error);
      throw new ApplyError(`${migration.path}, statement ${i + 1}, failed`, {
        file: migration.path,
        statement: i + 1,
        statementText: abbreviate(statement.trim()),
        sqlstate: cause.sqlstate,
        databaseMessage: cause.message,
        cause,
      });
    }
  }
  await step(`could not record ${migration.tag} in ${ledger.name}`, () => ledger.record(migration, tx));
}

async function installStandIn(stand: StandIn, tx: Session): Promise<void> {
  // Supabase and others have their own schema auth (auth.uid(), auth.jwt()); never replace them.
  const conflicts = await step("could not inspect schema auth", () => conflictingFunctions(stand, tx));
  if (conflicts.length > 0) {
    throw new ApplyError("could not install the auth stand-in", {
      databaseMessage: `${stand.requires} is missing, and schema auth already has functions that are not a stand-in's (${conflicts.join(", ")}); they were left alone`,
    });
  }
  await step(`could not install the stand-in ${stand.path}`, () => tx.exec(stand.sql));
}

/** True when the piece is only `CREATE EXTENSION [IF NOT EXISTS] pg_session_jwt ...;` plus comments. */
function createsSessionJwt(statement: string): boolean {
  const code = statement
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/--[^\n]*/g, " ")
    .trim();
  return /^create\s+extension\s+(if\s+not\s+exists\s+)?("pg_session_jwt"|pg_session_jwt)(\s[^;]*)?;?$/i.test(code);
}

/** Runs one bookkeeping step, turning a database error into an ApplyError that names the step. */
async function step<T>(summary: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApplyError) throw error;
    const cause = toDatabaseError(error);
    throw new ApplyError(summary, { sqlstate: cause.sqlstate, databaseMessage: cause.message, cause });
  }
}

function abbreviate(text: string): string {
  return text.length <= MAX_STATEMENT_CHARS ? text : `${text.slice(0, MAX_STATEMENT_CHARS)}…`;
}
