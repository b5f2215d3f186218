import { quoteIdent, sqlLiteral, type ClaimPath, type Model, type ModelTenancy } from "../design";
import { HELPER_SCHEMA, type TargetDialect } from "../targets";

const fn = (name: string) => `${quoteIdent(HELPER_SCHEMA)}.${name}`;

/**
 * The helper functions the policies call for organizations and roles. STABLE, with an empty
 * search_path and schema-qualified names; SECURITY DEFINER only where they read membership
 * tables that the caller's own policies would hide.
 */
export function helperStatements(model: Model, dialect: TargetDialect): string[] {
  const tenancy = model.tenancy;
  if (!tenancy) return [];
  const bodies = tenancy.source === "claims" ? claimsBodies(tenancy, dialect) : tablesBodies(tenancy, dialect);
  const definer = tenancy.source === "tables" ? "\n  SECURITY DEFINER" : "";
  const roles = `${quoteIdent(dialect.signedInRole)}, ${quoteIdent(dialect.anonymousRole)}`;
  const statements: string[] = [];
  const define = (name: string, args: string, returns: string, body: string, comment: string, security = definer) => {
    statements.push(
      `-- ${comment}\nCREATE OR REPLACE FUNCTION ${fn(name)}(${args}) RETURNS ${returns}\n  LANGUAGE sql STABLE${security}\n  SET search_path = ''\nAS $$\n${body}\n$$;`,
      `REVOKE ALL ON FUNCTION ${fn(name)}(${args.replace(/\w+ /g, "")}) FROM PUBLIC;`,
      `GRANT EXECUTE ON FUNCTION ${fn(name)}(${args.replace(/\w+ /g, "")}) TO ${roles};`,
    );
  };
  define("active_organization_id", "", "text", bodies.org, "The active organization of the signed-in user, or NULL.");
  define("active_organization_role", "", "text", bodies.role, "The signed-in user's role in the active organization, or NULL.");
  define(
    "bypass_organization_id",
    "bypass_roles text[]",
    "text",
    `  SELECT ${fn("active_organization_id")}()\n  WHERE ${fn("active_organization_role")}() = ANY (bypass_roles)`,
    "The active organization when the user's role is one of bypass_roles, else NULL.",
    "",
  );
  return statements;
}

function claimsBodies(tenancy: Extract<ModelTenancy, { source: "claims" }>, dialect: TargetDialect) {
  // ["o", "id"] reads claims -> 'o' ->> 'id'.
  const claim = (path: ClaimPath) =>
    `nullif(${dialect.claims}${path.map((key, i) => `${i === path.length - 1 ? " ->> " : " -> "}${sqlLiteral(key)}`).join("")}, '')`;
  return {
    org: `  SELECT ${claim(tenancy.orgClaim)}`,
    // A role only counts inside an organization.
    role: `  SELECT CASE WHEN ${claim(tenancy.orgClaim)} IS NOT NULL THEN ${claim(tenancy.roleClaim)} END`,
  };
}

function tablesBodies(tenancy: Extract<ModelTenancy, { source: "tables" }>, dialect: TargetDialect) {
  const { membership: m, activeOrg: a } = tenancy;
  const from = [
    `  FROM public.${quoteIdent(a.table)} AS s`,
    `  JOIN public.${quoteIdent(m.table)} AS m`,
    `    ON m.${quoteIdent(m.user)}::text = s.${quoteIdent(a.user)}::text AND m.${quoteIdent(m.org)}::text = s.${quoteIdent(a.org)}::text`,
    `  WHERE s.${quoteIdent(a.user)}::text = ${dialect.userId("text")}`,
    "  LIMIT 1",
  ].join("\n");
  // The active organization counts only while the user is a member of it.
  return {
    org: `  SELECT s.${quoteIdent(a.org)}::text\n${from}`,
    role: `  SELECT m.${quoteIdent(m.role)}::text\n${from}`,
  };
}
