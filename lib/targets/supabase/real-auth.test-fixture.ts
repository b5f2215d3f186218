/**
 * Supabase's own auth.uid(), auth.role() and auth.jwt(), written as the Supabase auth server's
 * migrations define them (supabase/auth, migrations/*_update_auth_functions and
 * *_add_auth_jwt_function), for tests that must see what a real Supabase database does. Unlike the
 * bundle's stand-in, auth.uid() casts the token's sub to uuid and fails (22P02) on any other id.
 * Test fixture only: it is not part of any bundle.
 */
export const SUPABASE_REAL_AUTH_SQL = `
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
END
$roles$;

CREATE SCHEMA IF NOT EXISTS auth;

create or replace function auth.uid()
returns uuid
language sql stable
as $$
  select
  nullif(
    coalesce(
      current_setting('request.jwt.claim.sub', true),
      (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')
    ),
    ''
  )::uuid
$$;

create or replace function auth.role()
returns text
language sql stable
as $$
  select
  nullif(
    coalesce(
      current_setting('request.jwt.claim.role', true),
      (current_setting('request.jwt.claims', true)::jsonb ->> 'role')
    ),
    ''
  )::text
$$;

create or replace function auth.jwt()
returns jsonb
language sql stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

grant usage on schema auth to anon, authenticated;
`;
