import { DatabaseError, type QueryResult, type Session, toDatabaseError } from "./types";

/** A pooled connection of pg or of Neon's serverless driver (which bundles its own pg). */
export interface PooledClient {
  query(sql: string): Promise<unknown>;
  release(error?: Error): void;
}

/**
 * BEGIN, `fn`, COMMIT on one pooled connection; ROLLBACK when `fn` throws. Shared by the pg and
 * the serverless-driver adapters, which differ only in how they reach the connection.
 */
export async function transactionOn<T>(client: PooledClient, session: Session, fn: (tx: Session) => Promise<T>): Promise<T> {
  let broken: Error | undefined;
  try {
    await session.exec("BEGIN");
    const result = await fn(session);
    const commit = (await client.query("COMMIT").catch((error: unknown) => {
      throw toDatabaseError(error);
    })) as { command?: string };
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
    if (commit.command === "ROLLBACK") {
      throw new DatabaseError("the transaction was rolled back because a statement in it failed", { sqlstate: "25P02" });
    }
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}

/**
 * A Session over a pg-protocol connection: `run` sends one statement with parameters (the
 * extended protocol, which refuses a second statement as PGlite's query() does), `runScript`
 * a whole script; both drivers' errors become DatabaseErrors.
 */
export function pgSession(
  run: (sql: string, params: unknown[]) => Promise<{ rows: unknown[]; rowCount?: number | null }>,
  runScript: (script: string) => Promise<unknown>,
): Session {
  return {
    async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      try {
        const result = await run(sql, params);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await runScript(script);
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
  };
}
