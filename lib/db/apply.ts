import { PG_SESSION_JWT_STAND_IN_SQL, STAND_IN_FUNCTIONS, STAND_IN_NOTICE } from "../targets/neon/stand-in";
import type { Bundle } from "./bundle";
import { type Migration, readMigrations } from "./journal";
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
const APPLY_LOCK_KEY = "1919710052";
const MAX_STATEMENT_CHARS = 500;

// The same statements drizzle-orm's pg migrator runs, so either tool can keep the ledger.
const LEDGER_SQL = `CREATE SCHEMA IF NOT EXISTS "drizzle";
CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (
  id SERIAL PRIMARY KEY,
  hash text NOT NULL,
  created_at bigint
);`;

/**
 * Applies the bundle's pending drizzle migrations in one transaction: all of them, or none.
 * Keeps drizzle-orm's ledger, so `drizzle-kit migrate` afterwards finds nothing to do.
 */
export async function apply(bundle: Bundle, db: Database, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const migrations = await readMigrations(bundle);
  return db.transaction((tx) => applyMigrations(migrations, tx, opts));
}

/**
 * The same, inside a transaction the caller owns (e.g. to check a design and roll it all back).
 * The caller must roll back when this throws: statements before the failure have run.
 */
export async function applyWithin(bundle: Bundle, tx: Session, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyMigrations(await readMigrations(bundle), tx, opts);
}

async function applyMigrations(migrations: readonly Migration[], tx: Session, opts: ApplyOptions): Promise<ApplyResult> {
  const progress = opts.onProgress ?? (() => {});
  progress({ step: "lock" });
  await step("could not take the apply lock", () => tx.query(`select pg_advisory_xact_lock(${APPLY_LOCK_KEY})`));
  progress({ step: "ledger" });
  await step("could not prepare drizzle's migration ledger", () => tx.exec(LEDGER_SQL));
  const pending = await step("could not read drizzle's migration ledger", () => pendingIn(migrations, tx));
  const result: ApplyResult = {
    applied: [],
    alreadyApplied: migrations.filter((m) => !pending.includes(m)).map((m) => m.tag),
    standIn: false,
    notices: [],
  };

  const needsSessionJwt = pending.some((m) => m.statements.some(mentionsSessionJwt));
  const skipSessionJwt = needsSessionJwt && !(await step("could not list available extensions", () => sessionJwtAvailable(tx)));
  if (skipSessionJwt && !(await step("could not look for auth.user_id()", () => hasUserIdFunction(tx)))) {
    progress({ step: "stand-in" });
    await installStandIn(tx);
    result.standIn = true;
    result.notices.push(STAND_IN_NOTICE);
  }

  for (const [i, migration] of pending.entries()) {
    progress({ step: "migration", index: i, total: pending.length, tag: migration.tag });
    await runMigration(tx, migration, skipSessionJwt);
    result.applied.push(migration.tag);
  }
  return result;
}

/** Tags of the bundle's migrations the database has not recorded yet; takes no lock. */
export async function pendingMigrations(bundle: Bundle, db: Session): Promise<string[]> {
  const migrations = await readMigrations(bundle);
  const ledger = await db.query<{ exists: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as exists");
  if (!ledger.rows[0]?.exists) return migrations.map((m) => m.tag);
  return (await pendingIn(migrations, db)).map((m) => m.tag);
}

/** drizzle's rule: only the newest ledger row counts; every entry created after it is pending. */
async function pendingIn(migrations: readonly Migration[], session: Session): Promise<Migration[]> {
  const last = await session.query<{ created_at: string | null }>(
    `select created_at::text as created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1`,
  );
  const lastAppliedAt = last.rows[0] ? Number(last.rows[0].created_at) : undefined;
  // Number(null) is 0, as in drizzle-orm, so a row without created_at leaves everything pending.
  return migrations.filter((m) => lastAppliedAt === undefined || lastAppliedAt < m.when);
}

async function runMigration(tx: Session, migration: Migration, skipSessionJwt: boolean): Promise<void> {
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
  await step(`could not record ${migration.tag} in drizzle's ledger`, () =>
    tx.query(`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values ($1, $2)`, [migration.hash, migration.when]),
  );
}

async function installStandIn(tx: Session): Promise<void> {
  // Supabase and others have their own schema auth (auth.uid(), auth.jwt()); never replace them.
  const existing = await step("could not inspect schema auth", () =>
    tx.query<{ name: string }>(
      `select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'auth' and p.proname = any($1) order by 1`,
      [[...STAND_IN_FUNCTIONS]],
    ),
  );
  if (existing.rows.length > 0) {
    throw new ApplyError("could not install the pg_session_jwt stand-in", {
      databaseMessage: `pg_session_jwt is not available, and schema auth already has functions that are not the stand-in's (${existing.rows
        .map((r) => `auth.${r.name}`)
        .join(", ")}); they were left alone`,
    });
  }
  await step("could not install the pg_session_jwt stand-in", () => tx.exec(PG_SESSION_JWT_STAND_IN_SQL));
}

async function sessionJwtAvailable(tx: Session): Promise<boolean> {
  const result = await tx.query("select 1 from pg_available_extensions where name = 'pg_session_jwt'");
  return result.rows.length > 0;
}

async function hasUserIdFunction(tx: Session): Promise<boolean> {
  const result = await tx.query<{ found: boolean }>("select to_regprocedure('auth.user_id()') is not null as found");
  return result.rows[0]?.found === true;
}

/** True when the piece is only `CREATE EXTENSION [IF NOT EXISTS] pg_session_jwt ...;` plus comments. */
/** True when the piece creates pg_session_jwt anywhere, e.g. inside the guarded DO block the compiler writes. */
function mentionsSessionJwt(statement: string): boolean {
  return /create\s+extension\s+(if\s+not\s+exists\s+)?("pg_session_jwt"|pg_session_jwt)(?!\w)/i.test(withoutComments(statement));
}

function withoutComments(statement: string): string {
  return statement
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/--[^\n]*/g, " ")
    .trim();
}

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
