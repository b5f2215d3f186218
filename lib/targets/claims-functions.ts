/**
 * Functions that read the PostgREST convention's `request.jwt.claims` setting, shared by the
 * stand-ins (Neon, Supabase) and by the plain PostgreSQL target, which ships them for real.
 *
 * PL/pgSQL, not SQL: a SQL function with `SET search_path` is never inlined, and before
 * PostgreSQL 18 it parses and plans its body again in every statement that calls it; a PL/pgSQL
 * function keeps its plan for the session (measured in docs/benchmarks.md).
 */
export const CLAIMS = "nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::pg_catalog.jsonb";

/**
 * The search_path of every function the bundle creates. pg_temp is named last because an empty
 * search_path still searches it first for types and relations: a signed-in user could shadow
 * \`text\` with a temporary domain whose CHECK runs their code as the function's owner. Names in
 * the bodies are schema-qualified as well, types included.
 */
export const PINNED_SEARCH_PATH = "pg_catalog, pg_temp";

/**
 * A STABLE function of no arguments returning `expression`, which may read the request's `claims`.
 * `returns` is a type of pg_catalog, named without its schema (`text`, `jsonb`, `uuid`).
 */
export function claimsFunction(schema: string, name: string, returns: string, expression: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.${name}() RETURNS pg_catalog.${returns}
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ${PINNED_SEARCH_PATH}
AS $fn$
DECLARE
  claims pg_catalog.jsonb := ${CLAIMS};
BEGIN
  RETURN ${expression};
END
$fn$;`;
}

export const UUID_PATTERN =
  "'^([{][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[}]|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$'";

/** `sub` when it is a JSON string, else NULL. */
export const SUB_AS_TEXT = "CASE WHEN pg_catalog.jsonb_typeof(claims -> 'sub') = 'string' THEN claims ->> 'sub' END";

/** `sub` as uuid, NULL when it is not one. */
export const SUB_AS_UUID = `CASE WHEN pg_catalog.jsonb_typeof(claims -> 'sub') = 'string' AND (claims ->> 'sub') ~* ${UUID_PATTERN}
    THEN (claims ->> 'sub')::pg_catalog.uuid END`;
