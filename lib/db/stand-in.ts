import { PG_SESSION_JWT_STAND_IN_SQL } from "../targets/neon/stand-in";
import type { Bundle } from "./bundle";
import type { Migration } from "./journal";
import type { Session } from "./types";

/**
 * A bundle may carry a stand-in for a vendor's auth functions (Neon's pg_session_jwt, Supabase's
 * auth.uid()) for databases that lack them. Its first line says when it is needed:
 * `-- rls-designer:stand-in requires=auth.uid() unless-extension=pg_session_jwt`.
 */
export interface StandIn {
  readonly path: string;
  readonly sql: string;
  /** The function whose absence calls for the stand-in. */
  readonly requires: string;
  /** An extension that provides the function where it can be installed instead. */
  readonly unlessExtension: string | null;
  /** Names of the functions the stand-in creates in schema auth. */
  readonly functions: readonly string[];
}

const HEADER = /^-- rls-designer:stand-in requires=(\S+)(?: unless-extension=(\S+))?/;
/** Every stand-in marks schema auth with a comment that starts like this, so a later one may replace it. */
export const STAND_IN_MARK = "Local stand-in";

function standIn(path: string, sql: string, requires: string, unlessExtension: string | null): StandIn {
  const functions = [...sql.matchAll(/CREATE OR REPLACE FUNCTION auth\.(\w+)\(/g)].map((m) => m[1]);
  return { path, sql, requires, unlessExtension, functions };
}

/** The stand-in the bundle declares, or for older Neon bundles that only create the extension, the built-in one. */
export function standInFor(bundle: Bundle, pending: readonly Migration[]): StandIn | null {
  // Only the dev/ scripts can be stand-ins; reading every file would also write the pgTAP test file, made only when read.
  for (const file of bundle.filter((f) => /(?:^|\/)dev\/[^/]+\.sql$/.test(f.path))) {
    const header = HEADER.exec(file.contents);
    if (header) return standIn(file.path, file.contents, header[1], header[2] ?? null);
  }
  const mentionsSessionJwt = pending.some((m) => m.statements.some((s) => /create\s+extension\s+(if\s+not\s+exists\s+)?"?pg_session_jwt(?!\w)/i.test(s)));
  return mentionsSessionJwt ? standIn("(built-in pg_session_jwt stand-in)", PG_SESSION_JWT_STAND_IN_SQL, "auth.user_id()", "pg_session_jwt") : null;
}

export async function extensionAvailable(tx: Session, name: string): Promise<boolean> {
  return (await tx.query("select 1 from pg_catalog.pg_available_extensions where name = $1", [name])).rows.length > 0;
}

/** Needed when the function is missing and no extension can provide it. */
export async function standInNeeded(stand: StandIn, tx: Session): Promise<boolean> {
  const found = await tx.query<{ found: boolean }>("select pg_catalog.to_regprocedure($1) is not null as found", [stand.requires]);
  if (found.rows[0]?.found) return false;
  return !(stand.unlessExtension && (await extensionAvailable(tx, stand.unlessExtension)));
}

/** Functions of the stand-in's names that exist in a schema auth which is not a stand-in's: never replace them. */
export async function conflictingFunctions(stand: StandIn, tx: Session): Promise<string[]> {
  const existing = await tx.query<{ name: string; comment: string | null }>(
    `select p.proname as name, pg_catalog.obj_description(n.oid, 'pg_namespace') as comment
       from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'auth' and p.proname = any($1) order by 1`,
    [[...stand.functions]],
  );
  return existing.rows.filter((r) => !(r.comment ?? "").includes(STAND_IN_MARK)).map((r) => `auth.${r.name}`);
}

export function standInNotice(stand: StandIn): string {
  const what = stand.unlessExtension ?? stand.requires;
  return `${what} is not available on this database, so a local stand-in that reads request.jwt.claims was installed in schema auth (${stand.path}); not for production: it trusts whatever claims the connection sets.`;
}
