import { dollarQuote, quoteIdent, sqlLiteral, type ClaimPath, type Model, type ModelTenancy } from "../design";
import { HELPER_SCHEMA, PINNED_SEARCH_PATH, type TargetDialect } from "../targets";
import { shapeHelpers } from "./shapes-sql";
import type { CompileCache } from "./cache";

const fn = (name: string) => `${quoteIdent(HELPER_SCHEMA)}.${name}`;

interface HelperBodies {
  /** PL/pgSQL declarations and statements that leave `org` and `role` set. */
  readonly declare: string;
  readonly load: string;
  /** SECURITY DEFINER: the membership tables' own policies would hide the rows the helper needs. */
  readonly definer: boolean;
}

/**
 * The helper functions the policies call for organizations and roles: STABLE, search_path pinned
 * to pg_catalog then pg_temp (an empty search_path still searches pg_temp first for types and
 * relations), every name schema-qualified, types included, executable only by the two roles. PL/pgSQL keeps its
 * plan for the session, and each helper reads the claims (or the membership tables) once;
 * see docs/benchmarks.md for what that saves.
 */
export interface HelperFunction {
  /** `"rls".bypass_organization_id(pg_catalog.text[])`, as DROP FUNCTION names it. */
  readonly signature: string;
  /** CREATE OR REPLACE, then who may execute it. */
  readonly statements: readonly string[];
  /** What removes it, when more than DROP FUNCTION (a trigger function takes its trigger along). */
  readonly drop?: readonly string[];
}

export function helperStatements(model: Model, dialect: TargetDialect, cache?: CompileCache): HelperFunction[] {
  const tenancy = model.tenancy;
  if (!tenancy) return shapeHelpers(model, dialect, cache);
  const bodies = tenancy.source === "claims" ? claimsBodies(tenancy, dialect) : tablesBodies(tenancy, dialect);
  const roles = `${quoteIdent(dialect.signedInRole)}, ${quoteIdent(dialect.anonymousRole)}`;
  const helpers: HelperFunction[] = [];
  const define = (name: string, args: string, argTypes: string, result: string, comment: string) => {
    helpers.push({ signature: `${fn(name)}(${argTypes})`, statements: [
      [
        `-- ${comment}`,
        `CREATE OR REPLACE FUNCTION ${fn(name)}(${args}) RETURNS pg_catalog.text`,
        `  LANGUAGE plpgsql STABLE${bodies.definer ? " SECURITY DEFINER" : ""}`,
        `  SET search_path = ${PINNED_SEARCH_PATH}`,
        `AS ${dollarQuote(["DECLARE", bodies.declare, "BEGIN", ...(bodies.load ? [bodies.load] : []), `  RETURN ${result};`, "END"].join("\n"))};`,
      ].join("\n"),
      `REVOKE ALL ON FUNCTION ${fn(name)}(${argTypes}) FROM PUBLIC;`,
      `GRANT EXECUTE ON FUNCTION ${fn(name)}(${argTypes}) TO ${roles};`,
    ] });
  };
  define("active_organization_id", "", "", "org", "The active organization of the signed-in user, or NULL.");
  define("active_organization_role", "", "", "role", "The signed-in user's role in the active organization, or NULL.");
  define(
    "bypass_organization_id",
    "bypass_roles pg_catalog.text[]",
    "pg_catalog.text[]",
    "CASE WHEN role = ANY (bypass_roles) THEN org END",
    "The active organization when the user's role is one of bypass_roles, else NULL.",
  );
  return [...helpers, ...shapeHelpers(model, dialect, cache)];
}

function claimsBodies(tenancy: Extract<ModelTenancy, { source: "claims" }>, dialect: TargetDialect): HelperBodies {
  // ["o", "id"] reads claims -> 'o' ->> 'id'. Only a JSON string counts: a list or an object would
  // otherwise be read as its JSON text, which is not NULL, so a role would count without an organization.
  const claim = (path: ClaimPath) => {
    const node = `claims${path.map((key) => ` -> ${sqlLiteral(key)}`).join("")}`;
    const text = `claims${path.map((key, i) => `${i === path.length - 1 ? " ->> " : " -> "}${sqlLiteral(key)}`).join("")}`;
    return `CASE WHEN pg_catalog.jsonb_typeof(${node}) = 'string' THEN nullif(${text}, '') END`;
  };
  return {
    declare: `  claims pg_catalog.jsonb := ${dialect.claims};\n  org pg_catalog.text := ${claim(tenancy.orgClaim)};\n  -- A role only counts inside an organization.\n  role pg_catalog.text := CASE WHEN org IS NOT NULL THEN ${claim(tenancy.roleClaim)} END;`,
    load: "",
    definer: false,
  };
}

function tablesBodies(tenancy: Extract<ModelTenancy, { source: "tables" }>, dialect: TargetDialect): HelperBodies {
  const { membership: m, activeOrg: a } = tenancy;
  // The active organization counts only while the user is a member of it.
  const load = [
    `  SELECT s.${quoteIdent(a.org)}::pg_catalog.text, m.${quoteIdent(m.role)}::pg_catalog.text INTO org, role`,
    `    FROM public.${quoteIdent(a.table)} AS s`,
    `    JOIN public.${quoteIdent(m.table)} AS m`,
    `      ON m.${quoteIdent(m.user)}::pg_catalog.text = s.${quoteIdent(a.user)}::pg_catalog.text AND m.${quoteIdent(m.org)}::pg_catalog.text = s.${quoteIdent(a.org)}::pg_catalog.text`,
    `   WHERE s.${quoteIdent(a.user)}::pg_catalog.text = ${dialect.userId("text")}`,
    "   LIMIT 1;",
  ].join("\n");
  return { declare: "  org pg_catalog.text;\n  role pg_catalog.text;", load, definer: true };
}
