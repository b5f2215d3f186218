import { quoteIdent, sqlLiteral, type Model } from "../design";
import { planTables, type PolicyPlan } from "../compiler/plan";
import { forcesRowLevelSecurity, policySql } from "../compiler/sql";
import { helperStatements } from "../compiler/helpers-sql";
import { dialectFor } from "../targets";

/**
 * Ways a database can be weakened (or narrowed) by hand after a design was applied: what the
 * mutation tests apply before running `verify`, which must then report a mismatch. Each mutant is
 * SQL run as the tables' owner inside the transaction verify runs in, so nothing persists.
 */
export interface Mutant {
  /** Stable and unique within a design: `policy:documents_update:drop`, `table:projects:rls-disabled`. */
  readonly id: string;
  readonly description: string;
  readonly statements: readonly string[];
}

const table = (name: string) => `public.${quoteIdent(name)}`;

/** A word no design literal spells: a list widened with it admits rows the design never names. */
export const WIDENING_WORD = "archived";

export function mutantsFor(model: Model): Mutant[] {
  const dialect = dialectFor(model);
  const plans = planTables(model, dialect);
  const mutants: Mutant[] = [];
  const replacePolicy = (policy: PolicyPlan, changed: PolicyPlan, kind: string, description: string) => {
    mutants.push({
      id: `policy:${policy.name}:${kind}`,
      description: `${policy.name}: ${description}`,
      statements: [`DROP POLICY ${quoteIdent(policy.name)} ON ${table(policy.table)}`, policySql(changed, dialect).replace(/;$/, "")],
    });
  };
  for (const plan of plans) {
    for (const policy of plan.policies) {
      mutants.push({ id: `policy:${policy.name}:drop`, description: `${policy.name} dropped`, statements: [`DROP POLICY ${quoteIdent(policy.name)} ON ${table(policy.table)}`] });
      replacePolicy(policy, { ...policy, restrictive: !policy.restrictive }, "flip", policy.restrictive ? "permissive instead of restrictive" : "restrictive instead of permissive");
      if (policy.using !== null && policy.using !== "true") replacePolicy(policy, { ...policy, using: "true" }, "using-true", "USING (true)");
      if (policy.withCheck !== null && policy.withCheck !== "true") replacePolicy(policy, { ...policy, withCheck: "true" }, "check-true", "WITH CHECK (true)");
      // For every role: the policy's role widened to PUBLIC (both target roles and any other).
      mutants.push({
        id: `policy:${policy.name}:to-public`,
        description: `${policy.name}: TO public instead of its role`,
        statements: [`DROP POLICY ${quoteIdent(policy.name)} ON ${table(policy.table)}`, policySql(policy, dialect).replace(/TO "[^"]+"/, "TO public").replace(/;$/, "")],
      });
      for (const side of ["using", "withCheck"] as const) {
        const expression = policy[side];
        if (expression === null) continue;
        const label = side === "using" ? "USING" : "WITH CHECK";
        for (const [kind, changed, description] of expressionMutants(expression, model.roles)) {
          replacePolicy(policy, { ...policy, [side]: changed }, `${side}-${kind}`, `${label} ${description}`);
        }
      }
    }
    const t = plan.table;
    mutants.push({ id: `table:${t.name}:rls-disabled`, description: `${t.name}: row-level security disabled`, statements: [`ALTER TABLE ${table(t.name)} DISABLE ROW LEVEL SECURITY`] });
    const anonymous = new Set(plan.anonymousGrants.map((op) => op.toUpperCase()));
    for (const privilege of ["SELECT", "INSERT", "UPDATE", "DELETE"]) {
      if (!anonymous.has(privilege)) {
        mutants.push({
          id: `table:${t.name}:grant-${privilege.toLowerCase()}-anonymous`,
          description: `${t.name}: ${privilege} granted to ${dialect.anonymousRole}`,
          statements: [`GRANT ${privilege} ON ${table(t.name)} TO ${quoteIdent(dialect.anonymousRole)}`],
        });
      }
      mutants.push({
        id: `table:${t.name}:revoke-${privilege.toLowerCase()}-signed-in`,
        description: `${t.name}: ${privilege} revoked from ${dialect.signedInRole}`,
        statements: [`REVOKE ${privilege} ON ${table(t.name)} FROM ${quoteIdent(dialect.signedInRole)}`],
      });
    }
    if (forcesRowLevelSecurity(model, t)) {
      mutants.push({ id: `table:${t.name}:force-removed`, description: `${t.name}: FORCE ROW LEVEL SECURITY removed`, statements: [`ALTER TABLE ${table(t.name)} NO FORCE ROW LEVEL SECURITY`] });
    }
  }
  mutants.push(...helperMutants(model));
  return mutants;
}

/** The helper functions changed the ways a hand-written helper goes wrong. */
function helperMutants(model: Model): Mutant[] {
  const dialect = dialectFor(model);
  const helpers = helperStatements(model, dialect);
  const out: Mutant[] = [];
  const replace = (id: string, description: string, from: string | RegExp, to: string, only?: string) => {
    for (const helper of helpers) {
      if (only && !helper.signature.includes(only)) continue;
      const create = helper.statements[0];
      const changed = create.replace(from, to);
      if (changed === create) continue;
      out.push({ id: `helper:${helper.signature.replace(/^"rls"\./, "").replace(/\(.*$/, "")}:${id}`, description: `${helper.signature}: ${description}`, statements: [changed.replace(/;$/, "")] });
    }
  };
  /** The same mistake in every helper at once (they share the code that reads the claims or the membership). */
  const replaceEverywhere = (id: string, description: string, from: string | RegExp, to: string) => {
    const changed = helpers.map((h) => h.statements[0].replace(from, to)).filter((text, i) => text !== helpers[i].statements[0]);
    if (changed.length > 1) out.push({ id: `helpers:${id}`, description: `every helper: ${description}`, statements: changed.map((c) => c.replace(/;$/, "")) });
  };
  if (model.tenancy?.source === "claims") {
    replaceEverywhere("role-without-organization", "a role counts without an organization", /CASE WHEN org IS NOT NULL THEN (.*) END;/, "$1;");
    replaceEverywhere("claim-of-any-type", "a claim that is not a string is read as its JSON text", /CASE WHEN pg_catalog\.jsonb_typeof\([^)]*\) = 'string' THEN (nullif\(claims[^\n]*?, ''\)) END;/g, "$1;");
  } else if (model.tenancy?.source === "tables") {
    const { membership: m, activeOrg: a } = model.tenancy;
    replaceEverywhere("membership-of-any-organization", "the role of a membership in any organization", ` AND m.${quoteIdent(m.org)}::pg_catalog.text = s.${quoteIdent(a.org)}::pg_catalog.text`, "");
    replaceEverywhere("active-organization-without-membership", "the active organization counts without a membership", /\n {4}JOIN public\.[^\n]*\n {6}ON [^\n]*/, "\n    LEFT JOIN public." + quoteIdent(m.table) + " AS m ON false");
  }
  if (model.tenancy?.source === "claims") {
    replace("role-without-organization", "a role counts without an organization", /CASE WHEN org IS NOT NULL THEN (.*) END;/, "$1;");
    replace("claim-of-any-type", "a claim that is not a string is read as its JSON text", /CASE WHEN pg_catalog\.jsonb_typeof\([^)]*\) = 'string' THEN (nullif\(claims[^\n]*?, ''\)) END;/g, "$1;");
  } else if (model.tenancy?.source === "tables") {
    const { membership: m, activeOrg: a } = model.tenancy;
    replace(
      "membership-of-any-organization",
      "the role of a membership in any organization",
      ` AND m.${quoteIdent(m.org)}::pg_catalog.text = s.${quoteIdent(a.org)}::pg_catalog.text`,
      "",
    );
    replace("active-organization-without-membership", "the active organization counts without a membership", /\n {4}JOIN public\.[^\n]*\n {6}ON [^\n]*/, "\n    LEFT JOIN public." + quoteIdent(m.table) + " AS m ON false");
  }
  replace("bypass-ignores-role", "the bypass organization for every role", "CASE WHEN role = ANY (bypass_roles) THEN org END", "org", "bypass_organization_id");
  if (model.roles.length > 0) {
    replace("strongest-role-for-all", `every member gets the role ${model.roles[0]}`, "RETURN role;", `RETURN CASE WHEN org IS NOT NULL THEN ${sqlLiteral(model.roles[0])} END;`, "active_organization_role");
  }
  return out;
}

/**
 * Changes to one policy expression: each part of a top-level AND (or OR) dropped, each role list
 * widened by a role it lacks (and narrowed by its last), each comparison with a literal given a
 * moved boundary, each IN list widened by a word no design spells (and narrowed by its last).
 */
export function expressionMutants(expression: string, roles: readonly string[]): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const op of ["AND", "OR"] as const) {
    const parts = splitTopLevel(expression, op);
    if (parts.length < 2) continue;
    parts.forEach((part, i) => {
      const rest = parts.filter((_, j) => j !== i).join(`\n    ${op} `);
      out.push([`drop-${op.toLowerCase()}-${i + 1}`, rest, `without its ${ordinal(i + 1)} ${op} part (${oneLine(part)})`]);
      // One level down: a part of "(a AND b) OR c" dropped from inside the parentheses.
      const inner = op === "OR" && part.startsWith("(") && part.endsWith(")") ? splitTopLevel(part.slice(1, -1), "AND") : [];
      if (inner.length < 2) return;
      inner.forEach((piece, k) => {
        const narrowed = `(${inner.filter((_, j) => j !== k).join(" AND ")})`;
        const whole = parts.map((p, j) => (j === i ? narrowed : p)).join(`\n    ${op} `);
        out.push([`drop-or-${i + 1}-and-${k + 1}`, whole, `without the ${ordinal(k + 1)} AND part of its ${ordinal(i + 1)} OR part (${oneLine(piece)})`]);
      });
    });
  }
  const arrays = [...expression.matchAll(/ARRAY\[([^\]]*)\]::text\[\]/g)];
  arrays.forEach((m, i) => {
    const listed = [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replaceAll("''", "'"));
    const at = (list: string) => expression.slice(0, m.index) + `ARRAY[${list}]::text[]` + expression.slice(m.index! + m[0].length);
    for (const role of roles.filter((r) => !listed.includes(r))) out.push([`roles${i + 1}-add-${role}`, at([...listed, role].map(sqlLiteral).join(", ")), `with role ${role} added to a list`]);
    if (listed.length > 1) out.push([`roles${i + 1}-remove-last`, at(listed.slice(0, -1).map(sqlLiteral).join(", ")), `without role ${listed[listed.length - 1]} in a list`]);
  });
  const comparisons = [...expression.matchAll(/ (<=|>=|<>|=|<|>) ('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false)(?=$|[\s)])/g)];
  const moves: Record<string, string[]> = { "=": ["<=", ">="], "<": ["<="], "<=": ["<"], ">": [">="], ">=": [">"], "<>": [] };
  comparisons.forEach((m, i) => {
    for (const to of moves[m[1]]) {
      out.push([`boundary${i + 1}-${opName(to)}`, expression.slice(0, m.index) + ` ${to} ${m[2]}` + expression.slice(m.index! + m[0].length), `with ${m[1]} ${m[2]} moved to ${to} ${m[2]}`]);
    }
  });
  const lists = [...expression.matchAll(/ (NOT IN|IN) \(((?:'(?:[^']|'')*'|[^()'])*)\)/g)];
  lists.forEach((m, i) => {
    const items = splitTopLevel(m[2], ",");
    const at = (list: string[]) => expression.slice(0, m.index) + ` ${m[1]} (${list.join(", ")})` + expression.slice(m.index! + m[0].length);
    const quoted = items.some((x) => x.trim().startsWith("'"));
    out.push([`list${i + 1}-widen`, at([...items.map((x) => x.trim()), quoted ? sqlLiteral(WIDENING_WORD) : "987654"]), `with ${m[1]} widened by ${quoted ? sqlLiteral(WIDENING_WORD) : "987654"}`]);
    if (items.length > 1) out.push([`list${i + 1}-narrow`, at(items.slice(0, -1).map((x) => x.trim())), `with ${m[1]} narrowed by its last value`]);
  });
  return out;
}

const opName = (op: string) => ({ "<=": "lte", ">=": "gte", "<": "lt", ">": "gt" })[op] ?? op;
const ordinal = (n: number) => (n === 1 ? "1st" : n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`);
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Splits on a separator (AND, OR or ",") outside parentheses, brackets and quotes. */
export function splitTopLevel(expression: string, separator: "AND" | "OR" | ","): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  const word = separator === "," ? null : new RegExp(`^\\s+${separator}\\s+`);
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (depth === 0) {
      if (separator === "," && ch === ",") {
        parts.push(expression.slice(start, i));
        start = i + 1;
      } else if (word && /\s/.test(ch)) {
        const m = word.exec(expression.slice(i));
        if (m) {
          parts.push(expression.slice(start, i));
          start = i + m[0].length;
          i = start - 1;
        }
      }
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}
