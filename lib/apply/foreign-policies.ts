import { planTables } from "../compiler/plan";
import type { Session } from "../db";
import { quoteIdent, type Model } from "../design";
import { dialectFor } from "../targets";

/** A policy on an adopted table that the design does not produce (spec §5): listed, dropped only when confirmed. */
export interface ForeignPolicy {
  readonly table: string;
  readonly name: string;
  /** As PostgreSQL prints it, for the plan. */
  readonly definition: string;
}

/** The policies on the design's existing tables that the design does not produce (the compiler's plan names every policy it emits). */
export async function foreignPolicies(model: Model, session: Session): Promise<ForeignPolicy[]> {
  const existing = model.tables.filter((t) => t.existing).map((t) => t.name);
  if (existing.length === 0) return [];
  const ours = new Set(planTables(model, dialectFor(model)).flatMap((plan) => plan.policies.map((policy) => JSON.stringify([policy.table, policy.name]))));
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
