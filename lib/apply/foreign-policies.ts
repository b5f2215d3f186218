import type { Bundle, Session } from "../db";
import { quoteIdent, type Model } from "../design";

/** A policy on an adopted table that the design does not produce (spec §5): listed, dropped only when confirmed. */
export interface ForeignPolicy {
  readonly table: string;
  readonly name: string;
  /** As PostgreSQL prints it, for the plan. */
  readonly definition: string;
}

const CREATED = /CREATE POLICY ("(?:[^"]|"")+") ON public\.("(?:[^"]|"")+")/g;
const unquote = (s: string) => s.slice(1, -1).replaceAll('""', '"');

/** The policies on the design's existing tables that no migration of the bundle creates. */
export async function foreignPolicies(model: Model, bundle: Bundle, session: Session): Promise<ForeignPolicy[]> {
  const existing = model.tables.filter((t) => t.existing).map((t) => t.name);
  if (existing.length === 0) return [];
  const ours = new Set<string>();
  for (const file of bundle) {
    if (!file.path.endsWith(".sql")) continue;
    for (const m of file.contents.matchAll(CREATED)) ours.add(JSON.stringify([unquote(m[2]!), unquote(m[1]!)]));
  }
  const { rows } = await session.query<{ table: string; name: string; permissive: string; cmd: string; roles: string; qual: string | null; with_check: string | null }>(
    `select tablename as table, policyname as name, permissive, cmd, pg_catalog.array_to_string(roles, ', ') as roles, qual, with_check
     from pg_catalog.pg_policies where schemaname = 'public' and tablename = any($1::pg_catalog.text[]) order by 1, 2`,
    [existing],
  );
  return rows
    .filter((r) => !ours.has(JSON.stringify([r.table, r.name])))
    .map((r) => ({
      table: r.table,
      name: r.name,
      definition: `${r.permissive} ${r.cmd} TO ${r.roles}${r.qual ? ` USING (${r.qual})` : ""}${r.with_check ? ` WITH CHECK (${r.with_check})` : ""}`,
    }));
}

export function dropForeignPolicySql(p: ForeignPolicy): string {
  return `DROP POLICY IF EXISTS ${quoteIdent(p.name)} ON public.${quoteIdent(p.table)};`;
}
