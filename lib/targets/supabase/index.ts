import { PROVIDER_PRESETS, type Model } from "../../design";
import { claimsFunction, SUB_AS_UUID } from "../claims-functions";
import { requireFunction, schemaGrants, standInHeader } from "../setup-sql";
import { commentText } from "../file-text";
import type { TargetDialect } from "../types";

const SIGNED_IN = "authenticated";
const ANONYMOUS = "anon";
const STAND_IN_PATH = "dev/supabase-auth-stand-in.sql";

/** Supabase's own auth.uid(), auth.jwt() and auth.role(), as they read `request.jwt.claims`, for local databases. */
const STAND_IN_SQL = [
  "CREATE SCHEMA IF NOT EXISTS auth;",
  "COMMENT ON SCHEMA auth IS 'Local stand-in for Supabase''s auth functions, installed by RLS Designer: reads request.jwt.claims and trusts whatever claims the connection sets. Not for production.';",
  claimsFunction("auth", "uid", "uuid", SUB_AS_UUID),
  claimsFunction("auth", "jwt", "jsonb", "claims"),
  claimsFunction("auth", "role", "text", "claims ->> 'role'"),
  "GRANT USAGE ON SCHEMA auth TO PUBLIC;",
  "GRANT EXECUTE ON FUNCTION auth.uid(), auth.jwt(), auth.role() TO PUBLIC;",
].join("\n\n");

export function supabaseDialect(model: Model): TargetDialect {
  return {
    name: "supabase",
    signedInRole: SIGNED_IN,
    anonymousRole: ANONYMOUS,
    // auth.uid() casts the token's sub to uuid, so with Clerk, Auth0, WorkOS or Better Auth ids
    // (`user_2abc...`) it fails with 22P02 on every row. A text column compares the sub as text.
    // Only a string sub names a user (as auth.uid() and pg_session_jwt's auth.user_id() read it).
    userId: (type) => (type === "uuid" ? "auth.uid()" : "(CASE WHEN pg_catalog.jsonb_typeof(auth.jwt() -> 'sub') = 'string' THEN auth.jwt() ->> 'sub' END)"),
    claims: "auth.jwt()",
    layout: "supabase",
    setupName: "rls_setup",
    setupStatements: () => [
      requireFunction(
        "auth.uid()",
        "auth.uid() is missing: this migration expects a Supabase database",
        `For a local database, run ${STAND_IN_PATH} first, or apply with RLS Designer, which installs that stand-in.`,
      ),
      ...schemaGrants(SIGNED_IN, ANONYMOUS),
    ],
    drizzleRoles: { preamble: [`import { anonRole, authenticatedRole } from "drizzle-orm/supabase";`], signedIn: "authenticatedRole", anonymous: "anonRole" },
    devFiles: () => [
      {
        path: STAND_IN_PATH,
        contents: [
          standInHeader("auth.uid()"),
          "-- A local stand-in for Supabase's auth.uid(), auth.jwt() and auth.role(), for development databases",
          "-- that are not Supabase (plain PostgreSQL, PGlite). It reads request.jwt.claims and trusts whatever",
          "-- claims the connection sets: never run it on a production database.",
          "",
          STAND_IN_SQL,
          "",
        ].join("\n"),
      },
    ],
    envExample: () =>
      [
        `# ${commentText(model.name)}: environment for the Supabase project (Project Settings > API and > Database)`,
        "NEXT_PUBLIC_SUPABASE_URL='https://your-project-ref.supabase.co'",
        "NEXT_PUBLIC_SUPABASE_ANON_KEY='your-anon-key'",
        "# For `supabase db push` or drizzle: the database's connection string.",
        "DATABASE_URL='postgresql://postgres.your-project-ref:password@aws-0-us-east-1.pooler.supabase.com:5432/postgres'",
        "",
      ].join("\n"),
    readmeSection: () =>
      [
        "## Supabase",
        "",
        "The migrations are in Supabase's layout. With the Supabase CLI linked to your project:",
        "",
        "```sh",
        "supabase db push",
        "```",
        "",
        "Requests made with a user's session run as `authenticated`, others as `anon`; the policies read",
        "`auth.uid()` and `auth.jwt()`. Organization claims come from a Custom Access Token Hook (or your",
        "provider's token) under the claim names of the design. On a database that is not Supabase, run",
        `\`${STAND_IN_PATH}\` first (development only).`,
        ...(model.provider === "supabase"
          ? []
          : [
              "",
              `Signing in is ${PROVIDER_PRESETS[model.provider].label}'s, not Supabase Auth's: add it under Authentication > Third-party`,
              "auth in the Supabase Dashboard (Supabase accepts the providers listed there; check that yours is), make",
              "its tokens carry `\"role\": \"authenticated\"`, and create the client with",
              "`createClient(url, anonKey, { accessToken })`, which sends the provider's token with each request",
              "(see `examples/`).",
            ]),
      ].join("\n"),
  };
}
