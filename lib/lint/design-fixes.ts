import { planTables } from "../compiler/plan";
import { validateDesign, type Design, type Table } from "../design";
import { dialectFor } from "../targets";
import type { Finding, RuleId } from "./checks";
import { tableName } from "./names";

/**
 * What a finding means for the design open in the designer: a change the user can accept in one
 * click (through a designer command, so one Undo takes it back), or a sentence saying what the
 * design already does about it, or that no field of the design can. Pure, and safe for the
 * browser (no database code). Every change offered is checked first: the design it makes is valid.
 */
export type DesignFix =
  /** One click: the designer command and its arguments. */
  | { readonly kind: "command"; readonly label: string; readonly command: "setForceRowLevelSecurity"; readonly args: { readonly force: true } }
  | { readonly kind: "command"; readonly label: string; readonly command: "setParentFirewall"; readonly args: { readonly table: number; readonly column: string } }
  /** One click: the whole next design, computed here (a firewall on a chosen column, a table added), recorded as one undo step. */
  | { readonly kind: "command"; readonly label: string; readonly command: "applyDesignFix"; readonly args: { readonly label: string; readonly design: Design } }
  /** Nothing to change in the design: what to do instead. */
  | { readonly kind: "note"; readonly text: string };

/** What the fixes may know besides the finding: each table of the linted schema as an import proposes it. */
export interface FixContext {
  readonly schema?: string;
  readonly proposed?: readonly Table[];
}

/** The design's table a finding names (`public.todos`, or the table it carries), if the finding is about one of them. */
function designTableOf(finding: Finding, design: Design, schema: string): number {
  if (finding.table !== undefined) return design.tables.findIndex((t) => t.name === finding.table);
  return design.tables.findIndex((t) => finding.object === tableName(schema, t));
}

/** A table with no isolation: no organization, owner or parent firewall. */
function isolates(t: Table): boolean {
  const f = t.firewall;
  return !!f && !f.public && !!(f.organization || f.owner || f.parent);
}

/** Whether nobody may do anything on the table, signed in or not: enabling row-level security closes it. */
function allowsNobody(t: Table): boolean {
  const any = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);
  return !Object.values(t.access ?? {}).some(any) && !Object.values(t.anonymous ?? {}).some(any);
}

const valid = (design: Design) => validateDesign(design).ok;

/** The indexes applying the design creates on a table, each as its columns. */
function designIndexes(design: Design, table: string): { name: string; columns: readonly string[] }[] {
  const checked = validateDesign(design);
  if (!checked.ok) return [];
  return planTables(checked.model, dialectFor(checked.model))
    .find((p) => p.table.name === table)
    ?.indexes.map((i) => ({ name: i.name, columns: i.columns })) ?? [];
}

/**
 * A public table of the design referencing a table that isolates its rows: isolating it through
 * that parent (spec §4) gives it a firewall, and the design indexes the column.
 */
function parentFix(design: Design, index: number, only?: readonly string[]): DesignFix | null {
  const t = design.tables[index]!;
  if (isolates(t)) return null;
  for (const c of t.columns) {
    if (only && !(only.length === 1 && only[0] === c.name)) continue;
    const parent = c.references ? design.tables.find((p) => p.name === c.references!.table) : undefined;
    if (!parent || !isolates(parent)) continue;
    const next = { ...design, tables: design.tables.map((x, i) => (i === index ? { ...x, firewall: { parent: { column: c.name } } } : x)) };
    if (valid(next)) return { kind: "command", label: `Isolate ${t.name} through ${parent.name} (firewall via ${c.name})`, command: "setParentFirewall", args: { table: index, column: c.name } };
  }
  return null;
}

/** A public table whose policies compare a column with the signed-in user's id: that column is its owner. */
function ownerFix(design: Design, index: number, column: string | undefined): DesignFix | null {
  const t = design.tables[index]!;
  if (!column || isolates(t) || !t.columns.some((c) => c.name === column)) return null;
  const next = { ...design, tables: design.tables.map((x, i) => (i === index ? { ...x, firewall: { owner: { column } } } : x)) };
  if (!valid(next)) return null;
  const label = `Isolate ${t.name} by its owner column ${column} (its policies compare it with the signed-in user)`;
  return { kind: "command", label, command: "applyDesignFix", args: { label, design: next } };
}

/** A table of the database that the design lacks, added as an import proposes it (references to tables the design lacks left out). */
function addTableFix(design: Design, finding: Finding, context: FixContext): DesignFix | null {
  const proposed = context.proposed?.find((t) => t.name === finding.table);
  if (!proposed || design.tables.some((t) => t.name === proposed.name)) return null;
  const names = new Set([...design.tables.map((t) => t.name), proposed.name]);
  const columns = proposed.columns.map((c) => (c.references && !names.has(c.references.table) ? (({ references: _r, ...rest }) => (void _r, rest))(c) : c));
  const candidates: Table[] = [{ ...proposed, columns }, { ...proposed, columns, firewall: { public: true }, access: undefined }];
  for (const table of candidates) {
    const clean = JSON.parse(JSON.stringify(table)) as Table;
    const next = { ...design, tables: [...design.tables, clean] };
    if (!valid(next)) continue;
    const f = clean.firewall;
    const how = f?.organization ? `isolated by ${f.organization.column}` : f?.owner ? `isolated by its owner column ${f.owner.column}` : "public, no access yet";
    const label = `Add ${proposed.name} to the design as an existing table (${how})`;
    return { kind: "command", label, command: "applyDesignFix", args: { label, design: next } };
  }
  return null;
}

/** Findings about a table's row-level security being off or empty: the design enables it and adds the policies it produces. */
const TABLE_RULES: readonly RuleId[] = ["rls_disabled_in_exposed", "policy_exists_rls_disabled", "rls_enabled_no_policy"];
/** Findings about a policy's own text: the design's policies never have these shapes. */
const POLICY_RULES: readonly RuleId[] = ["auth_rls_initplan", "multiple_permissive_policies", "permissive_true_write", "claims_without_nullif"];

const NOT_THE_DESIGNS =
  "No design field changes it: the design's own policies never take this shape (auth functions run once per statement, claims read with nullif, isolation RESTRICTIVE, one policy per operation). This policy is not one the design produces: Apply lists it as a foreign policy and keeps it; npm run cli -- apply --drop-foreign-policies drops it.";

export function designFixFor(finding: Finding, design: Design, context: FixContext | string = {}): DesignFix | null {
  const ctx: FixContext = typeof context === "string" ? { schema: context } : context;
  const schema = ctx.schema ?? "public";
  const index = designTableOf(finding, design, schema);
  const t = index >= 0 ? design.tables[index]! : undefined;
  const notInDesign = (): DesignFix =>
    addTableFix(design, finding, ctx) ?? { kind: "note", text: `${finding.object} is not in the open design: import this database ("Import from database or SQL") to design its policies.` };

  if (TABLE_RULES.includes(finding.rule)) {
    if (!t) return notInDesign();
    const firewall = ownerFix(design, index, finding.ownerColumn) ?? parentFix(design, index);
    if (firewall) return firewall;
    const closes = allowsNobody(t);
    const what = finding.rule === "rls_enabled_no_policy" ? "adds its policies" : "enables row-level security on it and adds its policies";
    return {
      kind: "note",
      text: closes
        ? `The design has ${t.name} and ${what}, but it lets nobody do anything there yet (${isolates(t) ? "no access" : "public, no access"}): choose its access in the designer before you apply, or requests lose it.`
        : `The design has ${t.name} and ${what}: apply the design to this database to fix it.`,
    };
  }

  switch (finding.rule) {
    case "rls_not_forced_for_owner":
      if (!t) return notInDesign();
      return design.forceRowLevelSecurity
        ? { kind: "note", text: `The design already forces row-level security: apply it to this database to fix ${finding.object}.` }
        : { kind: "command", label: "Force row-level security in the design", command: "setForceRowLevelSecurity", args: { force: true } };
    case "unindexed_policy_column":
    case "unindexed_foreign_key": {
      if (!t) return notInDesign();
      const columns = finding.columns ?? [];
      const made = designIndexes(design, t.name).find((i) => columns.length > 0 && columns.every((c, k) => i.columns[k] === c));
      if (made) return { kind: "note", text: `The design indexes ${t.name} (${made.columns.join(", ")}): applying it creates ${made.name}.` };
      const fix = finding.rule === "unindexed_policy_column" ? ownerFix(design, index, columns[0] === finding.ownerColumn ? finding.ownerColumn : undefined) : parentFix(design, index, columns);
      if (fix) return fix;
      return {
        kind: "note",
        text: `No design field adds an index by itself: the design indexes the columns its own policies compare (firewall, owner and parent columns, conditions)${finding.rule === "unindexed_policy_column" ? `, and ${columns[0] ?? "this column"} is compared by a policy the design does not produce` : ""}. Add the index in your own migrations: ${finding.fix}`,
      };
    }
    default:
      if (POLICY_RULES.includes(finding.rule)) return t ? { kind: "note", text: NOT_THE_DESIGNS } : notInDesign();
      if (finding.rule === "security_definer_view") return { kind: "note", text: "No design field: the design has no views. Fix the view in your own migrations." };
      if (finding.rule.startsWith("function_") || finding.rule.startsWith("security_definer_")) {
        return { kind: "note", text: "No design field: this function is not the design's (its helpers live in their own schema, SECURITY DEFINER only where needed, search_path pg_catalog, pg_temp). Fix it in your own migrations." };
      }
      if (finding.rule.startsWith("app_role_")) return { kind: "note", text: "No design field: roles and table ownership are the database's own. Fix them as an administrator." };
      return null;
  }
}
