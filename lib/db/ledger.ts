import type { Migration } from "./journal";
import type { Session } from "./types";

/**
 * Where a database records the migrations it has run. Each layout keeps its own tool's ledger,
 * so that tool agrees with us afterwards: drizzle-kit's for drizzle folders, the Supabase CLI's
 * for `supabase/migrations`.
 */
export interface Ledger {
  readonly name: string;
  /** Whether the ledger table exists (without creating it). */
  exists(session: Session): Promise<boolean>;
  prepare(tx: Session): Promise<void>;
  pending(migrations: readonly Migration[], session: Session): Promise<Migration[]>;
  record(migration: Migration, tx: Session): Promise<void>;
}

const tableExists = async (session: Session, table: string) =>
  (await session.query<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [table])).rows[0]?.exists === true;

export const drizzleLedger: Ledger = {
  name: "drizzle's migration ledger",
  exists: (session) => tableExists(session, "drizzle.__drizzle_migrations"),
  // The same statements drizzle-orm's pg migrator runs, so either tool can keep the ledger.
  prepare: (tx) =>
    tx.exec(`CREATE SCHEMA IF NOT EXISTS "drizzle";
CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (
  id SERIAL PRIMARY KEY,
  hash text NOT NULL,
  created_at bigint
);`),
  /** drizzle's rule: only the newest ledger row counts; every entry created after it is pending. */
  async pending(migrations, session) {
    const last = await session.query<{ created_at: string | null }>(
      `select created_at::text as created_at from "drizzle"."__drizzle_migrations" order by created_at desc limit 1`,
    );
    const lastAppliedAt = last.rows[0] ? Number(last.rows[0].created_at) : undefined;
    // Number(null) is 0, as in drizzle-orm, so a row without created_at leaves everything pending.
    return migrations.filter((m) => lastAppliedAt === undefined || lastAppliedAt < m.when);
  },
  async record(migration, tx) {
    await tx.query(`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values ($1, $2)`, [migration.hash, migration.when]);
  },
};

export const supabaseLedger: Ledger = {
  name: "Supabase's migration ledger",
  exists: (session) => tableExists(session, "supabase_migrations.schema_migrations"),
  // The table the Supabase CLI keeps; `supabase db push` skips the versions listed here.
  prepare: (tx) =>
    tx.exec(`CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (
  version text NOT NULL PRIMARY KEY,
  statements text[],
  name text
);`),
  async pending(migrations, session) {
    const applied = await session.query<{ version: string }>(`select version from supabase_migrations.schema_migrations`);
    const versions = new Set(applied.rows.map((r) => r.version));
    return migrations.filter((m) => !versions.has(String(m.when)));
  },
  async record(migration, tx) {
    await tx.query(`insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)`, [
      String(migration.when),
      migration.statements,
      migration.tag.replace(/^\d+_/, ""),
    ]);
  },
};
