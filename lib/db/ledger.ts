import { quoteIdent } from "../design";
import { DEFAULT_DRIZZLE_LEDGER_TABLE, type Migration } from "./journal";
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
  prepare(tx: Session, migrations: readonly Migration[]): Promise<void>;
  /** drizzle: the recorded rows that count for these migrations. */
  rows?(session: Session, migrations: readonly Migration[]): Promise<{ hash: string; created_at: string | null }[]>;
  pending(migrations: readonly Migration[], session: Session): Promise<Migration[]>;
  record(migration: Migration, tx: Session): Promise<void>;
}

const tableExists = async (session: Session, table: string) =>
  (await session.query<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [table])).rows[0]?.exists === true;

/**
 * drizzle-kit's ledger, in the table the bundle's drizzle.config.ts names. RLS Designer's bundles
 * keep their own (`__rls_designer_migrations`): drizzle-kit applies only entries newer than the
 * newest row, so sharing the application's own ledger would skip ours whenever the app migrated
 * later. A database applied before that keeps its rows in drizzle's default table; those at this
 * bundle's migration times are carried over, the first time.
 */
export function drizzleLedger(table: string): Ledger {
  const qualified = `"drizzle".${quoteIdent(table)}`;
  const legacy = table === DEFAULT_DRIZZLE_LEDGER_TABLE ? null : `"drizzle".${quoteIdent(DEFAULT_DRIZZLE_LEDGER_TABLE)}`;
  /** The rows that count: the ledger's own, or (before it exists) this bundle's rows in drizzle's default table. */
  const rows = async (session: Session, migrations: readonly Migration[]) => {
    if (await tableExists(session, qualified)) {
      return (await session.query<{ hash: string; created_at: string | null }>(`select hash, created_at::text as created_at from ${qualified}`)).rows;
    }
    if (legacy === null || !(await tableExists(session, legacy))) return [];
    // This bundle's rows are those at its migrations' times (the application's own have other times).
    const found = await session.query<{ hash: string; created_at: string | null }>(
      `select hash, created_at::text as created_at from ${legacy} where created_at = any ($1::bigint[])`,
      [migrations.map((m) => String(m.when))],
    );
    return found.rows;
  };
  return {
    name: `drizzle's migration ledger (drizzle.${table})`,
    exists: async (session) => (await tableExists(session, qualified)) || (legacy !== null && (await tableExists(session, legacy))),
    rows,
    // The same statements drizzle-orm's pg migrator runs, so either tool can keep the ledger.
    async prepare(tx, migrations) {
      const carried = await rows(tx, migrations);
      const existed = await tableExists(tx, qualified);
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS "drizzle";
CREATE TABLE IF NOT EXISTS ${qualified} (
  id SERIAL PRIMARY KEY,
  hash text NOT NULL,
  created_at bigint
);`);
      if (!existed) {
        for (const row of [...carried].sort((a, b) => Number(a.created_at) - Number(b.created_at))) {
          await tx.query(`insert into ${qualified} ("hash", "created_at") values ($1, $2)`, [row.hash, row.created_at]);
        }
      }
    },
    /** drizzle's rule: only the newest ledger row counts; every entry created after it is pending. */
    async pending(migrations, session) {
      const found = await rows(session, migrations);
      // Number(null) is 0, as in drizzle-orm, so a row without created_at leaves everything pending.
      const lastAppliedAt = found.length ? Math.max(...found.map((r) => Number(r.created_at))) : undefined;
      return migrations.filter((m) => lastAppliedAt === undefined || lastAppliedAt < m.when);
    },
    async record(migration, tx) {
      await tx.query(`insert into ${qualified} ("hash", "created_at") values ($1, $2)`, [migration.hash, migration.when]);
    },
  };
}

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
