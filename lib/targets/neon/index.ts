import type { Model } from "../../design";
import type { TargetDialect } from "../types";
import { requireFunction, schemaGrants, standInHeader } from "../setup-sql";
import { PG_SESSION_JWT_STAND_IN_SQL } from "./stand-in";
import { sampleEnvLines } from "../examples";
import { commentText } from "../file-text";

const SIGNED_IN = "authenticated";
const ANONYMOUS = "anonymous";
const STAND_IN_PATH = "dev/pg_session_jwt-stand-in.sql";

/**
 * pg_session_jwt verifies the request's JWT and provides auth.user_id() and auth.session().
 * Where the extension cannot be installed (plain PostgreSQL, PGlite), a stand-in installed
 * beforehand provides the same functions; without either, stop with a message that says what to do.
 */
export const SESSION_JWT_SETUP = `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_session_jwt') THEN
    CREATE EXTENSION IF NOT EXISTS pg_session_jwt;
  END IF;
END
$$;`;

const REQUIRE_SESSION_JWT = requireFunction(
  "auth.user_id()",
  "pg_session_jwt is not available on this database",
  `On Neon, enable the Data API (it installs pg_session_jwt). Elsewhere, for development only, run ${STAND_IN_PATH} first, or apply with RLS Designer, which installs that stand-in.`,
);

const VIA = {
  "data-api": [
    "The Neon Data API (recommended): in the Neon Console, open Data API, enable it and add your auth provider's",
    "JWKS URL. It installs pg_session_jwt and maps a request with a valid Bearer token to the `authenticated`",
    "role and one without to `anonymous`. Query it over HTTP with the user's token (see `examples/`).",
  ],
  "serverless-driver": [
    "The serverless driver's `authToken`: add your auth provider's JWKS URL to the project, connect with the",
    "`authenticated` role's connection string (`DATABASE_AUTHENTICATED_URL`) and pass the user's JWT as",
    "`authToken` to `neon()` from `@neondatabase/serverless` (see `examples/`).",
  ],
} as const;

export function neonDialect(model: Model): TargetDialect {
  return {
    name: "neon",
    signedInRole: SIGNED_IN,
    anonymousRole: ANONYMOUS,
    userId: (type) => (type === "uuid" ? "auth.user_id()::uuid" : "auth.user_id()"),
    claims: "auth.session()",
    layout: "drizzle",
    setupName: "neon_setup",
    setupStatements: () => [
      SESSION_JWT_SETUP,
      REQUIRE_SESSION_JWT,
      ...schemaGrants(SIGNED_IN, ANONYMOUS),
    ],
    drizzleRoles: { preamble: [`import { anonymousRole, authenticatedRole } from "drizzle-orm/neon";`], signedIn: "authenticatedRole", anonymous: "anonymousRole" },
    devFiles: () => [
      {
        path: STAND_IN_PATH,
        contents: [
          standInHeader("auth.user_id()", "pg_session_jwt"),
          "-- A local stand-in for Neon's pg_session_jwt, for development databases that cannot install it",
          "-- (plain PostgreSQL, PGlite). It reads request.jwt.claims and trusts whatever claims the connection",
          "-- sets: never run it on a production database. Run it before `npx drizzle-kit migrate`.",
          "",
          PG_SESSION_JWT_STAND_IN_SQL,
          "",
        ].join("\n"),
      },
    ],
    envExample: () =>
      [
        `# ${commentText(model.name)}: environment for the Neon database`,
        "# Owner connection string: used by drizzle-kit to apply the migrations.",
        "DATABASE_URL='postgresql://neondb_owner:password@ep-example-123456.us-east-2.aws.neon.tech/neondb?sslmode=require'",
        ...(model.neonTokenVia === "data-api"
          ? ["# The Data API's URL (Neon Console > Data API).", "NEON_DATA_API_URL='https://ep-example-123456.apirest.us-east-2.aws.neon.tech/neondb/rest/v1'"]
          : [
              "# The \"authenticated\" role's connection string: used by the app with a user's JWT, so RLS applies.",
              "DATABASE_AUTHENTICATED_URL='postgresql://authenticated@ep-example-123456.us-east-2.aws.neon.tech/neondb?sslmode=require'",
            ]),
        ...sampleEnvLines(model),
        "",
      ].join("\n"),
    readmeSection: () =>
      [
        "## Neon",
        "",
        `How the user's token reaches PostgreSQL: ${VIA[model.neonTokenVia].join("\n")}`,
        "",
        "Apply the migrations with the owner's connection string in `DATABASE_URL`: `npx drizzle-kit migrate`.",
        "",
        "On a database without pg_session_jwt (plain PostgreSQL, PGlite), run `dev/pg_session_jwt-stand-in.sql`",
        "first, or `npm run cli -- apply`, which installs that stand-in. It trusts whatever claims the",
        "connection sets, so it is for development and tests only.",
      ].join("\n"),
  };
}
