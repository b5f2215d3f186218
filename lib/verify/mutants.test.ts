import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { TEMPLATE_NAMES, template, type Design, type Model } from "../design";
import { apply, type Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { MUTANTS } from "../testing/sizes";
import { formatReport, verifyModel, type VerifyReport } from ".";
import { mutantsFor, type Mutant } from "./mutants";
import { equivalentReason, MUTATION_DESIGNS } from "./mutants.fixtures";

/**
 * Mutation testing of `verify` itself: the design is applied, then the database is weakened by
 * hand in every way lib/verify/mutants.ts knows (inside a transaction that is rolled back), and
 * verify must report a mismatch on every mutant that changes access. A mutant listed in
 * EQUIVALENT_MUTANTS (each with its argument, also in docs/proof.md) must instead pass with zero
 * mismatches: if verify failed on it, either the argument or verify would be wrong.
 *
 * How many mutants run per design: MUTANTS_PGLITE and MUTANTS_POSTGRES
 * (lib/testing/sizes.ts); "all" runs every one (what docs/proof.md reports).
 */
const LIMITS = MUTANTS;

class Rollback extends Error {}

/** verify on the database with the mutant's statements run first, all inside one rolled-back transaction. */
async function verifyMutant(db: Database, model: Model, mutant: Mutant): Promise<VerifyReport> {
  let report: VerifyReport | null = null;
  await db
    .transaction(async (tx) => {
      for (const statement of mutant.statements) await tx.query(statement);
      report = await verifyModel(model, tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return report!;
}

/** `limit` mutants spread evenly over the list (which is grouped by policy and kind), always the same ones. */
function spread(mutants: readonly Mutant[], limit: number): Mutant[] {
  if (mutants.length <= limit) return [...mutants];
  const step = mutants.length / limit;
  return Array.from({ length: limit }, (_, i) => mutants[Math.floor(i * step)]);
}

const designs: [string, () => Design][] = [...TEMPLATE_NAMES.map((name) => [name, () => template(name)] as [string, () => Design]), ...Object.entries(MUTATION_DESIGNS)];

describe.each(testDatabases())("mutation testing of verify on $name", ({ name, open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(designs)(
    "verify fails on every mutant of %s that changes access, and names the cell",
    async (designName, design) => {
      const compiled = compileDesign(design());
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      const { model, bundle } = compiled;
      await db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC; DROP SCHEMA IF EXISTS rls CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA IF EXISTS supabase_migrations CASCADE; DROP SCHEMA IF EXISTS rls_designer CASCADE;");
      await apply(bundle, db);
      const all = mutantsFor(model);
      const equivalent: Record<string, string> = {};
      for (const m of all) {
        const reason = equivalentReason(designName, m.id);
        if (reason) equivalent[m.id] = reason;
      }
      const chosen = spread(all, LIMITS[name]);
      const survivors: string[] = [];
      const falseAlarms: string[] = [];
      let killed = 0;
      for (const mutant of chosen) {
        const report = await verifyMutant(db, model, mutant);
        if (mutant.id in equivalent) {
          if (!report.ok) falseAlarms.push(`${mutant.id} (argued equivalent: ${equivalent[mutant.id]})\n${formatReport(report)}`);
          continue;
        }
        if (report.ok) {
          survivors.push(`${mutant.id}: ${mutant.description}`);
          continue;
        }
        killed++;
        // The report says which cell: a table, a principal and an operation, with the statement that showed it.
        const first = report.mismatches[0];
        expect(model.tables.map((t) => t.name)).toContain(first.table);
        expect(first.principal).not.toBe("");
        expect(formatReport(report)).toContain(`MISMATCH ${first.table} / ${first.principal} / ${first.operation}`);
      }
      const equivalentRun = chosen.filter((m) => m.id in equivalent).length;
      console.info(`[mutation] ${name} ${designName}: ${killed}/${chosen.length - equivalentRun} non-equivalent mutants killed (${equivalentRun} equivalent run, ${all.length} mutants in all)`);
      expect(survivors, "mutants that change access but passed verify").toEqual([]);
      expect(falseAlarms, "mutants argued equivalent on which verify failed").toEqual([]);
    },
    1_800_000,
  );
});
