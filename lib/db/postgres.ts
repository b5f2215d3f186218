import pg from "pg";
import { transactionOn } from "./client-transaction";
import { type Database, type QueryResult, type Session, redactUrl, toDatabaseError } from "./types";

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

function sessionOver(target: Queryable): Session {
  return {
    async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      try {
        // The extended protocol refuses a second statement, as PGlite's query() does; pg would
        // otherwise switch to the simple protocol whenever there are no parameters.
        const config: pg.QueryConfig & { queryMode: "extended" } = { text: sql, values: params, queryMode: "extended" };
        const result = await target.query(config);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await target.query(script);
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
  };
}

/** Opens a pool on a PostgreSQL URL and checks that it can connect. */
export async function openPostgres(url: string): Promise<Database> {
  const location = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url });
  // An idle client that loses its connection emits "error"; unhandled, that ends the process.
  // The next query on the pool reports the problem instead.
  pool.on("error", () => {});
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw toDatabaseError(error, `could not connect to ${location}`);
  }

  return {
    kind: "postgres",
    location,
    ...sessionOver(pool),
    async transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toDatabaseError(error, `could not connect to ${location}`);
      }
      return transactionOn(client, sessionOver(client), fn);
    },
    async close(): Promise<void> {
      if (!pool.ended) await pool.end();
    },
  };
}
