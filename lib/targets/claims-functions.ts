/**
 * Functions that read the PostgREST convention's `request.jwt.claims` setting, shared by the
 * stand-ins (Neon, Supabase) and by the plain PostgreSQL target, which ships them for real.
 *
 * PL/pgSQL, not SQL: a SQL function with `SET search_path` is never inlined, and before
 * PostgreSQL 18 it parses and plans its body again in every statement that calls it; a PL/pgSQL
 * function keeps its plan for the session (measured in docs/benchmarks.md).
 */
export const CLAIMS = "nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb";

/** A STABLE function of no arguments returning `expression`, which may read the request's `claims`. */
export function claimsFunction(schema: string, name: string, returns: string, expression: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.${name}() RETURNS ${returns}
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $fn$
DECLARE
  claims jsonb := ${CLAIMS};
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
    THEN (claims ->> 'sub')::uuid END`;
