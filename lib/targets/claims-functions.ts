/**
 * Functions that read the PostgREST convention's `request.jwt.claims` setting, shared by the
 * stand-ins (Neon, Supabase) and by the plain PostgreSQL target, which ships them for real.
 * Each reads the setting itself: a SQL function with SET search_path is never inlined, so
 * calling one from another would add a call per row.
 */
export const CLAIMS = "nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb";

export function stableFunction(schema: string, name: string, returns: string, body: string): string {
  return `CREATE OR REPLACE FUNCTION ${schema}.${name}() RETURNS ${returns}
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = ''
AS $fn$
${body}
$fn$;`;
}

export const UUID_PATTERN =
  "'^([{][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[}]|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$'";

/** `sub` when it is a JSON string, else NULL. */
export const SUB_AS_TEXT = `SELECT CASE WHEN pg_catalog.jsonb_typeof(claims -> 'sub') = 'string' THEN claims ->> 'sub' END
FROM (SELECT ${CLAIMS} AS claims) AS request`;

/** `sub` as uuid, NULL when it is not one. */
export const SUB_AS_UUID = `SELECT CASE WHEN pg_catalog.jsonb_typeof(claims -> 'sub') = 'string' AND (claims ->> 'sub') ~* ${UUID_PATTERN}
  THEN (claims ->> 'sub')::uuid END
FROM (SELECT ${CLAIMS} AS claims) AS request`;
