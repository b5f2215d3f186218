import { quoteIdent, type Model } from "../../design";
import { claimsFunction, SUB_AS_TEXT } from "../claims-functions";
import { schemaGrants } from "../setup-sql";
import { commentText, markdownCode, sqlSnippetIdentifier, sqlSnippetLiteral, tsString } from "../file-text";
import { issuerEnvLines, sampleEnvLines } from "../examples";
import type { TargetDialect } from "../types";

/**
 * Plain PostgreSQL: no vendor extension. The bundle creates schema `auth` with functions that read
 * `request.jwt.claims`, the PostgREST convention: whoever connects sets it, per transaction, from
 * a token it has verified.
 */
export function postgresDialect(model: Model): TargetDialect {
  const { signedIn, anonymous } = model.databaseRoles;
  const roles = `${quoteIdent(signedIn)}, ${quoteIdent(anonymous)}`;
  return {
    name: "postgres",
    signedInRole: signedIn,
    anonymousRole: anonymous,
    userId: (type) => (type === "uuid" ? "auth.user_id()::uuid" : "auth.user_id()"),
    claims: "auth.jwt()",
    layout: "drizzle",
    setupName: "postgres_setup",
    setupStatements: () => [
      ...schemaGrants(signedIn, anonymous),
      "-- The claims of the request, as PostgREST sets them: set_config('request.jwt.claims', <json>, true).\nCREATE SCHEMA IF NOT EXISTS auth;",
      claimsFunction("auth", "jwt", "jsonb", "claims"),
      claimsFunction("auth", "user_id", "text", SUB_AS_TEXT),
      "REVOKE ALL ON FUNCTION auth.jwt(), auth.user_id() FROM PUBLIC;",
      `GRANT USAGE ON SCHEMA auth TO ${roles};`,
      `GRANT EXECUTE ON FUNCTION auth.jwt(), auth.user_id() TO ${roles};`,
    ],
    drizzleRoles: {
      preamble: [
        `import { pgRole } from "drizzle-orm/pg-core";`,
        "",
        `export const signedInRole = pgRole(${tsString(signedIn)}).existing();`,
        `export const anonymousRole = pgRole(${tsString(anonymous)}).existing();`,
      ],
      signedIn: "signedInRole",
      anonymous: "anonymousRole",
    },
    devFiles: () => [],
    envExample: () =>
      [
        `# ${commentText(model.name)}: environment for PostgreSQL`,
        "# Owner connection string: used by drizzle-kit to apply the migrations.",
        "DATABASE_URL='postgresql://owner:password@localhost:5432/app'",
        `# The app's connection: a login role that is a member of ${commentText(sqlSnippetIdentifier(signedIn))} and ${commentText(sqlSnippetIdentifier(anonymous))}`,
        "# (GRANT <role> TO app_login), which switches to one of them per transaction.",
        "DATABASE_APP_URL='postgresql://app_login:password@localhost:5432/app'",
        ...issuerEnvLines(model),
        ...sampleEnvLines(model),
        "",
      ].join("\n"),
    readmeSection: () =>
      [
        "## PostgreSQL",
        "",
        `The policies apply to the roles ${markdownCode(signedIn)} and ${markdownCode(anonymous)}. Your server verifies the user's`,
        "token (its signature, issuer and audience), then runs each request in a transaction that first calls",
        "",
        "```sql",
        `select set_config('role', ${sqlSnippetLiteral(signedIn)}, true), set_config('request.jwt.claims', $1, true);`,
        "```",
        "",
        "with the verified claims as JSON (`examples/` shows it with `pg` and `jose`). The app's login role needs",
        `${markdownCode(`GRANT ${sqlSnippetIdentifier(signedIn)}, ${sqlSnippetIdentifier(anonymous)} TO app_login;`)}. Never let a client set the claims itself.`,
      ].join("\n"),
  };
}
