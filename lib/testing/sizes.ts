/**
 * How many random cases the property and mutation tests run, in one place.
 *
 * The defaults size `npm test` for CI (2 cores, the whole run well under 30 minutes); fast-check
 * picks a new seed on every run, so successive runs explore different designs. A deep run, before
 * a release or after touching verify or the compiler's policy shapes, raises them:
 *
 *   PROPERTY_RUNS_PGLITE=70 PROPERTY_RUNS_POSTGRES=35 MUTANTS_PGLITE=all MUTANTS_POSTGRES=all \
 *     DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test
 */
const count = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "all") return Infinity;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number or "all", got "${raw}"`);
  return value;
};

/** Random designs per target that verify must prove (lib/verify/verify.test.ts), and the base of the other property runs. */
export const PROPERTY_RUNS = { pglite: count("PROPERTY_RUNS_PGLITE", 8), postgres: count("PROPERTY_RUNS_POSTGRES", 4) } as const;

/** Mutants per design that verify must kill (lib/verify/mutants.test.ts), spread over the kinds; "all" for every one. */
export const MUTANTS = { pglite: count("MUTANTS_PGLITE", 2), postgres: count("MUTANTS_POSTGRES", 6) } as const;

/** Version 1 -> random edit runs through the real drizzle-kit migrate and Supabase CLI (lib/compiler/versions.test.ts). */
export const DRIZZLE_KIT_RUNS = count("DRIZZLE_KIT_RUNS", 2);
export const SUPABASE_CLI_RUNS = count("SUPABASE_CLI_RUNS", 2);
