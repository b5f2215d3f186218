import { quoteIdent, type Model } from "../design";
import { dialectFor } from "../targets";
import type { VerifySession } from "./run";

/**
 * Roles for which the policies prove nothing: PostgreSQL skips row-level security for superusers,
 * for roles with BYPASSRLS and for the tables' owner (and its members) unless the table is forced.
 * `verify` proves the policies as the target's own roles; these warnings say when the roles the
 * application really connects as would not be held to them.
 */
export async function privilegeWarnings(model: Model, session: VerifySession, appRoles: readonly string[] = []): Promise<string[]> {
  const dialect = dialectFor(model);
  const roles = [...new Set([dialect.signedInRole, dialect.anonymousRole, ...appRoles])];
  const tables = model.tables.map((t) => `public.${quoteIdent(t.name)}`);
  const found = await session.query<{ role: string; superuser: boolean; bypassrls: boolean; owned: string[] | null; forced: boolean }>(
    `select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
            (select pg_catalog.array_agg(c.relname::pg_catalog.text order by c.relname)
               from pg_catalog.pg_class c
              where c.oid = any (select pg_catalog.to_regclass(n) from pg_catalog.unnest($2::pg_catalog.text[]) as n)
                and pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')) as owned,
            coalesce((select pg_catalog.bool_and(c.relforcerowsecurity)
               from pg_catalog.pg_class c
              where c.oid = any (select pg_catalog.to_regclass(n) from pg_catalog.unnest($2::pg_catalog.text[]) as n)
                and pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')), false) as forced
       from pg_catalog.pg_roles r where r.rolname = any ($1::pg_catalog.text[]) order by 1`,
    [roles, tables],
  );
  const warnings: string[] = [];
  for (const r of found.rows) {
    const targetRole = r.role === dialect.signedInRole || r.role === dialect.anonymousRole;
    const who = `role "${r.role}"${targetRole ? "" : " (the application's connection)"}`;
    if (r.superuser) {
      warnings.push(`${who} is a superuser: superusers bypass row-level security, so no policy applies to its connections. Use a role without SUPERUSER.`);
    }
    if (r.bypassrls) {
      warnings.push(`${who} has BYPASSRLS: its connections skip every policy. Fix: ALTER ROLE ${quoteIdent(r.role)} NOBYPASSRLS;`);
    }
    if (r.owned?.length) {
      const list = r.owned.join(", ");
      warnings.push(
        r.forced
          ? `${who} owns (or is a member of the owner of) ${list}: the tables are forced to row-level security, but an owner can still turn it off or change the policies. Connect the application as a role that owns nothing.`
          : `${who} owns (or is a member of the owner of) ${list}: a table's owner bypasses row-level security. Connect the application as a role that owns nothing, or set "forceRowLevelSecurity": true in the design.`,
      );
    }
  }
  return warnings;
}

/** The user name of a connection string, for checking the role the application connects as. */
export function roleOfUrl(url: string): string | null {
  try {
    const name = decodeURIComponent(new URL(url).username);
    return name === "" ? null : name;
  } catch {
    return null;
  }
}
