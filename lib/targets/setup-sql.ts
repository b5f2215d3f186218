import { dollarQuote, quoteIdent, sqlLiteral } from "../design";
import { HELPER_SCHEMA } from "./helper-schema";

/** Setup statements every target shares. */

export function createRoleIfMissing(role: string): string {
  // Neither CREATE ROLE IF NOT EXISTS nor OR REPLACE exists; roles are cluster-wide and may be there already.
  return `DO ${dollarQuote(`BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN
    CREATE ROLE ${quoteIdent(role)} NOLOGIN;
  END IF;
END`)};`;
}

export function schemaGrants(signedIn: string, anonymous: string): string[] {
  const roles = `${quoteIdent(signedIn)}, ${quoteIdent(anonymous)}`;
  const schema = quoteIdent(HELPER_SCHEMA);
  return [
    createRoleIfMissing(signedIn),
    createRoleIfMissing(anonymous),
    `GRANT USAGE ON SCHEMA public TO ${roles};`,
    // Supabase grants every table its owner creates in public to anon and authenticated (and older
    // Neon guides did the same): a table or view created next month would be open, with no policy.
    // The bundle grants per table instead; this undoes such defaults for the role that applies it.
    `-- Tables and views created later stay closed until a migration grants them (see docs/design-file.md).\nALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${roles};`,
    `-- The policies' helper functions live in a schema no API exposes.\nCREATE SCHEMA IF NOT EXISTS ${schema};`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${roles};`,
  ];
}

/** Stops a migration with a message that says what to do when the auth functions are missing. */
export function requireFunction(signature: string, message: string, hint: string): string {
  return `DO $$
BEGIN
  IF pg_catalog.to_regprocedure(${sqlLiteral(signature)}) IS NULL THEN
    RAISE EXCEPTION ${sqlLiteral(message)}
      USING HINT = ${sqlLiteral(hint)};
  END IF;
END
$$;`;
}

/**
 * The first line of a stand-in file: what it provides, so that `apply` can tell when a database
 * needs it (the function is missing and, where named, the extension cannot be installed).
 */
export function standInHeader(requires: string, unlessExtension?: string): string {
  return `-- rls-designer:stand-in requires=${requires}${unlessExtension ? ` unless-extension=${unlessExtension}` : ""}`;
}
