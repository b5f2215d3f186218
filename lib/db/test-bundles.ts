import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Bundle, BundleFile } from "./bundle";
import type { Session } from "./types";

/** Hand-made migrations for tests, laid out as drizzle-kit writes them. */
export interface TestMigration {
  tag: string;
  statements: string[];
}

const FIRST_WHEN = Date.UTC(2026, 0, 1);

export function makeBundle(migrations: TestMigration[], folder = "drizzle"): Bundle {
  const journal = {
    version: "7",
    dialect: "postgresql",
    entries: migrations.map((m, idx) => ({ idx, version: "7", when: FIRST_WHEN + idx * 1000, tag: m.tag, breakpoints: true })),
  };
  const files: BundleFile[] = migrations.map((m) => ({
    path: `${folder}/${m.tag}.sql`,
    contents: m.statements.join("\n--> statement-breakpoint\n") + "\n",
  }));
  return [...files, { path: `${folder}/meta/_journal.json`, contents: JSON.stringify(journal, null, 2) + "\n" }];
}

export function whenOf(index: number): number {
  return FIRST_WHEN + index * 1000;
}

function createRoleIfMissing(role: string): string {
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN
    CREATE ROLE "${role}" NOLOGIN;
  END IF;
END
$$;`;
}

/** Like the compiler's Neon setup: the extension on a statement of its own, roles that may exist. */
export const NEON_SETUP: TestMigration = {
  tag: "0000_neon_setup",
  statements: [
    "-- pg_session_jwt verifies the request's JWT and exposes auth.user_id() and auth.session().\nCREATE EXTENSION IF NOT EXISTS pg_session_jwt;",
    createRoleIfMissing("authenticated"),
    createRoleIfMissing("anonymous"),
    `GRANT USAGE ON SCHEMA public TO "authenticated", "anonymous";`,
  ],
};

/** A table of notes owned by users, readable by their owner only. */
export const NOTES_TABLE: TestMigration = {
  tag: "0001_notes",
  statements: [
    `CREATE TABLE "notes" ("id" serial PRIMARY KEY, "user_id" text NOT NULL, "body" text NOT NULL);`,
    `ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON "notes" TO "authenticated";`,
    `CREATE POLICY "notes_select" ON "notes" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("user_id" = (select auth.user_id()));`,
  ],
};

/**
 * Everything apply could change, as comparable text: schemas, tables, columns, functions,
 * policies, the ledger, and the rows of the tables tests put data in.
 */
export async function dumpState(db: Session, dataTables: string[] = []): Promise<string> {
  const queries = [
    `select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1`,
    `select table_schema, table_name, table_type from information_schema.tables
     where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
    `select table_schema, table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
     where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2, 3`,
    `select n.nspname, p.proname, pg_get_function_result(p.oid) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname not in ('pg_catalog', 'information_schema') order by 1, 2, 3`,
    `select schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check from pg_policies order by 1, 2, 3`,
    `select relname, relrowsecurity from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by 1`,
  ];
  const ledger = await db.query<{ found: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as found");
  if (ledger.rows[0]?.found) queries.push(`select id, hash, created_at::text from drizzle.__drizzle_migrations order by id`);
  for (const table of dataTables) queries.push(`select * from "${table}" order by 1`);
  const parts: string[] = [];
  for (const sql of queries) parts.push(JSON.stringify((await db.query(sql)).rows));
  return parts.join("\n");
}

/** Writes a bundle's files under `folder` (adding to what is there), as a user's checkout would hold them. */
export async function writeBundleFiles(folder: string, bundle: Bundle): Promise<void> {
  for (const file of bundle) {
    await mkdir(dirname(join(folder, file.path)), { recursive: true });
    await writeFile(join(folder, file.path), file.contents);
  }
}
