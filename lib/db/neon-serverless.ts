import { Client, Pool, type PoolClient } from "@neondatabase/serverless";
import ws from "ws";
import { pgSession, transactionOn } from "./client-transaction";
import { type Database, DatabaseError, type Session, redactUrl, toDatabaseError } from "./types";

/**
 * How the driver reaches the database. By default, as on Neon: a secure WebSocket to the
 * endpoint's own proxy (`wss://<host>/v2`). `proxy` names another one, e.g. `ws://127.0.0.1:3210/v1`
 * for a local wsproxy in front of a plain PostgreSQL; the driver then asks it for `?address=host:port`.
 */
export interface NeonSocketOptions {
  proxy?: string;
}

interface PgResult {
  rows: unknown[];
  rowCount: number | null;
  command: string;
}
type QueryCallback = (error: Error | null, result?: PgResult) => void;
type QueryClass = new (config: { text: string; values: unknown[] }, values: undefined, callback: QueryCallback) => { requiresPreparation(): boolean };

/**
 * The driver bundles an older node-postgres without `queryMode: "extended"`; this Query always takes
 * the extended protocol, which refuses a second statement, as lib/db's other adapters do.
 */
const BaseQuery = (Client as unknown as { Query: QueryClass }).Query;
class ExtendedQuery extends BaseQuery {
  requiresPreparation(): boolean {
    return true;
  }
}

function extendedQuery(client: PoolClient, sql: string, params: unknown[]): Promise<PgResult> {
  return new Promise((resolve, reject) => {
    const query = new ExtendedQuery({ text: sql, values: params }, undefined, (error, result) => (error ? reject(error) : resolve(result!)));
    (client as unknown as { query(q: unknown): void }).query(query);
  });
}

function sessionOver(client: PoolClient): Session {
  return pgSession(
    (sql, params) => extendedQuery(client, sql, params),
    (script) => client.query(script),
  );
}

/** A Client whose socket settings are its own, so nothing global (neonConfig) changes. */
function clientClass(options: NeonSocketOptions): typeof Client {
  const proxy = options.proxy ? new URL(options.proxy) : undefined;
  return class extends Client {
    constructor(...args: ConstructorParameters<typeof Client>) {
      super(...args);
      const socket = this.neonConfig;
      // Node 20 has no global WebSocket.
      socket.webSocketConstructor = ws;
      if (proxy) {
        const base = `${proxy.host}${proxy.pathname}`;
        socket.wsProxy = (host: string, port: number | string) => `${base}?address=${host}:${port}`;
        socket.useSecureWebSocket = proxy.protocol === "wss:";
        // A plain wsproxy forwards bytes as they come: no pipelined startup, no TLS inside.
        socket.pipelineConnect = false;
        socket.pipelineTLS = false;
        // Coalescing saves messages over the internet, but waits a setTimeout(0) per write: ~1.5 ms a query.
        socket.coalesceWrites = proxy.hostname !== "127.0.0.1" && proxy.hostname !== "localhost";
      }
    }
  };
}

/**
 * Opens a `@neondatabase/serverless` WebSocket Pool on a PostgreSQL URL and checks that it can
 * connect. Same behaviour as the `pg` adapter: transactions on one dedicated connection,
 * `query()` takes one statement, int8 as text.
 */
export async function openNeonServerless(url: string, options: NeonSocketOptions = {}): Promise<Database> {
  const location = redactUrl(url);
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 60_000 });
  pool.Client = clientClass(options);
  pool.on("error", () => {});

  const connect = async (): Promise<PoolClient> => {
    try {
      return await pool.connect();
    } catch (error) {
      throw toDatabaseError(error, `could not connect to ${location}`);
    }
  };
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      // A connection that failed below the SQL level is not reused.
      if (!(error instanceof DatabaseError && error.sqlstate)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  };

  try {
    await withClient((client) => sessionOver(client).query("select 1"));
  } catch (error) {
    await pool.end().catch(() => {});
    throw toDatabaseError(error, `could not connect to ${location}`);
  }

  return {
    // The engine: PostgreSQL, reached through another driver.
    kind: "postgres",
    location,
    query: (sql, params) => withClient((client) => sessionOver(client).query(sql, params)),
    exec: (script) => withClient((client) => sessionOver(client).exec(script)),
    async transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
      const client = await connect();
      return transactionOn(client, sessionOver(client), fn);
    },
    async close(): Promise<void> {
      if (!pool.ended) await pool.end();
    },
  };
}
