import { ApplyError, DatabaseError, JournalError } from "../db";
import { NeonApiError } from "../neon";
import type { StepName } from "./types";

/** A failed step, as shown to the user: what failed, where, and what to do when that is known. */
export interface ApplyFailure {
  readonly step: StepName;
  readonly message: string;
  /** Ours: "needs-confirmation", "conflict", "neon-api", "connection"; absent for database errors (see sqlstate). */
  readonly code?: string;
  readonly sqlstate?: string;
  /** The migration file and the 1-based statement in it, when a migration's statement failed. */
  readonly file?: string;
  readonly statementNumber?: number;
  readonly statement?: string;
  readonly fix?: string;
}

interface Known {
  readonly test: (e: { message: string; sqlstate?: string; code?: string; status?: number }) => boolean;
  readonly fix: string;
}

const NO_SESSION_JWT =
  "pg_session_jwt is missing. On Neon, enable the Data API for this branch (Console: your branch, Data API), which installs pg_session_jwt; " +
  "or, for development, apply to a PostgreSQL URL or the embedded database, where RLS Designer installs a local stand-in.";

/** In order: the first that matches gives the fix. */
const KNOWN: readonly Known[] = [
  { test: (e) => /pg_session_jwt/i.test(e.message), fix: NO_SESSION_JWT },
  {
    test: (e) => /role "(authenticated|anonymous)" does not exist/i.test(e.message),
    fix:
      "The roles authenticated and anonymous are missing. The design's setup migration creates them; on Neon, enabling the Data API creates them too. " +
      'Elsewhere, as a role with CREATEROLE: CREATE ROLE "authenticated" NOLOGIN; CREATE ROLE "anonymous" NOLOGIN;',
  },
  {
    test: (e) => /permission denied to create role/i.test(e.message),
    fix: "Connect as a role that may create roles (CREATEROLE; on Neon, the database's owner such as neondb_owner), or have an administrator create the roles authenticated and anonymous first.",
  },
  {
    test: (e) => /permission denied to set role|must be (a )?member of role/i.test(e.message),
    fix: 'verify acts as the roles authenticated and anonymous, so the role you connect as must be a member of both: GRANT "authenticated", "anonymous" TO <your role>;',
  },
  {
    test: (e) => /schema auth already has functions/i.test(e.message),
    fix: "This database has its own schema auth (Supabase?) without the functions the design uses: apply it to a Neon branch, a plain PostgreSQL database, or the embedded database.",
  },
  {
    test: (e) => e.sqlstate === "42501",
    fix: "Permission denied: connect as the owner of the database (on Neon, the role that owns it, e.g. neondb_owner), or grant this role CREATE on the database and schema public.",
  },
  {
    test: (e) => e.sqlstate === "28P01" || e.sqlstate === "28000" || /password authentication failed|authentication failed/i.test(e.message),
    fix: "The server refused the user or password: check both in the connection string. On Neon, copy the connection string again from the Console (a reset changes the password).",
  },
  { test: (e) => e.sqlstate === "3D000", fix: "That database does not exist: create it (CREATE DATABASE ...) or fix its name at the end of the connection string." },
  { test: (e) => e.sqlstate === "42P07" || e.sqlstate === "42710", fix: "The database already has objects of these names, made outside this design's ledger: apply to an empty database or a new Neon branch." },
  {
    test: (e) => e.sqlstate === "53200" || /out of shared memory|max_locks_per_transaction/i.test(e.message),
    fix: "The server's lock table is too small for one transaction this size: raise max_locks_per_transaction (ALTER SYSTEM SET max_locks_per_transaction = 256; then restart the server), or apply the design in smaller steps.",
  },
  { test: (e) => e.sqlstate === "53300", fix: "The server has no connection slots left: close other connections, or use Neon's pooled connection string." },
  {
    test: (e) => e.code === "ECONNREFUSED" || /ECONNREFUSED|connection refused/i.test(e.message),
    fix: "Nothing answers at that host and port: is the server running, and are the host and port in the connection string right?",
  },
  { test: (e) => e.code === "ENOTFOUND" || /ENOTFOUND|getaddrinfo/i.test(e.message), fix: "That host name does not resolve: check the host in the connection string." },
  {
    test: (e) => /self[- ]signed|certificate|SSL|TLS/i.test(e.message),
    fix: "The TLS settings do not match the server: use sslmode=require for Neon and hosted servers, sslmode=disable for a local server without TLS.",
  },
  {
    test: (e) => e.code === "ETIMEDOUT" || /timeout|timed out/i.test(e.message),
    fix: "No answer in time: check the host, the network and any firewall. A Neon endpoint may need a few seconds to wake; try again.",
  },
];

const NEON_FIXES: readonly { test: (e: NeonApiError) => boolean; fix: string }[] = [
  { test: (e) => e.status === 401, fix: "Neon refused the API key: create one in the Neon Console (Account settings, API keys) and paste it again." },
  {
    test: (e) => e.status === 403 || e.status === 404,
    fix: "Check the project and branch IDs: this API key cannot see them (an organization's project needs that organization's key, or your membership in it).",
  },
  { test: (e) => e.status === 423, fix: "The project is busy with another operation: try again in a moment." },
  { test: (e) => e.status === 429, fix: "Too many requests to the Neon API: wait a minute and try again." },
  { test: (e) => /limit/i.test(e.message), fix: "The project has reached a limit (e.g. its number of branches): delete branches you no longer need in the Neon Console." },
  { test: (e) => e.code === "ETIMEDOUT" && /endpoint/.test(e.action), fix: "The branch's endpoint did not start in time: look at the branch in the Neon Console, then try again." },
  { test: (e) => /start the branch's endpoint/.test(e.action), fix: "Neon could not start the branch's endpoint: look at the branch's operations in the Neon Console." },
  { test: (e) => e.status === undefined, fix: "The Neon API did not answer: check the network connection (and any proxy) and try again." },
];

/** What the user sees for an error thrown during `step`. */
export function describeFailure(step: StepName, error: unknown): ApplyFailure {
  if (error instanceof NeonApiError) {
    return { step, code: "neon-api", message: error.message, fix: NEON_FIXES.find((k) => k.test(error))?.fix };
  }
  if (error instanceof ApplyError) {
    const firstLine = error.message.split("\n")[0];
    return {
      step,
      message: firstLine,
      ...(error.sqlstate ? { sqlstate: error.sqlstate } : {}),
      ...(error.file ? { file: error.file, statementNumber: error.statement, statement: error.statementText } : {}),
      ...fixFor({ message: error.message, sqlstate: error.sqlstate }),
    };
  }
  if (error instanceof DatabaseError) {
    const hint = error.hint ? ` (hint: ${error.hint})` : "";
    const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
    return {
      step,
      message: `${error.message}${error.sqlstate ? ` [SQLSTATE ${error.sqlstate}]` : ""}${hint}`,
      ...(error.sqlstate ? { sqlstate: error.sqlstate } : { code: "connection" }),
      ...fixFor({ message: error.message, sqlstate: error.sqlstate, code: typeof causeCode === "string" ? causeCode : undefined }),
    };
  }
  if (error instanceof JournalError) return { step, message: `the bundle's migrations cannot be read: ${error.message}` };
  return { step, message: error instanceof Error ? error.message : String(error) };
}

function fixFor(e: { message: string; sqlstate?: string; code?: string }): { fix?: string } {
  const known = KNOWN.find((k) => k.test(e));
  return known ? { fix: known.fix } : {};
}
