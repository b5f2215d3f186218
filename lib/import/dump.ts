import type { Database } from "../db";
import { quoteIdent } from "../design";

/** A dump or migrations that PostgreSQL (an embedded PGlite) refused: the cause, and where. */
export class DumpError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const ROLE = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;

/** The roles a script names (owners, grantees, policy roles): the throwaway database needs them to exist. */
export function rolesNamedIn(sql: string): string[] {
  const names = new Set<string>(["anon", "authenticated", "service_role", "anonymous"]);
  const patterns = [
    new RegExp(String.raw`\bOWNER TO\s+${ROLE}`, "gi"),
    new RegExp(String.raw`\bGRANT\b[^;]*?\bTO\s+((?:${ROLE}\s*,\s*)*${ROLE})`, "gi"),
    new RegExp(String.raw`\bCREATE POLICY\b[^;]*?\bTO\s+((?:${ROLE}\s*,\s*)*${ROLE})`, "gi"),
  ];
  for (const pattern of patterns) {
    for (const match of sql.matchAll(pattern)) {
      for (const part of match[1]!.split(",")) {
        const name = part.trim();
        const role = name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase();
        if (!["public", "current_user", "session_user", "current_role"].includes(role)) names.add(role);
      }
    }
  }
  return [...names].sort();
}

// Supabase migrations reference auth.users and call auth.uid()/auth.jwt(); without Supabase they would not load.
const SUPABASE_AUTH_STAND_IN = `
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.users (id uuid PRIMARY KEY, email text);
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid $$;
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$ select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb, '{}'::jsonb) $$;
CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$ select auth.jwt() ->> 'role' $$;
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text LANGUAGE sql STABLE AS $$ select auth.jwt() ->> 'sub' $$;
`;

/**
 * Loads a `pg_dump --schema-only` file, or migrations (drizzle's, Supabase's), into `db`, a
 * throwaway embedded database, so the catalog reader reads it as it reads a server. psql's
 * backslash commands are skipped; the roles the script names are created first; Supabase's
 * `auth` schema gets a stand-in when the script uses it without creating it.
 */
export async function loadSqlDump(db: Database, sql: string, source: string): Promise<void> {
  const script = sql
    .split(/\r?\n/)
    .filter((line) => !/^\\/.test(line))
    .join("\n");
  const setup = rolesNamedIn(script).map(
    (role) => `DO $rlsd$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(role)}) THEN CREATE ROLE ${quoteIdent(role)} NOLOGIN; END IF; END $rlsd$;`,
  );
  const usesAuth = /\bauth\.(users|uid|jwt|role)\b/i.test(script) && !/\bCREATE\s+SCHEMA\s+(IF\s+NOT\s+EXISTS\s+)?"?auth"?/i.test(script);
  await db.exec(setup.join("\n") + (usesAuth ? SUPABASE_AUTH_STAND_IN : ""));
  try {
    await db.exec(script);
  } catch (error) {
    const e = error as { message?: string; code?: string; position?: string };
    const where = e.position ? ` near ${lineAt(script, Number(e.position))}` : "";
    throw new DumpError(
      `${source} does not load${where}: ${e.message ?? String(error)}${e.code ? ` [SQLSTATE ${e.code}]` : ""}`,
      /extension/i.test(e.message ?? "")
        ? "the embedded PostgreSQL (PGlite) lacks that extension: import from the database itself (--database-url), or remove the extension from the file"
        : "give a plain SQL file (pg_dump --schema-only, or the migrations' .sql files); or import from the database itself (--database-url)",
    );
  }
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

function lineAt(script: string, position: number): string {
  const line = script.slice(0, Math.max(0, position - 1)).split("\n").length;
  return `line ${line} ("${(script.split("\n")[line - 1] ?? "").trim().slice(0, 80)}")`;
}

/**
 * How long one statement of a dump (or of verify on it) may run: a function that never returns,
 * called by the dump or by its policies, must not hold the app's server. Far above what a schema takes.
 */
export const DUMP_DEADLINE_MS = 60_000;

/**
 * An in-memory PGlite for one dump, with the extensions schemas use most (a dump that creates
 * them loads; `CREATE EXTENSION` of any other fails with a clear message). It runs in a worker
 * thread of its own (lib/db/pglite-worker-host.ts), so a statement that runs over `deadlineMs` is
 * stopped (SQLSTATE 57014) and the server stays responsive; the database is then gone for good
 * (nothing of the dump is kept anyway). It starts from an image of a database prepared once per
 * process: a cold start runs initdb (about 3 s), starting from the image takes a fraction.
 */
export async function openDumpDatabase(options: { deadlineMs?: number } = {}): Promise<Database> {
  const [{ openPgliteWorker }, image] = await Promise.all([import("../db/pglite-worker-host"), dumpImage()]);
  return openPgliteWorker(null, "a throwaway in-memory PGlite", { image, contrib: true, reopen: false, defaultDeadlineMs: options.deadlineMs ?? DUMP_DEADLINE_MS });
}

let image: Promise<ArrayBuffer> | undefined;
function dumpImage(): Promise<ArrayBuffer> {
  image ??= (async () => {
    const { openPgliteWorker } = await import("../db/pglite-worker-host");
    const template = await openPgliteWorker(null, "the dump databases' template", { contrib: true, reopen: false, defaultDeadlineMs: DUMP_DEADLINE_MS });
    try {
      return await template.image();
    } finally {
      await template.close();
    }
  })().catch((error: unknown) => {
    image = undefined;
    throw error;
  });
  return image;
}
