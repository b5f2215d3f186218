import { randomUUID } from "node:crypto";
import pg from "pg";
import { openDatabase } from "./open";
import { freshPglite } from "./pglite-template";
import type { Database, Session } from "./types";

export interface TestDatabaseFactory {
  /** For test titles: "pglite" or "postgres". */
  readonly name: Database["kind"];
  /** What `db.kind` says. */
  readonly kind: Database["kind"];
  /** A new, empty database; closing it also deletes it. */
  open(): Promise<Database>;
}

/** PGlite always; PostgreSQL too when DATABASE_URL names a server where databases may be created. */
export function testDatabases(adminUrl = process.env.DATABASE_URL): TestDatabaseFactory[] {
  const factories: TestDatabaseFactory[] = [{ name: "pglite", kind: "pglite", open: freshPglite }];
  if (adminUrl) factories.push({ name: "postgres", kind: "postgres", open: async () => (await createPostgresTestDatabase(adminUrl)).db });
  return factories;
}

/**
 * Creates `rlsd_test_<random>` on the server of `adminUrl`. Closing `db` drops it; the `url` lets
 * a test open more connections (or run other tools) on the same database. Roles are cluster-wide,
 * so they survive the database: tests must accept roles that already exist.
 */
export async function createPostgresTestDatabase(
  adminUrl: string,
  open: (url: string) => Promise<Database> = (url) => openDatabase({ url }),
): Promise<{ url: string; db: Database }> {
  const name = `rlsd_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await open(url.toString());
  return {
    url: url.toString(),
    db: {
      ...db,
      async close() {
        await db.close();
        await dropDatabase(adminUrl, name);
      },
    },
  };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (admin) => {
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export { inRolledBackTransaction } from "./rolled-back";

/**
 * As on Neon: a login role that may create roles and owns a new database of its own, but is no
 * superuser. `fn` gets that database, connected as that role; everything is dropped afterwards.
 */
export async function asNonSuperuserOwner<T>(adminUrl: string, fn: (db: Database, role: string) => Promise<T>): Promise<T> {
  const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
  const role = `rlsd_owner_${suffix}`;
  const database = `rlsd_owner_db_${suffix}`;
  return withAdmin(adminUrl, async (admin) => {
    try {
      await admin.query(`CREATE ROLE "${role}" LOGIN CREATEROLE`);
      await admin.query(`CREATE DATABASE "${database}" OWNER "${role}"`);
      const url = new URL(adminUrl);
      url.username = role;
      url.pathname = `/${database}`;
      const db = await openDatabase({ url: url.toString() });
      try {
        return await fn(db, role);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`DROP OWNED BY "${role}" CASCADE`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    }
  });
}

/** Drops what bundles create (public, rls, auth, the ledgers, the applied record), for the next test on the same database. */
export async function resetBundleSchemas(db: Session): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC;
DROP SCHEMA IF EXISTS rls CASCADE; DROP SCHEMA IF EXISTS auth CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE;
DROP SCHEMA IF EXISTS supabase_migrations CASCADE; DROP SCHEMA IF EXISTS rls_designer CASCADE;`);
}
