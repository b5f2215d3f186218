import type { Bundle, BundleFile } from "./bundle";
import type { Session } from "./types";

/**
 * What `apply` last applied to a database, kept in the database itself: the migration files, the
 * journal, drizzle.config.ts (which names the ledger) and rls-designer.json. The next apply of a
 * changed design compiles the change against it (spec §5: "the database's own record of what was
 * applied"), so the designer and the command line need no memory of their own. The schema has
 * no privileges for anyone but its owner.
 */
const TABLE = `"rls_designer"."applied_bundle"`;

function stored(file: BundleFile): boolean {
  return file.path.startsWith("drizzle/") || file.path.startsWith("supabase/migrations/") || file.path === "drizzle.config.ts" || file.path === "rls-designer.json";
}

export async function readStoredBundle(session: Session): Promise<Bundle | null> {
  const found = await session.query<{ found: boolean }>(`select pg_catalog.to_regclass('"rls_designer"."applied_bundle"') is not null as found`);
  if (!found.rows[0]?.found) return null;
  const rows = await session.query<{ files: BundleFile[] | string }>(`select files from ${TABLE} where id = 1`);
  const files = rows.rows[0]?.files;
  if (files === undefined) return null;
  // pg parses jsonb; PGlite too, but a text value is accepted either way.
  return typeof files === "string" ? (JSON.parse(files) as BundleFile[]) : files;
}

/** Inside the apply's transaction, so the record and the migrations commit together. */
export async function storeBundle(tx: Session, bundle: Bundle): Promise<void> {
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS "rls_designer";
REVOKE ALL ON SCHEMA "rls_designer" FROM PUBLIC;
CREATE TABLE IF NOT EXISTS ${TABLE} (
  id integer PRIMARY KEY CHECK (id = 1),
  files jsonb NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`);
  const files = bundle.filter(stored).map((f) => ({ path: f.path, contents: f.contents }));
  await tx.query(
    `insert into ${TABLE} (id, files) values (1, $1::jsonb) on conflict (id) do update set files = excluded.files, applied_at = now()`,
    [JSON.stringify(files)],
  );
}
