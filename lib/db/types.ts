export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * How long the statement may run (ms). Only the embedded database in its worker thread
   * (pglite-worker-host.ts) enforces it: past it the worker is stopped and opened again, and the
   * query fails with a DatabaseRestartedError (57014). PGlite in this process cannot stop a
   * statement and ignores it; on PostgreSQL, set statement_timeout, which the server enforces.
   */
  readonly deadlineMs?: number;
}

/**
 * One connection; statements run in the order they are awaited. Values come back parsed the
 * same way by both drivers for the common types; int8 (count(*), bigint) comes back as a string
 * so no value is ever rounded.
 */
export interface Session {
  /** One statement, with `$1`-style parameters. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** A script of any number of statements, without parameters. */
  exec(script: string): Promise<void>;
}

export interface Database extends Session {
  readonly kind: "pglite" | "postgres";
  /** Where the data lives, for messages; passwords are redacted. */
  readonly location: string;
  /**
   * BEGIN, then COMMIT, or ROLLBACK when `fn` throws, all on one dedicated connection.
   * Inside `fn`, use `tx`, never the Database itself: on PGlite, which has a single session,
   * other work waits until the transaction ends, so calling the Database there never returns.
   */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** An error reported by the database, or a failure to reach it (then without `sqlstate`). */
export class DatabaseError extends Error {
  /** The SQLSTATE, e.g. "42P01"; `code` holds the same, as both drivers name it. */
  readonly sqlstate?: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;

  constructor(
    message: string,
    details: { sqlstate?: string; detail?: string; hint?: string; position?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "DatabaseError";
    this.sqlstate = details.sqlstate;
    this.code = details.sqlstate;
    this.detail = details.detail;
    this.hint = details.hint;
    this.position = details.position;
  }
}

/**
 * The embedded database was stopped and opened again (a statement ran over its deadline: 57014,
 * for that statement; 57P01 for the other requests it held). Its open transactions are gone,
 * rolled back: the session the error came from must not be used again.
 */
export class DatabaseRestartedError extends DatabaseError {
  constructor(message: string, details: { sqlstate: "57014" | "57P01" }) {
    super(message, details);
    this.name = "DatabaseRestartedError";
  }
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function stringField(value: object, key: string): string | undefined {
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" && field !== "" ? field : undefined;
}

/** Normalises what pg or PGlite threw; both put the SQLSTATE in `code`. */
export function toDatabaseError(error: unknown, context?: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  if (typeof error !== "object" || error === null) {
    return new DatabaseError(`${context ? `${context}: ` : ""}${String(error)}`, { cause: error });
  }
  const code = stringField(error, "code");
  const message = stringField(error, "message") ?? String(error);
  return new DatabaseError(context ? `${context}: ${message}` : message, {
    // Node's own errors (ECONNREFUSED, ENOTFOUND) also use `code`; they are not SQLSTATEs.
    sqlstate: code && SQLSTATE.test(code) ? code : undefined,
    detail: stringField(error, "detail"),
    hint: stringField(error, "hint"),
    position: stringField(error, "position"),
    cause: error,
  });
}

/** `postgres://user:***@host/db`: keeps what helps to recognise a database, hides secrets. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
    return parsed.toString();
  } catch {
    return "(a PostgreSQL URL that could not be parsed)";
  }
}
