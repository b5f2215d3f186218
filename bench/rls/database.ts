import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Client } from "pg";
import type { Bundle } from "../../lib/compiler";

export const BENCH_DATABASE = "rlsd_bench";
const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

/** The server's URL (any database on it); the bench creates and drops its own database there. */
export function serverUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_URL;
}

function benchUrl(): string {
  const url = new URL(serverUrl());
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

async function onServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty bench database (any leftover from an interrupted run is dropped first). */
export async function createBenchDatabase(): Promise<Client> {
  await onServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${BENCH_DATABASE}"`);
  });
  const client = new Client({ connectionString: benchUrl() });
  await client.connect();
  return client;
}

export async function dropBenchDatabase(): Promise<void> {
  await onServer((c) => c.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`));
}

/**
 * pg_session_jwt's functions for a plain PostgreSQL, reading `request.jwt.claims` the way the
 * extension does without a JWK. Used only when the project's official stand-in is not there yet.
 */
const INLINE_STAND_IN_SQL = `
CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO PUBLIC;
CREATE OR REPLACE FUNCTION auth.session() RETURNS jsonb LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT auth.session() ->> 'sub' $$;
`;

const OFFICIAL_STAND_IN = fileURLToPath(new URL("../../lib/targets/neon/stand-in.ts", import.meta.url));

export interface StandIn {
  readonly source: string;
  readonly sql: string;
}

/** Prefers lib/targets/neon/stand-in.ts (written by someone else, maybe not yet) over the inline copy. */
export async function standIn(): Promise<StandIn> {
  if (existsSync(OFFICIAL_STAND_IN)) {
    // A computed specifier keeps typecheck passing while the module does not exist yet.
    const mod = (await import(pathToFileURL(OFFICIAL_STAND_IN).href)) as { PG_SESSION_JWT_STAND_IN_SQL?: unknown };
    if (typeof mod.PG_SESSION_JWT_STAND_IN_SQL === "string") {
      return { source: "lib/targets/neon/stand-in.ts", sql: mod.PG_SESSION_JWT_STAND_IN_SQL };
    }
  }
  return { source: "bench/rls/database.ts (inline copy)", sql: INLINE_STAND_IN_SQL };
}

const BREAKPOINT = "--> statement-breakpoint";
const CREATE_EXTENSION = /^\s*CREATE EXTENSION IF NOT EXISTS "?pg_session_jwt"?/im;

interface Journal {
  readonly entries: readonly { readonly idx: number; readonly tag: string }[];
}

/** The bundle's migration statements in journal order, as drizzle-kit's migrator would run them. */
export function migrationStatements(bundle: Bundle): string[] {
  const file = (path: string): string => {
    const found = bundle.find((f) => f.path === path);
    if (!found) throw new Error(`bundle has no ${path}`);
    return found.contents;
  };
  const journal = JSON.parse(file("drizzle/meta/_journal.json")) as Journal;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .flatMap((entry) => file(`drizzle/${entry.tag}.sql`).split(BREAKPOINT))
    .filter((statement) => statement.trim() !== "");
}

/**
 * Applies the bundle; the stand-in runs where `CREATE EXTENSION pg_session_jwt` would have
 * (the extension is not installed on a plain PostgreSQL), before anything refers to auth.*.
 */
export async function applyBundle(client: Client, bundle: Bundle, stand: StandIn): Promise<void> {
  for (const statement of migrationStatements(bundle)) {
    await client.query(CREATE_EXTENSION.test(statement) ? stand.sql : statement);
  }
}
