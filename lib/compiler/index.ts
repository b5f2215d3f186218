import { validateDesign, type Design, type Model, type Problem } from "../design";
import { dialectFor } from "../targets";
import { bundleReadme, drizzleConfig } from "./bundle-docs";
import { planTables } from "./plan";
import { schemaTs } from "./schema-ts";
import { migrationFile, migrations } from "./sql";

export { planTables } from "./plan";
export type { PolicyPlan, IndexPlan, TablePlan } from "./plan";
export { STATEMENT_BREAKPOINT } from "./sql";

export interface BundleFile {
  readonly path: string;
  readonly contents: string;
}
/** The compiled output: files in a fixed order, each path relative to the bundle's root. */
export type Bundle = readonly BundleFile[];

export type CompileResult =
  | { readonly ok: true; readonly design: Design; readonly model: Model; readonly bundle: Bundle }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Journal times are fixed, not the clock's, so the same design always gives the same bytes. */
const JOURNAL_EPOCH = Date.UTC(2026, 0, 1);

export const MIGRATIONS_FOLDER = "drizzle";

/** Compiles a validated model. Pure and deterministic: the same model gives byte-identical files. */
export function compile(model: Model): Bundle {
  const dialect = dialectFor(model.target);
  const plans = planTables(model, dialect);
  const steps = migrations(model, plans, dialect);
  const journal = {
    version: "7",
    dialect: "postgresql",
    entries: steps.map((m, idx) => ({ idx, version: "7", when: JOURNAL_EPOCH + idx * 1000, tag: m.tag, breakpoints: true })),
  };
  const files: BundleFile[] = [
    ...steps.map((m) => ({ path: `${MIGRATIONS_FOLDER}/${m.tag}.sql`, contents: migrationFile(model, m, dialect) })),
    { path: `${MIGRATIONS_FOLDER}/meta/_journal.json`, contents: JSON.stringify(journal, null, 2) + "\n" },
    { path: "src/db/schema.ts", contents: schemaTs(model, plans, dialect) },
    { path: "drizzle.config.ts", contents: drizzleConfig() },
    { path: ".env.example", contents: dialect.envExample(model) },
    ...dialect.devFiles(),
  ];
  const readme = { path: "README.md", contents: bundleReadme(model, plans, dialect, [...files.map((f) => f.path), "README.md"]) };
  return [...files, readme];
}

/** Validates any input (parsed JSON) and compiles it; problems come back with their paths, never half a bundle. */
export function compileDesign(input: unknown): CompileResult {
  const result = validateDesign(input);
  if (!result.ok) return result;
  return { ok: true, design: result.design, model: result.model, bundle: compile(result.model) };
}
