import { openDatabase } from "./open";
import { createPostgresTestDatabase } from "./test-databases";
import { PROXY_ALLOWED_ADDRESS, sharedWsProxy } from "./test-ws-proxy";
import type { Database } from "./types";

export interface ServerlessTestDatabaseFactory {
  readonly name: "neon-serverless";
  readonly kind: "postgres";
  open(): Promise<Database>;
}

/**
 * The Neon serverless driver on the local PostgreSQL, through the test WebSocket proxy: when
 * DATABASE_URL names 127.0.0.1:5432 (the one address the proxy forwards to).
 */
export function serverlessTestDatabases(adminUrl = process.env.DATABASE_URL): ServerlessTestDatabaseFactory[] {
  if (!adminUrl || new URL(adminUrl).host !== PROXY_ALLOWED_ADDRESS) return [];
  return [{ name: "neon-serverless", kind: "postgres", open: async () => (await createServerlessTestDatabase(adminUrl)).db }];
}

/** A new database on the local server, opened with the Neon serverless driver through the proxy. */
export async function createServerlessTestDatabase(adminUrl: string): Promise<{ url: string; db: Database; proxy: string }> {
  const { url: proxy } = await sharedWsProxy();
  const created = await createPostgresTestDatabase(adminUrl, (url) => openDatabase({ url, driver: "neon-serverless", neon: { proxy } }));
  return { ...created, proxy };
}
