import type { PGliteInterface, Transaction } from "@electric-sql/pglite";
import { type Database, type QueryResult, type Session, toDatabaseError } from "./types";

const INT8_OID = 20;
// pg returns int8 as text; PGlite would round it into a number. Both give strings here.
const QUERY_OPTIONS = { parsers: { [INT8_OID]: (value: string) => value } };

type PgliteRunner = Pick<Transaction, "query" | "exec">;

function sessionOver(runner: PgliteRunner): Session {
  return {
    async query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      try {
        const result = await runner.query<R>(sql, params, QUERY_OPTIONS);
        return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await runner.exec(script, QUERY_OPTIONS);
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
  };
}

/**
 * Wraps an open PGlite (or a clone of one). PGlite has a single session; its own mutex makes
 * every query wait for a running transaction() to end, which serialises transactions for us.
 */
export function wrapPglite(pglite: PGliteInterface, location: string): Database {
  return {
    kind: "pglite",
    location,
    ...sessionOver(pglite),
    async transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
      // Errors thrown by `fn` pass through untouched; only PGlite's own (e.g. a COMMIT that
      // rolled back an aborted transaction) become DatabaseErrors.
      let fromCallback: { error: unknown } | undefined;
      try {
        return await pglite.transaction(async (tx) => {
          try {
            return await fn(sessionOver(tx));
          } catch (error) {
            fromCallback = { error };
            throw error;
          }
        });
      } catch (error) {
        if (fromCallback && fromCallback.error === error) throw error;
        throw toDatabaseError(error);
      }
    },
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },
  };
}
