import type { Session } from "../db";
import { quoteIdent } from "../design";
import { readCatalog, type Catalog, type CatalogPolicy, type CatalogTable } from "../import";
import { ident, tableName } from "./names";

/** One problem in a live database: what, why it matters, and how to fix it. */
export interface Finding {
  readonly rule: RuleId;
  readonly level: "error" | "warning" | "note";
  /** The object, schema-qualified: `public.todos`, `policy p on public.todos`, `function public.f()`. */
  readonly object: string;
  readonly message: string;
  readonly fix: string;
  /** The table the finding is about (in the linted schema, unqualified), for the designer's one-click fixes. */
  readonly table?: string;
  /** Column findings: the columns (a foreign key's, or the one a policy compares). */
  readonly columns?: readonly string[];
  /** Table and column findings: a column of the table that its policies compare with the signed-in user's id, if any (its owner column). */
  readonly ownerColumn?: string;
}

export const RULES = {
  rls_disabled_in_exposed: "Row-level security is disabled on a table the API roles can reach",
  policy_exists_rls_disabled: "Policies exist but row-level security is disabled",
  rls_enabled_no_policy: "Row-level security is enabled with no policy",
  auth_rls_initplan: "A policy calls an auth function or current_setting per row",
  multiple_permissive_policies: "Several permissive policies for one role and action",
  security_definer_view: "A view runs with its owner's rights (no security_invoker)",
  function_search_path_mutable: "A function's search_path is not fixed",
  security_definer_executable: "A SECURITY DEFINER function is executable by the API roles",
  security_definer_empty_search_path: "SECURITY DEFINER with an empty search_path (the pg_temp hole)",
  permissive_true_write: "A write policy allows every row (true)",
  unindexed_foreign_key: "A foreign key has no index",
  unindexed_policy_column: "A column a policy compares has no index",
  app_role_bypasses_rls: "An API role bypasses row-level security",
  app_role_owns_table: "An API role owns a table (owners bypass row-level security)",
  rls_not_forced_for_owner: "Row-level security is not forced, and the connecting role owns the table",
  claims_without_nullif: "A policy reads request.jwt.claims without nullif",
} as const;
export type RuleId = keyof typeof RULES;

/** Roles that serve API requests on Supabase, Neon's Data API and our postgres target. */
const API_ROLES = ["anon", "authenticated", "anonymous"];

const policyName = (schema: string, t: CatalogTable, p: CatalogPolicy) => `policy ${ident(p.name)} on ${tableName(schema, t)}`;

/**
 * splinter's RLS checks and ours, on one schema. Policy texts are checked as PostgreSQL prints
 * them (pg_get_expr), so the shapes are matched on that canonical form.
 */
export async function lintDatabase(db: Session, schema = "public"): Promise<{ catalog: Catalog; findings: Finding[] }> {
  const catalog = await readCatalog(db, schema);
  const findings: Finding[] = [];
  let about: Pick<Finding, "table" | "columns" | "ownerColumn"> = {};
  const add = (rule: RuleId, level: Finding["level"], object: string, message: string, fix: string, columns?: readonly string[]) =>
    findings.push({ rule, level, object, message, fix, ...about, ...(columns ? { columns } : {}) });
  const roles = await db.query<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>(
    `select rolname, rolbypassrls, rolsuper from pg_catalog.pg_roles where rolname = any($1::pg_catalog.text[]) or rolname = current_user`,
    [API_ROLES],
  );
  const me = (await db.query<{ me: string }>("select current_user as me")).rows[0]!.me;
  const apiRoles = roles.rows.filter((r) => API_ROLES.includes(r.rolname)).map((r) => r.rolname);

  for (const t of catalog.tables) {
    const name = tableName(schema, t);
    const owner = t.columns.find((c) => t.policies.some((p) => [p.using, p.withCheck].some((x) => x !== null && comparesWithUser(x, c.name))))?.name;
    about = { table: t.name, ...(owner ? { ownerColumn: owner } : {}) };
    const reachable = t.grants.filter((g) => g.grantee === "PUBLIC" || apiRoles.includes(g.grantee)).map((g) => g.grantee);
    if (!t.rlsEnabled && reachable.length > 0) {
      add("rls_disabled_in_exposed", "error", name, `${reachable.join(", ")} may use ${name}, and without row-level security every row is theirs to read and change.`, `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY; then add policies (or import the database and design them).`);
    }
    if (!t.rlsEnabled && t.policies.length > 0) {
      add("policy_exists_rls_disabled", "error", name, `${name} has ${t.policies.length} polic${t.policies.length === 1 ? "y" : "ies"}, but they do nothing while row-level security is disabled.`, `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
    }
    if (t.rlsEnabled && t.policies.length === 0) {
      add("rls_enabled_no_policy", "note", name, `${name} has row-level security and no policy: every API request sees nothing (denial by default). Fine if intended.`, `Add the policies the application needs, or leave it so if nobody but the owner reads it.`);
    }
    if (t.rlsEnabled && !t.rlsForced && t.owner === me) {
      add("rls_not_forced_for_owner", "warning", name, `you connect as ${me}, which owns ${name}: requests made on this connection bypass its policies.`, `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY; or serve requests as another role (SET LOCAL ROLE authenticated).`);
    }
    if (apiRoles.includes(t.owner)) {
      add("app_role_owns_table", "error", name, `${t.owner} owns ${name}; a table's owner bypasses its row-level security unless forced, and may drop the policies.`, `ALTER TABLE ${name} OWNER TO <a role the API does not use>;`);
    }

    // Several permissive policies for one role and action: each is evaluated for every row (splinter), and they OR together.
    const permissive = new Map<string, string[]>();
    for (const p of t.policies.filter((p) => p.permissive)) {
      const commands = p.command === "ALL" ? ["SELECT", "INSERT", "UPDATE", "DELETE"] : [p.command];
      for (const role of p.roles) for (const c of commands) permissive.set(`${role} ${c}`, [...(permissive.get(`${role} ${c}`) ?? []), p.name]);
    }
    for (const [key, names] of permissive) {
      if (names.length < 2) continue;
      const [role, command] = key.split(" ");
      add("multiple_permissive_policies", "warning", name, `${names.length} permissive policies (${names.join(", ")}) for ${role} ${command} on ${name}: each is evaluated per row, and any one admits a row.`, `Merge them into one policy (USING (a OR b)), or make the isolation part RESTRICTIVE.`);
    }

    for (const p of t.policies) {
      const object = policyName(schema, t, p);
      const texts = [p.using, p.withCheck].filter((x): x is string => x !== null);
      if (texts.some(perRowCall)) {
        add("auth_rls_initplan", "warning", object, `it calls an auth function or current_setting() for every row (measured 60x to 100,000x slower on a million rows).`, `Wrap each call so it runs once per statement: user_id = (select auth.uid()), never auth.uid() = user_id or (select auth.uid() = user_id).`);
      }
      if (texts.some((x) => /current_setting\('request\.jwt\.claims'/.test(x) && !/nullif\(\s*\(?current_setting\('request\.jwt\.claims'/.test(x))) {
        add("claims_without_nullif", "warning", object, `it reads request.jwt.claims without nullif: after an earlier transaction on the same connection set it, the setting is '' and the cast to jsonb fails (22P02).`, `Read nullif(current_setting('request.jwt.claims', true), '')::jsonb.`);
      }
      const writes = p.command !== "SELECT";
      if (writes && (isTrue(p.using) || isTrue(p.withCheck)) && !boundedByRestrictive(t, p)) {
        add("permissive_true_write", p.permissive ? "error" : "warning", object, `${p.command} with ${isTrue(p.withCheck) ? "WITH CHECK (true)" : "USING (true)"}: ${p.roles.join(", ")} may write any row.`, `Restrict it to the rows the role owns (e.g. WITH CHECK (user_id = (select auth.uid()))).`);
      }
      for (const column of t.columns) {
        if (!texts.some((x) => comparesColumn(x, column.name))) continue;
        if (indexed(t, [column.name])) continue;
        add("unindexed_policy_column", "warning", `${tableName(schema, t)}.${ident(column.name)}`, `${p.name} compares ${column.name} on every row; without an index each request scans the table.`, `CREATE INDEX ON ${name} (${quoteIdent(column.name)});`, [column.name]);
      }
    }
    for (const fk of t.foreignKeys) {
      if (indexed(t, fk.columns)) continue;
      add("unindexed_foreign_key", "note", `${name} foreign key ${ident(fk.name)}`, `(${fk.columns.join(", ")}) has no index: deletes in ${fk.refTable} and policies that join on it scan ${t.name}.`, `CREATE INDEX ON ${name} (${fk.columns.map(quoteIdent).join(", ")});`, fk.columns);
    }
  }
  about = {};

  for (const r of roles.rows.filter((r) => API_ROLES.includes(r.rolname) && (r.rolbypassrls || r.rolsuper))) {
    add("app_role_bypasses_rls", "error", `role ${ident(r.rolname)}`, `${r.rolname} is ${r.rolsuper ? "a superuser" : "BYPASSRLS"}: every policy is ignored for its requests.`, `ALTER ROLE ${quoteIdent(r.rolname)} ${r.rolsuper ? "NOSUPERUSER" : "NOBYPASSRLS"};`);
  }

  const views = await db.query<{ name: string; invoker: boolean }>(
    `select c.relname as name, coalesce(c.reloptions @> array['security_invoker=true'] or c.reloptions @> array['security_invoker=on'], false) as invoker
     from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'v' order by 1`,
    [schema],
  );
  for (const v of views.rows.filter((v) => !v.invoker)) {
    const name = tableName(schema, v);
    add("security_definer_view", "error", `view ${name}`, `the view reads its tables as its owner, so their row-level security is bypassed for everyone who may select from it.`, `ALTER VIEW ${name} SET (security_invoker = true);`);
  }

  const functions = await db.query<{ signature: string; definer: boolean; config: string[] | null; executable: string | null }>(
    `select p.oid::pg_catalog.regprocedure::pg_catalog.text as signature, p.prosecdef as definer, p.proconfig as config,
            (select pg_catalog.string_agg(x.rolname, ', ' order by x.rolname)
              from (select rolname from pg_catalog.pg_roles where rolname = any($2::pg_catalog.text[])) x
              where pg_catalog.has_function_privilege(x.rolname, p.oid, 'EXECUTE')) as executable
     from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname = $1 and p.prokind = 'f' and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
     order by 1`,
    [schema, API_ROLES],
  );
  for (const f of functions.rows) {
    const config = Array.isArray(f.config) ? f.config : f.config ? String(f.config).replace(/^\{|\}$/g, "").split(",") : [];
    const path = config.find((c) => c.replace(/^"/, "").startsWith("search_path="));
    const object = `function ${f.signature}`;
    if (!path) {
      add("function_search_path_mutable", f.definer ? "error" : "warning", object, `its search_path is whoever calls it: names in the body may resolve to objects the caller created.`, `ALTER FUNCTION ${f.signature} SET search_path = pg_catalog, pg_temp; and schema-qualify every name.`);
    } else if (f.definer && !/pg_temp"?\s*$/.test(path.replace(/"$/, ""))) {
      add("security_definer_empty_search_path", "error", object, `SECURITY DEFINER with ${path.replace(/^"|"$/g, "")}: pg_temp is still searched first for types and relations, so any user with TEMP can shadow a type and run code as the owner.`, `ALTER FUNCTION ${f.signature} SET search_path = pg_catalog, pg_temp; (pg_temp named last).`);
    }
    if (f.definer && f.executable) {
      add("security_definer_executable", "warning", object, `SECURITY DEFINER and executable by ${f.executable}: they run it with its owner's rights, past row-level security.`, `REVOKE EXECUTE ON FUNCTION ${f.signature} FROM PUBLIC, ${f.executable}; or move it to a schema the API does not expose.`);
    }
  }
  return { catalog, findings };
}

/**
 * Whether a permissive policy is ANDed, for each of its roles and its command, with a restrictive
 * policy that is not itself `true`: a permissive `true` under a restrictive firewall (the shape our
 * compiler emits: RESTRICTIVE FOR ALL, or FOR SELECT, ... USING (user_id = ...), then PERMISSIVE ... USING (true))
 * admits only the rows the firewall admits.
 */
function boundedByRestrictive(t: CatalogTable, p: CatalogPolicy): boolean {
  return p.roles.every((role) =>
    t.policies.some(
      (r) =>
        !r.permissive &&
        (r.command === "ALL" || r.command === p.command) &&
        (r.roles.includes(role) || r.roles.includes("public")) &&
        // Each side that is true in p must be bounded on the same side of r (an ALL policy's check defaults to its USING).
        (!isTrue(p.using) || (r.using !== null && !isTrue(r.using))) &&
        (!isTrue(p.withCheck) || ((r.withCheck ?? r.using) !== null && !isTrue(r.withCheck ?? r.using))),
    ),
  );
}

function isTrue(expr: string | null): boolean {
  return expr !== null && /^\(*\s*true\s*\)*$/i.test(expr);
}

/**
 * Whether an auth function or current_setting() runs per row: it is fine only as the whole
 * target of a scalar subquery, `( SELECT auth.uid() AS uid)`, which PostgreSQL runs once (an initplan).
 */
export function perRowCall(expr: string): boolean {
  for (const call of expr.matchAll(/\b(auth\.\w+\(\)|current_setting\()/g)) {
    const before = expr.slice(0, call.index).replace(/(\s|\(|nullif\()*$/i, "");
    const select = /\(\s*SELECT$/i.exec(before);
    if (!select) return true;
    // The subquery, up to its closing parenthesis, must not compare anything of the row.
    let depth = 0;
    let end = select.index;
    for (; end < expr.length; end++) {
      if (expr[end] === "(") depth++;
      else if (expr[end] === ")" && --depth === 0) break;
    }
    const inner = expr.slice(select.index, end).replace(/'(?:[^']|'')*'/g, "''").replace(/->>?/g, " ");
    if (/[=<>]|\b(AND|OR|IN|ANY)\b/i.test(inner)) return true;
  }
  return false;
}

/** Whether a policy text compares the column: `col = ...` or `... = col`, maybe qualified. */
function comparesColumn(expr: string, column: string): boolean {
  const ident = `(?:\\w+\\.)?(?:"${column.replaceAll('"', '""').replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"|${/^[a-z_][a-z0-9_]*$/.test(column) ? column : "\\u0000"})`;
  return new RegExp(`(^|[\\s(])${ident}\\s*(=|=\\s*ANY)|=\\s*${ident}([\\s)]|$)`).test(expr);
}

/** The signed-in user's id, as policies read it: Supabase's auth.uid(), pg_session_jwt's auth.user_id(), or the claims' `sub`. */
const USER_ID = String.raw`(?:auth\.(?:uid|user_id)\(\)|->>\s*'sub')`;

/** Whether a policy text compares the column with the signed-in user's id (`user_id = (select auth.uid())`, either way round). */
export function comparesWithUser(expr: string, column: string): boolean {
  const name = `(?:\\w+\\.)?(?:"${column.replaceAll('"', '""').replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"${/^[a-z_][a-z0-9_]*$/.test(column) ? `|${column}` : ""})(?![\\w"])`;
  return new RegExp(`(^|[\\s(])${name}\\s*=\\s*[^=]{0,160}?${USER_ID}`).test(expr) || new RegExp(`${USER_ID}[^=]{0,80}=\\s*${name}`).test(expr);
}

function indexed(t: CatalogTable, columns: readonly string[]): boolean {
  return t.indexes.some((i) => columns.every((c, k) => i.columns[k] === c));
}
