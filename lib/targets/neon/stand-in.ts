/**
 * A local stand-in for Neon's pg_session_jwt 0.5, for databases that cannot install it
 * (plain PostgreSQL, PGlite). It mirrors the extension's behaviour without a JWK, where the
 * extension reads PostgREST's `request.jwt.claims` setting instead of verifying a token:
 *
 * - `auth.session()` / `auth.jwt()`: the claims as jsonb; jsonb `null` (not SQL NULL) when no
 *   claims are set, as the extension does.
 * - `auth.user_id()`: `sub` when it is a JSON string, else NULL.
 * - `auth.uid()`: `sub` as uuid, NULL when it is not one.
 * - `auth.organization()` / `auth.organization_id()`: Neon Auth's active organization claim
 *   `"o"` (an object) and its `"id"` as uuid; NULL when missing or malformed.
 * - `auth.init()`: no-op (the extension would load a JWK; there is none here).
 *
 * Differences kept on purpose: claims that are not valid JSON raise an error here (the
 * extension reads them as absent), and `auth.jwt_session_init(jwt)` is not provided.
 */

import { claimsFunction, PINNED_SEARCH_PATH, SUB_AS_TEXT, SUB_AS_UUID, UUID_PATTERN } from "../claims-functions";

const authFunction = (name: string, returns: string, expression: string) => claimsFunction("auth", name, returns, expression);

const FUNCTIONS = [
  authFunction("session", "jsonb", "coalesce(claims, 'null'::pg_catalog.jsonb)"),
  authFunction("jwt", "jsonb", "coalesce(claims, 'null'::pg_catalog.jsonb)"),
  authFunction("user_id", "text", SUB_AS_TEXT),
  authFunction("uid", "uuid", SUB_AS_UUID),
  authFunction("organization", "jsonb", "CASE WHEN pg_catalog.jsonb_typeof(claims -> 'o') = 'object' THEN claims -> 'o' END"),
  authFunction(
    "organization_id",
    "uuid",
    `CASE WHEN pg_catalog.jsonb_typeof(claims -> 'o') = 'object'
    AND pg_catalog.jsonb_typeof(claims -> 'o' -> 'id') = 'string'
    AND (claims -> 'o' ->> 'id') ~* ${UUID_PATTERN}
    THEN (claims -> 'o' ->> 'id')::pg_catalog.uuid END`,
  ),
  `CREATE OR REPLACE FUNCTION auth.init() RETURNS pg_catalog.void
LANGUAGE plpgsql
SET search_path = ${PINNED_SEARCH_PATH}
AS $stand_in$
BEGIN
  -- pg_session_jwt loads its JWK here; the stand-in has none.
END
$stand_in$;`,
];

/** Names of the functions the stand-in defines, all without arguments. */
export const STAND_IN_FUNCTIONS = ["session", "jwt", "user_id", "uid", "organization", "organization_id", "init"] as const;

/** Idempotent: safe to run again on a database that already has the stand-in. */
export const PG_SESSION_JWT_STAND_IN_SQL: string = [
  "CREATE SCHEMA IF NOT EXISTS auth;",
  `COMMENT ON SCHEMA auth IS 'Local stand-in for Neon''s pg_session_jwt, installed by RLS Designer: reads request.jwt.claims and trusts whatever claims the connection sets. Not for production.';`,
  ...FUNCTIONS,
  // Spelled out although PUBLIC already has EXECUTE on new functions: pg_session_jwt grants the same.
  "GRANT USAGE ON SCHEMA auth TO PUBLIC;",
  `GRANT EXECUTE ON FUNCTION ${STAND_IN_FUNCTIONS.map((name) => `auth.${name}()`).join(", ")} TO PUBLIC;`,
].join("\n\n");

export const STAND_IN_NOTICE =
  "pg_session_jwt is not available on this database, so a local stand-in that reads request.jwt.claims was installed in schema auth (not for production: it trusts whatever claims the connection sets).";
