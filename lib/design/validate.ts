import type { z } from "zod";
import {
  COLUMN_TYPES,
  designSchema,
  designShellSchema,
  OPERATIONS,
  tableSchema,
  type AccessRule,
  type AccessRules,
  type Column,
  type ColumnType,
  type Condition,
  type Design,
  type SharedVia,
  type Table,
} from "./schema";
import { parseDefault } from "./defaults";
import { characterProblemsIn, nameCharacterProblems, type NameCharacterProblem } from "./name-characters";
import { PROVIDER_PRESETS } from "./providers";
import { holdsIdentifier, isToken, literalProblem, withArticle, MAX_IDENTIFIER_BYTES, ORG_TOKEN, pinToUtc, typeFamily, utf8Length } from "./literals";
import type { Model, ModelAccessRule, ModelSharedVia, ModelColumn, ModelCondition, ModelFirewall, ModelReference, ModelTable, ModelTenancy } from "./model";

export interface Problem {
  /** Where in the design file, e.g. `tables[1].access.update.where[0].column`. */
  readonly path: string;
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly design: Design; readonly model: Model; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

export const DEFAULT_ORG_CLAIM = "org_id";
export const DEFAULT_ROLE_CLAIM = "org_role";
export const DEFAULT_MEMBERSHIP = { table: "members", user: "user_id", org: "organization_id", role: "role" } as const;
export const DEFAULT_ACTIVE_ORG = { table: "user_sessions", user: "user_id", org: "active_organization_id" } as const;

/** Targets the compiler can write today; the others are refused by name rather than half-compiled. */
export const SUPPORTED_TARGETS: readonly Design["target"][] = ["neon", "supabase", "postgres"];

/**
 * What validateDesign keeps of each table between calls, so that validating the next version of a
 * design pays only for the tables that changed and the checks across tables (the designer
 * validates on every keystroke; its edits are immutable, so an unchanged table is the same
 * object). Keyed by the table objects: a caller that mutates a design after validating it must
 * not pass a cache. With or without one, the answer is the same, byte for byte.
 */
export interface ValidationCache {
  /** The input table (before zod) to its parsed table, or to its issues. */
  readonly shapes: WeakMap<object, { readonly ok: true; readonly table: Table } | { readonly ok: false; readonly issues: readonly z.core.$ZodIssue[] }>;
  /** The parsed table to its problems of characters, paths relative to the table. */
  readonly characters: WeakMap<Table, readonly NameCharacterProblem[]>;
  readonly tables: WeakMap<Table, BuiltTable>;
  readonly warnings: WeakMap<Table, { readonly model: ModelTable; readonly key: string; readonly warnings: readonly Problem[] }>;
  /** The membership tables of `tables` tenancy, by what they are made of: the same object while unchanged. */
  readonly generated: Map<string, ModelTable>;
}

export function createValidationCache(): ValidationCache {
  return { shapes: new WeakMap(), characters: new WeakMap(), tables: new WeakMap(), warnings: new WeakMap(), generated: new Map() };
}

/**
 * Checks a design file completely and reports every problem with its path. Only a design
 * without problems yields a model, so nothing downstream ever sees half-valid input.
 * With a cache (see ValidationCache), unchanged tables are not checked again; a table of the
 * model stays the same object as long as its table and whatever it reads of others are.
 */
export function validateDesign(input: unknown, cache?: ValidationCache): ValidationResult {
  const parsed = parseDesignShape(input, cache);
  if (!parsed.ok) return { ok: false, problems: parsed.problems, warnings: [] };
  const design = parsed.design;
  const problems: Problem[] = cache
    ? nameCharacterProblems(design, (table) => {
        let found = cache.characters.get(table);
        if (!found) cache.characters.set(table, (found = characterProblemsIn(table, false, [])));
        return found;
      })
    : nameCharacterProblems(design);
  const reported = new Set(problems.map((p) => p.path));
  // A name already refused for its characters is not reported again for the same reason in other words.
  const model = buildModel(design, (path, message) => {
    if (!reported.has(path)) problems.push({ path, message });
  }, cache);
  const warnings = problems.length > 0 ? [] : warningsFor(design, model, cache);
  return problems.length > 0 ? { ok: false, problems, warnings } : { ok: true, design, model, warnings };
}

/**
 * Things that work but are probably not what the author meant: the SQL is still right, and
 * `verify` still proves it, so they do not stop compilation.
 */
function warningsFor(design: Design, model: Model, cache?: ValidationCache): Problem[] {
  if (!cache) return design.tables.flatMap((table, i) => tableWarnings(model, table, model.tables[i], `tables[${i}]`));
  // Each table's warnings read the table, its model and the target and provider alone.
  const key = `${model.target}\u0000${model.provider}`;
  return design.tables.flatMap((table, i) => {
    const modelTable = model.tables[i];
    let found = cache.warnings.get(table);
    if (!found || found.model !== modelTable || found.key !== key) {
      found = { model: modelTable, key, warnings: tableWarnings(model, table, modelTable, "") };
      cache.warnings.set(table, found);
    }
    return found.warnings.map((w) => ({ path: `tables[${i}]${w.path}`, message: w.message }));
  });
}

/** One table's warnings, their paths after `at` (`tables[3]`). */
function tableWarnings(model: Model, table: Table, modelTable: ModelTable, at: string): Problem[] {
  const warnings: Problem[] = [];
  const userColumns = new Map<string, string>();
  if (modelTable.firewall.kind === "isolated" && modelTable.firewall.owner) {
    userColumns.set(modelTable.firewall.owner.column, `${at}.firewall.owner.column`);
  }
  table.columns.forEach((column, j) => {
    if (column.default !== undefined && /^(\$user|auth\.user_id\(\)|auth\.uid\(\))$/i.test(column.default.trim())) {
      if (!userColumns.has(column.name)) userColumns.set(column.name, `${at}.columns[${j}].default`);
    }
  });
  if (table.existing === true) {
    table.columns.forEach((column, j) => {
      const c = modelTable.columns[j];
      if (c && !COLUMN_TYPES.includes(c.type)) {
        warnings.push({ path: `${at}.columns[${j}].type`, message: `type ${column.type} is kept as it is (the model lacks it): RLS Designer never changes this column, and policies cannot compare it` });
      }
      if (c?.references?.sameOrganization) {
        warnings.push({
          path: `${at}.columns[${j}].references`,
          message: `a first bundle does not change an existing table's foreign keys, so this one does not include the organization yet: compile against the imported design (compile --from) to append that change, or say "crossOrganization": true`,
        });
      }
      if (column.default !== undefined && c && c.default === null && column.default.trim().toLowerCase() !== "null") {
        warnings.push({ path: `${at}.columns[${j}].default`, message: `default ${column.default} stays in the database as it is; the bundle never emits it` });
      }
    });
  }
  for (const [name, path] of userColumns) {
    const type = modelTable.columns.find((c) => c.name === name)?.type;
    if (model.target === "supabase" && model.provider === "supabase" && type !== "uuid") {
      // Works (the policies compare the token's sub as text), but cannot reference auth.users(id).
      warnings.push({ path, message: `column "${name}" is ${type}, but Supabase Auth user ids are uuids: make the column uuid to match auth.users(id)` });
    }
    if (type === "uuid" && !PROVIDER_PRESETS[model.provider].userIdsAreUuids && model.provider !== "custom") {
      // On Supabase, auth.uid() would fail with 22P02 on such a token; elsewhere the cast to uuid fails the same way.
      warnings.push({ path, message: `column "${name}" is uuid, but ${model.provider} user ids (the token's sub) are not uuids: use text` });
    }
  }
  return warnings;
}

/**
 * Only the shape of a design file (fields, types, allowed values), with each problem in words and
 * its path: what a file being opened is checked for before it replaces anything. Names and
 * references are checked later, by validateDesign, and shown beside the fields.
 */
export function parseDesignShape(input: unknown, cache?: ValidationCache): { ok: true; design: Design } | { ok: false; problems: Problem[] } {
  if (cache) {
    // The design but its tables, then each table (only those not seen before): the same answer as the whole
    // schema's. When the rest of the file is wrong, the whole schema speaks, so that the problems come in its order.
    const shell = designShellSchema.safeParse(input, { reportInput: true });
    if (shell.success) {
      const tables: Table[] = [];
      const problems: Problem[] = [];
      shell.data.tables.forEach((given, i) => {
        let shape = given !== null && typeof given === "object" ? cache.shapes.get(given) : undefined;
        if (!shape) {
          const parsed = tableSchema.safeParse(given, { reportInput: true });
          shape = parsed.success ? { ok: true, table: parsed.data } : { ok: false, issues: parsed.error.issues };
          if (given !== null && typeof given === "object") cache.shapes.set(given, shape);
        }
        if (shape.ok) tables.push(shape.table);
        else problems.push(...zodIssueProblems(shape.issues, ["tables", i]));
      });
      return problems.length > 0 ? { ok: false, problems } : { ok: true, design: { ...shell.data, tables } };
    }
  }
  const parsed = designSchema.safeParse(input, { reportInput: true });
  return parsed.success ? { ok: true, design: parsed.data } : { ok: false, problems: zodProblems(parsed.error) };
}

function zodProblems(error: z.ZodError): Problem[] {
  return zodIssueProblems(error.issues, []);
}

function zodIssueProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): Problem[] {
  return issues.flatMap((issue) => unionBranch(issue, prefix)).map(({ issue, path }) => ({ path: formatPath(path), message: zodMessage(issue) }));
}

/**
 * A rule or a list of rules (spec §4) is a union: its "Invalid input" would hide where the problem
 * is. The branch with the fewest issues (the one the author meant) speaks instead, with its paths.
 */
function unionBranch(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): { issue: z.core.$ZodIssue; path: PropertyKey[] }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [{ issue, path }];
  // A branch of the wrong type altogether (an object where a list was given) is the least likely meant.
  const wrongType = (issues: readonly z.core.$ZodIssue[]) => (issues.some((i) => i.code === "invalid_type" && i.path.length === 0) ? 1 : 0);
  const branch = [...issue.errors].sort((a, b) => wrongType(a) - wrongType(b) || a.length - b.length)[0]!;
  if (branch.length === 0) return [{ issue, path }];
  return branch.flatMap((inner) => unionBranch(inner, path));
}

function zodMessage(issue: z.core.$ZodIssue): string {
  const given = "input" in issue && issue.input !== undefined ? `, not ${valueInWords(issue.input)}` : "";
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_value":
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}${given}`;
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return `is missing (it must be ${typeInWords(issue.expected)})`;
      return `must be ${typeInWords(issue.expected)}${given}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? "may not be empty" : `needs at least ${min} characters`;
      if (issue.origin === "array" || issue.origin === "set") return min <= 1 ? "needs at least one item" : `needs at least ${min} items`;
      return `must be at least ${String(issue.minimum)}${given}`;
    }
    case "too_big": {
      if (issue.origin === "string") return `may have at most ${String(issue.maximum)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `may have at most ${String(issue.maximum)} items`;
      return `must be at most ${String(issue.maximum)}${given}`;
    }
    case "invalid_format":
      return `is not a valid ${issue.format}${given}`;
    case "invalid_union":
      return `matches none of the forms this field takes${given}`;
    default:
      return issue.message;
  }
}

function typeInWords(expected: string): string {
  const words: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list [...]",
    object: "an object {...}",
    record: "an object {...}",
    null: "null",
  };
  return words[expected] ?? expected;
}

/** A short description of a value from the file, for "must be text, not a number (5)". */
function valueInWords(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "number":
      return `the number ${value}`;
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

type Report = (path: string, message: string) => void;

function identifierProblem(name: string, what: string): string | null {
  if (name.length === 0) return `${what} may not be empty`;
  if (name.includes("\u0000")) return `${what} may not contain the NUL character`;
  const bytes = utf8Length(name);
  if (bytes > MAX_IDENTIFIER_BYTES) return `${what} "${name}" is ${bytes} bytes; PostgreSQL allows at most ${MAX_IDENTIFIER_BYTES}`;
  return null;
}

function textProblem(text: string, what: string): string | null {
  if (text.length === 0) return `${what} may not be empty`;
  if (/[\u0000-\u001f\u007f]/.test(text)) return `${what} may not contain control characters`;
  return null;
}

function buildModel(design: Design, report: Report, cache?: ValidationCache): Model {
  const nameProblem = textProblem(design.name, "the project name");
  if (nameProblem) report("name", nameProblem);
  else if (design.name.length > 100) report("name", "the project name may be at most 100 characters");
  if (!SUPPORTED_TARGETS.includes(design.target)) {
    report("target", `target "${design.target}" is not available yet; supported: ${SUPPORTED_TARGETS.join(", ")}`);
  }
  if (design.auth.jwksUrl !== undefined && !/^https:\/\/[^\s]+$/.test(design.auth.jwksUrl)) {
    report("auth.jwksUrl", "must be an https:// URL");
  }

  const tenancy = buildTenancy(design, report);
  const roles = design.roles ?? [];
  if (design.roles !== undefined && !tenancy) report("roles", "roles need auth.tenancy (organization roles come from the organization)");
  roles.forEach((role, i) => {
    const problem = identifierProblem(role, "a role name") ?? textProblem(role, "a role name");
    if (problem) report(`roles[${i}]`, problem);
    if (roles.indexOf(role) !== i) report(`roles[${i}]`, `role "${role}" is declared twice`);
  });

  // The first table of each name: what a reference to the name means.
  const firstIndex = new Map<string, number>();
  design.tables.forEach((table, i) => {
    if (!firstIndex.has(table.name)) firstIndex.set(table.name, i);
  });
  design.tables.forEach((table, i) => {
    if (firstIndex.get(table.name) !== i) report(`tables[${i}].name`, `table "${table.name}" is defined twice`);
  });
  const tableNamed = (name: string): Table | undefined => {
    const index = firstIndex.get(name);
    return index === undefined ? undefined : design.tables[index];
  };

  checkStableIds(design.tables, "tables", "table", report);
  reportParentCycles(design, tableNamed, report);
  if (design.forceRowLevelSecurity === true) {
    design.tables.forEach((t, i) => {
      if (t.firewall?.parent) report(`tables[${i}].firewall.parent`, "a parent firewall reads the parent through a helper that runs as the tables' owner, which forceRowLevelSecurity would hold to the policies; not supported together yet");
    });
  }
  const context: TableContext = { hasTenancy: tenancy !== null, roles, rolesKey: cache ? JSON.stringify(roles) : "", forceRowLevelSecurity: design.forceRowLevelSecurity === true, tableNamed };
  const tables = design.tables.map((table, i) => (cache ? cachedTable(context, table, i, report, cache) : buildTable(context, table, `tables[${i}]`, report)));
  if (tenancy?.source === "tables") {
    tables.push(...membershipTables(design, tenancy, report, cache));
  }
  reportNamesPostgresTakes(tables, tenancy, report);
  reportKeysPostgresCannotIndex(tables, report);
  return {
    name: design.name,
    target: design.target,
    provider: design.auth.provider,
    jwksUrl: design.auth.jwksUrl ?? null,
    tenancy,
    roles,
    neonTokenVia: design.neon?.tokenVia ?? "data-api",
    databaseRoles: databaseRoles(design, report),
    forceRowLevelSecurity: design.forceRowLevelSecurity === true,
    tables,
  };
}

/** Role names are fixed by Neon and Supabase; plain PostgreSQL lets the design choose them. */
function databaseRoles(design: Design, report: Report): Model["databaseRoles"] {
  if (design.target === "supabase") return { signedIn: "authenticated", anonymous: "anon" };
  if (design.target === "neon") return { signedIn: "authenticated", anonymous: "anonymous" };
  const signedIn = design.postgres?.signedInRole ?? "authenticated";
  const anonymous = design.postgres?.anonymousRole ?? "anonymous";
  for (const [key, name] of [["signedInRole", signedIn], ["anonymousRole", anonymous]] as const) {
    const problem = identifierProblem(name, "a role name") ?? textProblem(name, "a role name");
    if (problem) report(`postgres.${key}`, problem);
    else if (/^(pg_|public$|none$|current_user$|session_user$)/i.test(name)) report(`postgres.${key}`, `"${name}" is reserved in PostgreSQL`);
  }
  if (signedIn === anonymous) report("postgres.anonymousRole", "must differ from the signed-in role");
  return { signedIn, anonymous };
}

function claimPath(claim: string | readonly string[]): readonly string[] {
  return typeof claim === "string" ? [claim] : [...claim];
}

function buildTenancy(design: Design, report: Report): ModelTenancy | null {
  const tenancy = design.auth.tenancy;
  if (!tenancy) return null;
  if (tenancy.source === "claims") {
    const orgClaim = claimPath(tenancy.orgClaim ?? DEFAULT_ORG_CLAIM);
    const roleClaim = claimPath(tenancy.roleClaim ?? DEFAULT_ROLE_CLAIM);
    for (const [key, path] of [["orgClaim", orgClaim], ["roleClaim", roleClaim]] as const) {
      path.forEach((part, i) => {
        const problem = textProblem(part, "a claim name");
        if (problem) report(`auth.tenancy.${key}${typeof tenancy[key] === "object" ? `[${i}]` : ""}`, problem);
      });
    }
    if (JSON.stringify(orgClaim) === JSON.stringify(roleClaim)) report("auth.tenancy.roleClaim", "the role claim must differ from the organization claim");
    if (JSON.stringify(orgClaim) === '["sub"]' || JSON.stringify(roleClaim) === '["sub"]') report("auth.tenancy", `"sub" holds the user id; use another claim`);
    reportSupabaseRoleClaim(design, { orgClaim, roleClaim }, report);
    return { source: "claims", orgClaim, roleClaim };
  }
  const membership = tenancy.membership ?? DEFAULT_MEMBERSHIP;
  const activeOrg = tenancy.activeOrg ?? DEFAULT_ACTIVE_ORG;
  const check = (path: string, name: string, what: string) => {
    const problem = identifierProblem(name, what);
    if (problem) report(path, problem);
  };
  for (const key of ["table", "user", "org", "role"] as const) check(`auth.tenancy.membership.${key}`, membership[key], "a name");
  for (const key of ["table", "user", "org"] as const) check(`auth.tenancy.activeOrg.${key}`, activeOrg[key], "a name");
  if (membership.table === activeOrg.table) report("auth.tenancy.activeOrg.table", "must differ from the membership table");
  return { source: "tables", membership: { ...membership }, activeOrg: { ...activeOrg } };
}

/** The membership tables for `tables` tenancy: the design's own when it defines them, else generated ones. */
function membershipTables(design: Design, tenancy: Extract<ModelTenancy, { source: "tables" }>, report: Report, cache?: ValidationCache): ModelTable[] {
  const generated: ModelTable[] = [];
  const specs = [
    { key: "membership" as const, spec: tenancy.membership, columns: [tenancy.membership.user, tenancy.membership.org, tenancy.membership.role] },
    { key: "activeOrg" as const, spec: tenancy.activeOrg, columns: [tenancy.activeOrg.user, tenancy.activeOrg.org] },
  ];
  for (const { key, spec, columns } of specs) {
    const index = design.tables.findIndex((t) => t.name === spec.table);
    if (index >= 0) {
      const table = design.tables[index];
      const fields = key === "membership" ? (["user", "org", "role"] as const) : (["user", "org"] as const);
      fields.forEach((field, j) => {
        const column = table.columns.find((c) => c.name === columns[j]);
        if (!column) report(`auth.tenancy.${key}.${field}`, `no column "${columns[j]}" in table "${table.name}"`);
        else if (!COLUMN_TYPES.includes(column.type as ColumnType) || !holdsIdentifier(column.type as ColumnType)) {
          report(`auth.tenancy.${key}.${field}`, `column "${columns[j]}" must be text, varchar or uuid`);
        }
      });
      continue;
    }
    const distinct = new Set(columns);
    if (distinct.size !== columns.length) report(`auth.tenancy.${key}`, "column names must differ");
    if (!cache) {
      generated.push(generatedMembershipTable(key, spec.table, columns));
      continue;
    }
    const id = JSON.stringify([key, spec.table, columns]);
    let table = cache.generated.get(id);
    if (!table) {
      if (cache.generated.size > 16) cache.generated.clear();
      cache.generated.set(id, (table = generatedMembershipTable(key, spec.table, columns)));
    }
    generated.push(table);
  }
  return generated;
}

function generatedMembershipTable(kind: "membership" | "activeOrg", name: string, columns: string[]): ModelTable {
  const column = (columnName: string, primaryKey: boolean): ModelColumn => ({
    key: columnName,
    name: columnName,
    type: "text",
    primaryKey,
    notNull: true,
    default: null,
    references: null,
  });
  const [user] = columns;
  const ownRows: ModelFirewall = { kind: "isolated", organization: null, owner: { column: user, mode: "required", bypassRoles: [] } };
  const everyone: ModelAccessRule = { roles: null, where: [], check: [], sharedVia: null, columns: null };
  if (kind === "membership") {
    const [, org, role] = columns;
    return {
      key: name,
      name,
      columns: [column(org, true), column(user, true), column(role, false)],
      primaryKey: [org, user],
      firewall: ownRows,
      // Members read their own memberships; writing them is the application's (service role's) job.
      access: { select: [everyone] },
      anonymous: { select: null, insert: null },
      generatedFor: "membership",
    };
  }
  const [, org] = columns;
  return {
    key: name,
    name,
    columns: [column(user, true), { ...column(org, false), notNull: false }],
    primaryKey: [user],
    firewall: ownRows,
    // A user chooses their own active organization; it only counts while they are a member of it.
    access: { select: [everyone], insert: [everyone], update: [everyone], delete: [everyone] },
    anonymous: { select: null, insert: null },
    generatedFor: "activeOrg",
  };
}

const STABLE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Stable ids (`id`, or the name where there is none) tell a rename from a drop and an add between
 * versions, so they must be unique among the tables, and among a table's columns.
 */
function checkStableIds(items: readonly { id?: string; name: string }[], path: string, what: string, report: Report): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.id !== undefined && !STABLE_ID.test(item.id)) report(`${path}[${i}].id`, `${withArticle(what)} id is 1 to 64 letters, digits or _ . : -`);
    const key = item.id ?? item.name;
    const first = seen.get(key);
    if (first !== undefined && items[first]!.name !== item.name) {
      report(`${path}[${i}]${item.id !== undefined ? ".id" : ".name"}`, `"${key}" is already the id of ${path}[${first}] ("${items[first]!.name}"): ids of ${what}s must differ`);
    }
    if (first === undefined) seen.set(key, i);
  });
}

/** What a table's checks read beyond the table itself. */
interface TableContext {
  readonly hasTenancy: boolean;
  readonly roles: readonly string[];
  /** The roles as text, for the cache's keys. */
  readonly rolesKey: string;
  readonly forceRowLevelSecurity: boolean;
  /** The first table of that name in the design. */
  readonly tableNamed: (name: string) => Table | undefined;
}

/** A table checked once: its model, its problems (paths after `tables[i]`) and what it read of the design. */
interface BuiltTable {
  readonly model: ModelTable;
  readonly problems: readonly (readonly [string, string])[];
  readonly hasTenancy: boolean;
  readonly roles: string;
  readonly forceRowLevelSecurity: boolean;
  /** Every other table it looked up by name, and what it found. */
  readonly lookups: ReadonlyMap<string, Table | undefined>;
}

/**
 * buildTable, answered from the cache while the table, the design's tenancy, roles and
 * forceRowLevelSecurity, and every table it looked up by name (references, sharedVia) are the same:
 * renaming a parent, or adding a table of a name a reference wanted, checks its children again.
 */
function cachedTable(context: TableContext, table: Table, index: number, report: Report, cache: ValidationCache): ModelTable {
  const path = `tables[${index}]`;
  const roles = context.rolesKey;
  const hit = cache.tables.get(table);
  if (hit && hit.hasTenancy === context.hasTenancy && hit.roles === roles && hit.forceRowLevelSecurity === context.forceRowLevelSecurity && sameLookups(hit.lookups, context)) {
    for (const [suffix, message] of hit.problems) report(path + suffix, message);
    return hit.model;
  }
  const lookups = new Map<string, Table | undefined>();
  const problems: [string, string][] = [];
  let relative = true;
  const recording: TableContext = {
    ...context,
    tableNamed: (name) => {
      const found = context.tableNamed(name);
      lookups.set(name, found);
      return found;
    },
  };
  const model = buildTable(recording, table, path, (at, message) => {
    if (at.startsWith(path)) problems.push([at.slice(path.length), message]);
    else relative = false;
    report(at, message);
  });
  if (relative) cache.tables.set(table, { model, problems, hasTenancy: context.hasTenancy, roles, forceRowLevelSecurity: context.forceRowLevelSecurity, lookups });
  return model;
}

function sameLookups(lookups: ReadonlyMap<string, Table | undefined>, context: TableContext): boolean {
  for (const [name, found] of lookups) if (context.tableNamed(name) !== found) return false;
  return true;
}

function buildTable(context: TableContext, table: Table, path: string, report: Report): ModelTable {
  const { hasTenancy, roles } = context;
  const problem = identifierProblem(table.name, "a table name");
  if (problem) report(`${path}.name`, problem);
  if (table.columns.length === 0) report(`${path}.columns`, "a table needs at least one column");

  const columnNames = table.columns.map((c) => c.name);
  checkStableIds(table.columns, `${path}.columns`, "column", report);
  const columns: ModelColumn[] = table.columns.map((column, j) => {
    const columnPath = `${path}.columns[${j}]`;
    const nameProblem = identifierProblem(column.name, "a column name");
    if (nameProblem) report(`${columnPath}.name`, nameProblem);
    if (columnNames.indexOf(column.name) !== j) report(`${columnPath}.name`, `column "${column.name}" is defined twice in table "${table.name}"`);
    const verbatim = table.existing === true && keptVerbatimType(column.type);
    const type = (verbatim ? column.type.trim() : column.type.trim().toLowerCase()) as ColumnType;
    const typeKnown = COLUMN_TYPES.includes(type);
    if (!typeKnown && !verbatim) report(`${columnPath}.type`, `unknown type "${column.type}"; use one of ${COLUMN_TYPES.filter((t) => !t.endsWith("[]")).join(", ")} (or an array of one, like text[])`);
    let defaultExpr: ModelColumn["default"] = null;
    if (column.default !== undefined && typeKnown) {
      const parsed = parseDefault(column.default, type);
      // An adopted table's own default (a sequence, a function) stays in the database as it is; the bundle never emits it.
      if ("problem" in parsed && table.existing === true) defaultExpr = null;
      else if ("problem" in parsed) report(`${columnPath}.default`, parsed.problem);
      else defaultExpr = parsed.value.kind === "literal" ? { kind: "literal", value: pinToUtc(type, parsed.value.value) } : parsed.value;
    }
    let references: ModelColumn["references"] = null;
    if (column.references) {
      const target = context.tableNamed(column.references.table);
      references = {
        table: column.references.table,
        column: column.references.column,
        onDelete: column.references.onDelete ?? null,
        sameOrganization: target ? sameOrganization(table, column, target, columnPath, report) : null,
      };
      if (!target) report(`${columnPath}.references.table`, `no table "${column.references.table}"`);
      else {
        const targetColumn = target.columns.find((c) => c.name === column.references!.column);
        const targetKey = target.columns.filter((c) => c.primaryKey);
        if (!targetColumn) report(`${columnPath}.references.column`, `no column "${column.references.column}" in table "${target.name}"`);
        else if (targetKey.length !== 1 || targetKey[0] !== targetColumn) {
          report(`${columnPath}.references.column`, `"${target.name}"."${targetColumn.name}" must be that table's single-column primary key`);
        } else if (targetColumn.type.trim().toLowerCase() !== type) {
          report(`${columnPath}.references`, `type ${type} does not match ${target.name}.${targetColumn.name} (${targetColumn.type})`);
        }
        if (column.references.onDelete === "set null" && (column.notNull || column.primaryKey)) {
          report(`${columnPath}.references.onDelete`, `"set null" needs a column that may be null`);
        }
      }
    }
    return {
      key: column.id ?? column.name,
      name: column.name,
      type,
      primaryKey: column.primaryKey === true,
      notNull: column.notNull === true || column.primaryKey === true,
      default: defaultExpr,
      references,
    };
  });
  const primaryKey = columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (table.columns.length > 0 && primaryKey.length === 0) {
    report(`${path}.columns`, `table "${table.name}" needs a primary key (mark a column "primaryKey": true)`);
  }

  const typeOf = (name: string): ColumnType | null => {
    const column = columns.find((c) => c.name === name);
    return column && COLUMN_TYPES.includes(column.type) ? column.type : null;
  };
  const requireColumn = (columnPath: string, name: string, purpose: string): ColumnType | null => {
    if (!columnNames.includes(name)) {
      report(columnPath, `no column "${name}" in table "${table.name}"`);
      return null;
    }
    const type = typeOf(name);
    if (type && purpose === "identifier" && !holdsIdentifier(type)) {
      report(columnPath, `column "${name}" is ${type}; an id column must be text, varchar or uuid`);
    }
    return type;
  };
  const checkRoles = (rolesPath: string, listed: readonly string[]) => {
    if (!hasTenancy) {
      report(rolesPath, "roles need auth.tenancy (set auth.tenancy, or remove roles to allow every signed-in user)");
      return;
    }
    listed.forEach((role, k) => {
      if (!roles.includes(role)) report(`${rolesPath}[${k}]`, `role "${role}" is not declared in roles`);
    });
  };

  const firewall = buildFirewall(table, path, hasTenancy, requireColumn, checkRoles, report);
  const conditions = (conditionsPath: string, list: readonly Condition[] | undefined) =>
    (list ?? []).map((condition, k) => buildCondition(condition, `${conditionsPath}[${k}]`, table.name, typeOf, columnNames, hasTenancy, report));

  const access: Partial<Record<(typeof OPERATIONS)[number], ModelAccessRule[]>> = {};
  for (const op of OPERATIONS) {
    const given: AccessRules | undefined = table.access?.[op];
    if (given === undefined) continue;
    const list: readonly AccessRule[] = Array.isArray(given) ? given : [given];
    access[op] = list.map((rule, k) => {
      const rulePath = Array.isArray(given) ? `${path}.access.${op}[${k}]` : `${path}.access.${op}`;
      if (rule.roles !== undefined) {
        if (rule.roles.length === 0) report(`${rulePath}.roles`, "list at least one role, or leave roles out to allow every signed-in user");
        checkRoles(`${rulePath}.roles`, rule.roles);
      }
      if (op === "insert" && rule.where?.length) report(`${rulePath}.where`, "insert has no existing row; use check for the new row");
      if ((op === "select" || op === "delete") && rule.check?.length) report(`${rulePath}.check`, `${op} writes no new row; use where`);
      let columnsAllowed: string[] | null = null;
      if (rule.columns !== undefined) {
        if (op !== "update") report(`${rulePath}.columns`, "columns only apply to update rules (the columns an update may change)");
        rule.columns.forEach((name, c) => {
          if (!columnNames.includes(name)) report(`${rulePath}.columns[${c}]`, `no column "${name}" in table "${table.name}"`);
          else if (rule.columns!.indexOf(name) !== c) report(`${rulePath}.columns[${c}]`, `column "${name}" is listed twice`);
        });
        columnsAllowed = [...rule.columns];
      }
      let sharedVia: ModelSharedVia | null = null;
      if (rule.sharedVia !== undefined) {
        if (op === "insert") report(`${rulePath}.sharedVia`, "insert has no existing row to be shared; use sharedVia on select, update or delete");
        sharedVia = buildSharedVia(context, table, rule.sharedVia, `${rulePath}.sharedVia`, report);
      }
      return {
        roles: rule.roles ?? null,
        where: conditions(`${rulePath}.where`, rule.where),
        check: conditions(`${rulePath}.check`, rule.check),
        sharedVia,
        columns: columnsAllowed,
      };
    });
  }

  return {
    key: table.id ?? table.name,
    name: table.name,
    columns,
    primaryKey,
    firewall,
    access,
    anonymous: {
      select: table.anonymous?.select ? { where: conditions(`${path}.anonymous.select.where`, table.anonymous.select.where) } : null,
      insert: table.anonymous?.insert ? { check: conditions(`${path}.anonymous.insert.check`, table.anonymous.insert.check) } : null,
    },
    generatedFor: null,
    ...(table.existing === true ? { existing: true } : {}),
  };
}

/**
 * Spec §4, sharedVia: the sharing table holds (row key, user) pairs; the row column holds the
 * shared table's single-column primary key, the user column the user's id.
 */
function buildSharedVia(context: TableContext, table: Table, given: SharedVia, path: string, report: Report): ModelSharedVia | null {
  const sharing = context.tableNamed(given.table);
  if (!sharing) {
    report(`${path}.table`, `no table "${given.table}"`);
    return null;
  }
  if (sharing.name === table.name) {
    report(`${path}.table`, "the sharing table must be another table (it holds which rows are shared with whom)");
    return null;
  }
  const key = table.columns.filter((c) => c.primaryKey);
  const typeIn = (t: Table, name: string) => t.columns.find((c) => c.name === name)?.type.trim().toLowerCase();
  let ok = true;
  if (key.length !== 1) {
    report(path, `sharedVia needs table "${table.name}" to have a single-column primary key`);
    ok = false;
  }
  const rowType = typeIn(sharing, given.row);
  if (rowType === undefined) {
    report(`${path}.row`, `no column "${given.row}" in table "${sharing.name}"`);
    ok = false;
  } else if (key.length === 1 && rowType !== key[0].type.trim().toLowerCase()) {
    report(`${path}.row`, `column "${given.row}" is ${rowType}, but the key of "${table.name}" ("${key[0].name}") is ${key[0].type}`);
    ok = false;
  }
  const userType = typeIn(sharing, given.user);
  if (userType === undefined) {
    report(`${path}.user`, `no column "${given.user}" in table "${sharing.name}"`);
    ok = false;
  } else if (!COLUMN_TYPES.includes(userType as ColumnType) || !holdsIdentifier(userType as ColumnType)) {
    report(`${path}.user`, `column "${given.user}" is ${userType}; a user id column must be text, varchar or uuid`);
    ok = false;
  }
  if (given.row === given.user) {
    report(`${path}.user`, "the user column must differ from the row column");
    ok = false;
  }
  if (context.forceRowLevelSecurity) {
    report(path, "sharedVia reads the sharing table through a helper that runs as the tables' owner, which forceRowLevelSecurity would hold to the policies; not supported together yet");
    ok = false;
  }
  return ok ? { table: sharing.name, row: given.row, user: given.user } : null;
}

/**
 * Spec §4: a parent chain may not loop back on itself. Reported once, on the first table of the
 * loop in the design's order, with the whole loop in the message.
 */
function reportParentCycles(design: Design, tableNamed: (name: string) => Table | undefined, report: Report): void {
  const parentOf = (name: string): string | null => {
    const t = tableNamed(name);
    const column = t?.firewall?.parent?.column;
    if (!t || column === undefined) return null;
    return t.columns.find((c) => c.name === column)?.references?.table ?? null;
  };
  const reported = new Set<string>();
  design.tables.forEach((table, i) => {
    if (!table.firewall?.parent) return;
    const chain = [table.name];
    for (let next = parentOf(table.name); next !== null; next = parentOf(next)) {
      if (next === table.name) {
        const loop = [...chain, next];
        if (!loop.some((n) => reported.has(n))) report(`tables[${i}].firewall.parent.column`, `the parent chain ${loop.join(" -> ")} is a cycle; a table's tenancy must end at a table with its own organization, owner or public firewall`);
        for (const n of chain) reported.add(n);
        return;
      }
      if (chain.includes(next)) return; // a loop further up, reported on its own table
      chain.push(next);
    }
  });
}

/**
 * A type an adopted table has and the model lacks (citext, an enum, varchar(255)), kept as
 * PostgreSQL names it. Only plain type names pass: the name may reach SQL as a cast.
 */
export function keptVerbatimType(type: string): boolean {
  return VERBATIM_TYPE.test(type.trim());
}

// An identifier (plain, or quoted without quotes or backslashes inside), optionally schema-qualified,
// then PostgreSQL's multi-word spellings, a length or precision, a time zone, array brackets.
const VERBATIM_TYPE =
  /^(?:[a-z_][a-z0-9_$]*|"[^"\\\u0000]+")(?:\.(?:[a-z_][a-z0-9_$]*|"[^"\\\u0000]+"))?(?: (?:varying|precision))?(?:\(\d+(?:, ?\d+)?\))?(?: (?:with|without) time zone)?(?:\[\])*$/i;

function organizationColumnOf(table: Table): string | null {
  return table.firewall && !table.firewall.public ? (table.firewall.organization?.column ?? null) : null;
}

/**
 * Spec §4, same-organization references: when both tables are isolated by organization, the
 * foreign key includes the organization columns, unless the reference opts out explicitly.
 */
function sameOrganization(table: Table, column: Column, target: Table, columnPath: string, report: Report): ModelReference["sameOrganization"] {
  const childOrg = organizationColumnOf(table);
  const parentOrg = organizationColumnOf(target);
  if (!childOrg || !parentOrg || column.references?.crossOrganization === true) return null;
  // The organization column itself: a plain foreign key already keeps it in its organization.
  if (column.name === childOrg) return null;
  const typeOf = (t: Table, name: string) => t.columns.find((c) => c.name === name)?.type.trim().toLowerCase();
  const childType = typeOf(table, childOrg);
  const parentType = typeOf(target, parentOrg);
  const known = (type: string | undefined) => type !== undefined && COLUMN_TYPES.includes(type as ColumnType);
  // An unknown type is reported on its own column.
  if (known(childType) && known(parentType) && childType !== parentType) {
    report(
      `${columnPath}.references`,
      `the organization columns differ in type (${table.name}.${childOrg} is ${childType}, ${target.name}.${parentOrg} is ${parentType}), so the foreign key cannot include them; use one type, or set "crossOrganization": true to allow references into other organizations`,
    );
  }
  return { column: childOrg, parentColumn: parentOrg };
}

function buildFirewall(
  table: Table,
  path: string,
  hasTenancy: boolean,
  requireColumn: (path: string, name: string, purpose: string) => ColumnType | null,
  checkRoles: (path: string, roles: readonly string[]) => void,
  report: Report,
): ModelFirewall {
  const firewall = table.firewall;
  const firewallPath = `${path}.firewall`;
  if (!firewall || (!firewall.public && !firewall.organization && !firewall.owner && !firewall.parent)) {
    report(firewallPath, `table "${table.name}" needs a firewall: organization, owner, parent, or "public": true`);
    return { kind: "public" };
  }
  if (firewall.parent) {
    if (firewall.public || firewall.organization || firewall.owner) {
      report(`${firewallPath}.parent`, "a parent firewall stands alone: the row belongs wherever its parent row belongs (remove organization, owner and public)");
    }
    return buildParentFirewall(table, firewall.parent.column, `${firewallPath}.parent`, requireColumn, report);
  }
  if (firewall.public) {
    if (firewall.organization || firewall.owner) report(`${firewallPath}.public`, "a public table has no organization or owner firewall");
    return { kind: "public" };
  }
  if (firewall.organization) {
    if (!hasTenancy) report(`${firewallPath}.organization`, "an organization firewall needs auth.tenancy");
    requireColumn(`${firewallPath}.organization.column`, firewall.organization.column, "identifier");
  }
  let owner: Extract<ModelFirewall, { kind: "isolated" }>["owner"] = null;
  if (firewall.owner) {
    requireColumn(`${firewallPath}.owner.column`, firewall.owner.column, "identifier");
    const mode = firewall.owner.mode ?? "required";
    const bypassRoles = firewall.owner.bypassRoles ?? [];
    if (mode === "required" && bypassRoles.length > 0) report(`${firewallPath}.owner.bypassRoles`, `bypassRoles only apply with "mode": "optional"`);
    if (mode === "optional" && bypassRoles.length === 0) report(`${firewallPath}.owner.bypassRoles`, `"mode": "optional" needs at least one bypass role`);
    if (bypassRoles.length > 0) checkRoles(`${firewallPath}.owner.bypassRoles`, bypassRoles);
    if (firewall.organization?.column === firewall.owner.column) report(`${firewallPath}.owner.column`, "the owner column must differ from the organization column");
    owner = { column: firewall.owner.column, mode, bypassRoles };
  }
  return { kind: "isolated", organization: firewall.organization?.column ?? null, owner };
}

function buildParentFirewall(
  table: Table,
  column: string,
  path: string,
  requireColumn: (path: string, name: string, purpose: string) => ColumnType | null,
  report: Report,
): ModelFirewall {
  const fallback: ModelFirewall = { kind: "public" };
  if (requireColumn(`${path}.column`, column, "reference") === null) return fallback;
  const references = table.columns.find((c) => c.name === column)?.references;
  if (!references) {
    report(`${path}.column`, `column "${column}" must reference the parent table's primary key ("references": { "table": ..., "column": ... })`);
    return fallback;
  }
  if (references.table === table.name) {
    report(`${path}.column`, `the parent chain ${table.name} -> ${table.name} is a cycle; a table cannot be its own parent`);
    return fallback;
  }
  // The reference itself (table, key) is checked on the column.
  return { kind: "parent", column, table: references.table, parentColumn: references.column };
}

function buildCondition(
  condition: Condition,
  path: string,
  tableName: string,
  typeOf: (name: string) => ColumnType | null,
  columnNames: readonly string[],
  hasTenancy: boolean,
  report: Report,
): ModelCondition {
  const { column, op, value } = condition;
  if (!columnNames.includes(column)) {
    report(`${path}.column`, `no column "${column}" in table "${tableName}"`);
    return { column, op, value: null };
  }
  const type = typeOf(column);
  if (op === "isNull" || op === "isNotNull") {
    if (value !== undefined && value !== null) report(`${path}.value`, `${op} takes no value`);
    return { column, op, value: null };
  }
  if (!type) return { column, op, value: null };
  const family = typeFamily(type);
  if (family === "json" || family === "array") {
    report(`${path}.op`, `${withArticle(type)} column can only be tested with isNull or isNotNull`);
    return { column, op, value: null };
  }
  if (op === "in" || op === "notIn") {
    if (!Array.isArray(value) || value.length === 0) {
      report(`${path}.value`, `${op} needs a non-empty array of values`);
      return { column, op, value: null };
    }
    value.forEach((item, k) => {
      if (item === null) report(`${path}.value[${k}]`, "null never matches; use isNull");
      else if (isToken(item)) report(`${path}.value[${k}]`, `${item} is only allowed with eq and neq`);
      else {
        const problem = literalProblem(type, item);
        if (problem) report(`${path}.value[${k}]`, problem);
      }
    });
    return { column, op, value: value.filter((v): v is string | number | boolean => v !== null).map((v) => pinToUtc(type, v)) };
  }
  if (value === undefined || value === null) {
    report(`${path}.value`, value === null ? `null never matches; use isNull` : `${op} needs a value`);
    return { column, op, value: null };
  }
  if (Array.isArray(value)) {
    report(`${path}.value`, `${op} takes a single value; use in for a list`);
    return { column, op, value: null };
  }
  if (isToken(value)) {
    if (op !== "eq" && op !== "neq") report(`${path}.op`, `${value} is only allowed with eq and neq`);
    if (!holdsIdentifier(type)) report(`${path}.value`, `${value} compares ids; column "${column}" is ${type}`);
    if (value === ORG_TOKEN && !hasTenancy) report(`${path}.value`, "$org needs auth.tenancy");
    return { column, op, value };
  }
  const problem = literalProblem(type, value);
  if (problem) report(`${path}.value`, problem);
  return { column, op, value: pinToUtc(type, value) };
}

/** Columns every table has already: PostgreSQL refuses a column of these names ("oid" is an ordinary name since PostgreSQL 12). */
const SYSTEM_COLUMNS = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"]);
const PRIMARY_KEY_LABEL = "pkey";

/**
 * The name PostgreSQL gives a table's primary key (its index, a relation beside the tables):
 * `<table>_pkey`, the table's name cut to fit 63 bytes without splitting a character
 * (makeObjectName in PostgreSQL's indexcmds.c).
 */
export function implicitPrimaryKeyName(table: string): string {
  const available = MAX_IDENTIFIER_BYTES - PRIMARY_KEY_LABEL.length - 1;
  if (utf8Length(table) <= available) return `${table}_${PRIMARY_KEY_LABEL}`;
  let base = "";
  for (const char of table) {
    if (utf8Length(base + char) > available) break;
    base += char;
  }
  return `${base}_${PRIMARY_KEY_LABEL}`;
}

/**
 * Names PostgreSQL itself takes, which the design may not use: system column names, and the
 * primary key index of each table, which shares one namespace with the tables. A table named
 * `a_pkey` beside `a` fails with "relation already exists" when it comes second, and silently
 * renames the key (`a_pkey1`) when it comes first; either way it is refused, so that reordering
 * tables never breaks a migration. The names the compiler derives (indexes, policies) avoid the
 * tables' names by construction (lib/compiler/names.ts).
 */
function reportNamesPostgresTakes(tables: readonly ModelTable[], tenancy: ModelTenancy | null, report: Report): void {
  const generatedPath = (table: ModelTable) => (table.generatedFor === "membership" ? "auth.tenancy.membership" : "auth.tenancy.activeOrg");
  const tablePath = (table: ModelTable, index: number) => (table.generatedFor === null ? `tables[${index}].name` : `${generatedPath(table)}.table`);
  const columnPath = (table: ModelTable, index: number, column: number) => {
    if (table.generatedFor === null || tenancy?.source !== "tables") return `tables[${index}].columns[${column}].name`;
    const spec: Record<string, string> = table.generatedFor === "membership" ? tenancy.membership : tenancy.activeOrg;
    const field = Object.keys(spec).find((key) => key !== "table" && spec[key] === table.columns[column].name);
    return `${generatedPath(table)}.${field}`;
  };
  const keyOwners = new Map<string, string[]>();
  for (const t of tables) {
    const key = implicitPrimaryKeyName(t.name);
    keyOwners.set(key, [...(keyOwners.get(key) ?? []), t.name]);
  }
  tables.forEach((table, i) => {
    // A long name may be its own key's name: PostgreSQL then picks another one for the key, as the table exists first.
    const owner = keyOwners.get(table.name)?.find((name) => name !== table.name);
    if (owner !== undefined) {
      report(tablePath(table, i), `table "${table.name}" has the name PostgreSQL gives the primary key of table "${owner}"; rename one of them`);
    }
    table.columns.forEach((column, j) => {
      if (SYSTEM_COLUMNS.has(column.name)) report(columnPath(table, i, j), `"${column.name}" is the name of a PostgreSQL system column; choose another name`);
    });
  });
}

/**
 * On Supabase the token's `role` claim names the database role: PostgREST switches to it, so it
 * must be "authenticated" (Supabase's own tokens, and third-party tokens set up for Supabase, carry
 * exactly that). An organization or role claim under `role` (WorkOS's default `role`) would read
 * "authenticated" for everyone, or make PostgREST switch to a database role named "admin".
 */
function reportSupabaseRoleClaim(design: Design, claims: { orgClaim: readonly string[]; roleClaim: readonly string[] }, report: Report): void {
  if (design.target !== "supabase") return;
  for (const key of ["orgClaim", "roleClaim"] as const) {
    if (claims[key][0] === "role") {
      report(`auth.tenancy.${key}`, `on Supabase the "role" claim names the database role (authenticated); put the organization ${key === "orgClaim" ? 'id in another claim, e.g. "org_id"' : 'role in another claim, e.g. "org_role"'}`);
    }
  }
}

/** A primary key is a btree index, and json (unlike jsonb) has no equality, so PostgreSQL cannot create it. */
function reportKeysPostgresCannotIndex(tables: readonly ModelTable[], report: Report): void {
  tables.forEach((table, i) => {
    if (table.generatedFor !== null) return;
    table.columns.forEach((column, j) => {
      if (column.primaryKey && (column.type === "json" || column.type === "json[]")) {
        report(`tables[${i}].columns[${j}].primaryKey`, `PostgreSQL cannot index ${column.type} (it has no equality); make the key jsonb, or another column`);
      }
    });
  });
}
