import { quoteIdent, sqlLiteral } from "../../design";
import type { TargetDialect } from "../types";
import { HELPER_SCHEMA } from "../helper-schema";
import { PG_SESSION_JWT_STAND_IN_SQL } from "./stand-in";

const SIGNED_IN = "authenticated";

/**
 * pg_session_jwt verifies the request's JWT and provides auth.user_id() and auth.session().
 * Where the extension cannot be installed (plain PostgreSQL, PGlite), a stand-in installed
 * beforehand provides the same functions; without either, stop with a message that says what to do.
 */
export const SESSION_JWT_SETUP = `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_session_jwt') THEN
    CREATE EXTENSION IF NOT EXISTS pg_session_jwt;
  ELSIF pg_catalog.to_regprocedure('auth.user_id()') IS NULL THEN
    RAISE EXCEPTION 'pg_session_jwt is not available on this database'
      USING HINT = 'On Neon, enable the Data API (it installs pg_session_jwt). Elsewhere, for development only, run dev/pg_session_jwt-stand-in.sql first, or apply with RLS Designer, which installs that stand-in.';
  END IF;
END
$$;`;
const ANONYMOUS = "anonymous";

function createRoleIfMissing(role: string): string {
  // Neither CREATE ROLE IF NOT EXISTS nor OR REPLACE exists; roles are cluster-wide and may be there already.
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN
    CREATE ROLE ${quoteIdent(role)} NOLOGIN;
  END IF;
END
$$;`;
}

export const neon: TargetDialect = {
  name: "neon",
  signedInRole: SIGNED_IN,
  anonymousRole: ANONYMOUS,
  currentUserId: "auth.user_id()",
  claims: "auth.session()",
  setupTag: "neon_setup",
  setupStatements() {
    const roles = `${quoteIdent(SIGNED_IN)}, ${quoteIdent(ANONYMOUS)}`;
    const schema = quoteIdent(HELPER_SCHEMA);
    return [
      SESSION_JWT_SETUP,
      createRoleIfMissing(SIGNED_IN),
      createRoleIfMissing(ANONYMOUS),
      `GRANT USAGE ON SCHEMA public TO ${roles};`,
      `-- Tables created later by this role are readable by signed-in users only through their RLS policies:\n-- enable row level security on every new table.\nALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${quoteIdent(SIGNED_IN)};`,
      `-- The policies' helper functions live in a schema the Data API does not expose.\nCREATE SCHEMA IF NOT EXISTS ${schema};`,
      `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
      `GRANT USAGE ON SCHEMA ${schema} TO ${roles};`,
    ];
  },
  drizzleRoles: { module: "drizzle-orm/neon", signedIn: "authenticatedRole", anonymous: "anonymousRole" },
  devFiles() {
    const header = [
      "-- A local stand-in for Neon's pg_session_jwt, for development databases that cannot install it",
      "-- (plain PostgreSQL, PGlite). It reads request.jwt.claims and trusts whatever claims the connection",
      "-- sets: never run it on a production database. Run it before `npx drizzle-kit migrate`.",
      "",
    ].join("\n");
    return [{ path: "dev/pg_session_jwt-stand-in.sql", contents: `${header}${PG_SESSION_JWT_STAND_IN_SQL}\n` }];
  },
  envExample(model) {
    return [
      `# ${model.name}: environment for the Neon database`,
      "# Owner connection string: used by drizzle-kit to apply the migrations.",
      "DATABASE_URL='postgresql://neondb_owner:password@ep-example-123456.us-east-2.aws.neon.tech/neondb?sslmode=require'",
      "# The \"authenticated\" role's connection string: used by the app with a user's JWT, so RLS applies.",
      "DATABASE_AUTHENTICATED_URL='postgresql://authenticated@ep-example-123456.us-east-2.aws.neon.tech/neondb?sslmode=require'",
      "",
    ].join("\n");
  },
  readmeSection(model) {
    const jwks = model.jwksUrl ?? "your auth provider's JWKS URL";
    return [
      "## Neon",
      "",
      `1. In the Neon Console, add your auth provider (${model.provider}) with ${jwks}, or enable the Neon Data API,`,
      "   which installs pg_session_jwt and maps a valid Bearer token to the `authenticated` role.",
      "2. Put the owner connection string in `DATABASE_URL` (see `.env.example`) and run `npx drizzle-kit migrate`.",
      "3. Query with the `authenticated` role's connection string and the user's JWT as `authToken`",
      "   (`@neondatabase/serverless`): every query then runs under these policies.",
      "",
      "On a database without pg_session_jwt (plain PostgreSQL, PGlite), `npm run cli -- apply` installs a local",
      "stand-in that reads `request.jwt.claims`; it trusts whatever claims the connection sets, so it is for",
      "development and tests only.",
    ].join("\n");
  },
};
