import pg from "pg";
import { pgSession, transactionOn } from "./client-transaction";
import { type Database, type Session, redactUrl, toDatabaseError } from "./types";

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

function sessionOver(target: Queryable): Session {
  // pg would switch to the simple protocol whenever there are no parameters; ask for extended.
  const extended = (sql: string, params: unknown[]): pg.QueryConfig & { queryMode: "extended" } => ({ text: sql, values: params, queryMode: "extended" });
  return pgSession(
    (sql, params) => target.query(extended(sql, params)),
    (script) => target.query(script),
  );
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
