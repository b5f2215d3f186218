import { columnOf, dollarQuote, quoteIdent, sqlLiteral, typeFamily, type ColumnType, type Model, type ModelAccessRule, type ModelSharedVia, type ModelTable } from "../design";
import { PINNED_SEARCH_PATH, HELPER_SCHEMA, type TargetDialect } from "../targets";
import { and, conditionsSql, expressionsFor, firewallSql, or, parentKeysHelper, rolesSql, sharedKeysHelper, sharedSql } from "./expressions";
import type { HelperFunction } from "./helpers-sql";
import { derivedName } from "./names";
import { commentText } from "../targets/file-text";
import { dialectKey, type CompileCache } from "./cache";

/**
 * The functions spec §4's shapes need (parent keys, shared keys, update rules that RLS alone
 * cannot pair): each with its search_path pinned to pg_catalog then pg_temp and every name
 * qualified, types included (spec §3), executable only by the signed-in role.
 */

const BASE_TYPES: Record<string, string> = {
  text: "text",
  varchar: "varchar",
  uuid: "uuid",
  integer: "int4",
  bigint: "int8",
  smallint: "int2",
  boolean: "bool",
  numeric: "numeric",
  real: "float4",
  "double precision": "float8",
  timestamptz: "timestamptz",
  timestamp: "timestamp",
  date: "date",
  jsonb: "jsonb",
  json: "json",
};

/** `pg_catalog.uuid`, `pg_catalog.int4[]`: a column type named so that pg_temp cannot shadow it. */
export function qualifiedType(type: ColumnType): string {
  const array = type.endsWith("[]");
  const base = array ? type.slice(0, -2) : type;
  return `pg_catalog.${BASE_TYPES[base] ?? base}${array ? "[]" : ""}`;
}

const table = (name: string) => `public.${quoteIdent(name)}`;

/**
 * With a cache, each helper is written once per table it reads (the parent, the sharing table,
 * the table of the update rules) and what else it reads (the dialect, the names in it).
 */
export function shapeHelpers(model: Model, dialect: TargetDialect, cache?: CompileCache): HelperFunction[] {
  const exprs = expressionsFor(dialect, true);
  const dialectText = cache ? dialectKey(dialect, cache) : "";
  /** `write()`, or the helper it wrote before from the same table with the same key. */
  const helperOf = <T extends HelperFunction | null>(from: ModelTable, key: string, write: () => T): T => {
    if (!cache) return write();
    let entries = cache.helpers.get(from);
    if (!entries) cache.helpers.set(from, (entries = new Map()));
    const id = `${key}\u0000${dialectText}`;
    if (entries.has(id)) return entries.get(id) as T;
    if (entries.size > 8) entries.clear();
    const helper = write();
    entries.set(id, helper);
    return helper;
  };
  const signedIn = quoteIdent(dialect.signedInRole);
  const helpers: HelperFunction[] = [];
  const grants = (signature: string) => [`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC;`, `GRANT EXECUTE ON FUNCTION ${signature} TO ${signedIn};`];
  const byName = new Map(model.tables.map((t) => [t.name, t]));

  // Parents first in the design's order; each parent once, however many children read it.
  const parents = [...new Set(model.tables.flatMap((t) => (t.firewall.kind === "parent" ? [t.firewall.table] : [])))];
  for (const name of parents) {
    const parent = byName.get(name)!;
    helpers.push(helperOf(parent, "parent", () => parentHelper(parent, exprs, grants)));
  }

  const vias = new Map<string, { via: ModelSharedVia; shared: ModelTable }>();
  for (const t of model.tables) {
    for (const rules of Object.values(t.access)) {
      for (const rule of rules ?? []) {
        if (rule.sharedVia) vias.set(sharedKeysHelper(rule.sharedVia), { via: rule.sharedVia, shared: t });
      }
    }
  }
  for (const [fn, { via, shared }] of vias) {
    const sharing = byName.get(via.table)!;
    helpers.push(helperOf(sharing, JSON.stringify(["shared", fn, via.row, via.user, shared.name]), () => sharedHelper(fn, via, shared, sharing, exprs, grants)));
  }

  for (const t of model.tables) {
    const rules = t.access.update ?? [];
    const trigger = helperOf(t, "update", () => (needsUpdateTrigger(rules) ? updateTrigger(t, rules, dialect, exprs) : null));
    if (trigger) helpers.push(trigger);
  }
  return helpers;
}

type Grants = (signature: string) => string[];
type Expressions = ReturnType<typeof expressionsFor>;

function parentHelper(parent: ModelTable, exprs: Expressions, grants: Grants): HelperFunction {
  const name = parent.name;
  const key = columnOf(parent, parent.primaryKey[0]);
  const fn = parentKeysHelper(name);
  const firewall = firewallSql(parent, parent.firewall, exprs);
  const body = [
    "BEGIN",
    `  RETURN (SELECT pg_catalog.array_agg(p.${quoteIdent(key.name)}) FROM ${table(name)} AS p${firewall ? `\n           WHERE ${firewall.replaceAll("\n", "\n           ")}` : ""});`,
    "END",
  ].join("\n");
  return {
    signature: `${fn}()`,
    statements: [
      [
        `-- The keys of the ${sqlComment(name)} rows whose firewall the signed-in user passes (their access rules do not count).`,
        `-- SECURITY DEFINER: read as the principal, the parent's own select rules would hide rows the firewall admits.`,
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS ${qualifiedType(key.type)}[]`,
        "  LANGUAGE plpgsql STABLE SECURITY DEFINER",
        `  SET search_path = ${PINNED_SEARCH_PATH}`,
        `AS ${dollarQuote(body)};`,
      ].join("\n"),
      ...grants(`${fn}()`),
    ],
  };
}

function sharedHelper(fn: string, via: ModelSharedVia, shared: ModelTable, sharing: ModelTable, exprs: Expressions, grants: Grants): HelperFunction {
  const row = columnOf(sharing, via.row);
  const user = columnOf(sharing, via.user);
  const body = [
    "BEGIN",
    `  RETURN (SELECT pg_catalog.array_agg(s.${quoteIdent(row.name)}) FROM ${table(sharing.name)} AS s`,
    `           WHERE s.${quoteIdent(user.name)} = ${exprs.userId(user.type)});`,
    "END",
  ].join("\n");
  return {
    signature: `${fn}()`,
    statements: [
      [
        `-- The keys of the ${sqlComment(shared.name)} rows shared with the signed-in user through ${sqlComment(sharing.name)}.`,
        `-- SECURITY DEFINER: whether the user may read the sharing table itself does not matter (spec §4).`,
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS ${qualifiedType(row.type)}[]`,
        "  LANGUAGE plpgsql STABLE SECURITY DEFINER",
        `  SET search_path = ${PINNED_SEARCH_PATH}`,
        `AS ${dollarQuote(body)};`,
      ].join("\n"),
      ...grants(`${fn}()`),
    ],
  };
}

/**
 * RLS tests USING on the old row and WITH CHECK on the new one separately, each the OR of the
 * rules: exact for one rule, and for several with the same check; not when the rules' checks
 * differ (one rule's where with another's check) nor for `columns`. Then a trigger pairs them.
 */
export function needsUpdateTrigger(rules: readonly ModelAccessRule[]): boolean {
  if (rules.some((r) => r.columns !== null)) return true;
  if (rules.length < 2) return false;
  const check = JSON.stringify(rules[0].check);
  return rules.some((r) => JSON.stringify(r.check) !== check);
}

export function updateTriggerName(t: ModelTable): string {
  return derivedName(t.name, "update_rules");
}

function updateTrigger(t: ModelTable, rules: readonly ModelAccessRule[], dialect: TargetDialect, exprs: Expressions): HelperFunction {
  const fn = `${quoteIdent(HELPER_SCHEMA)}.${quoteIdent(derivedName(t.name, "update_rules"))}`;
  const unchanged = (name: string) => {
    const column = columnOf(t, name);
    // json (and json[]) has no equality: compare the text.
    const text = typeFamily(column.type) === "json" || column.type === "json[]" ? "::pg_catalog.text" : "";
    return `NEW.${quoteIdent(name)}${text} IS NOT DISTINCT FROM OLD.${quoteIdent(name)}${text}`;
  };
  const admits = (rule: ModelAccessRule) =>
    and(
      rolesSql(rule.roles, exprs),
      conditionsSql(t, rule.where, exprs, "OLD"),
      sharedSql(t, rule.sharedVia, "OLD"),
      conditionsSql(t, rule.check, exprs, "NEW"),
      rule.columns === null ? null : (t.columns.filter((c) => !rule.columns!.includes(c.name)).map((c) => unchanged(c.name)).join(" AND ") || null),
    );
  const condition = or(rules.map(admits)) ?? "true";
  const body = [
    "BEGIN",
    "  -- Only where the policies apply: the signed-in role under row-level security (not the owner, nor BYPASSRLS roles).",
    `  IF NOT pg_catalog.row_security_active(TG_RELID) OR NOT pg_catalog.pg_has_role(CURRENT_USER, ${sqlLiteral(dialect.signedInRole)}, 'USAGE') THEN`,
    "    RETURN NEW;",
    "  END IF;",
    `  IF ${condition.replaceAll("\n", "\n    ")} THEN`,
    "    RETURN NEW;",
    "  END IF;",
    `  RAISE EXCEPTION 'no update rule of % admits this change', ${sqlLiteral(t.name)} USING ERRCODE = '42501';`,
    "END",
  ].join("\n");
  const trigger = quoteIdent(updateTriggerName(t));
  return {
    signature: `${fn}()`,
    statements: [
      [
        `-- Update rules of ${sqlComment(t.name)}: some one rule must admit the old row, the new row and the columns changed (spec §4).`,
        `-- SECURITY INVOKER: it decides for the user who updates, with the user's own rights.`,
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS pg_catalog.trigger`,
        "  LANGUAGE plpgsql SECURITY INVOKER",
        `  SET search_path = ${PINNED_SEARCH_PATH}`,
        `AS ${dollarQuote(body)};`,
      ].join("\n"),
      `REVOKE ALL ON FUNCTION ${fn}() FROM PUBLIC;`,
      `GRANT EXECUTE ON FUNCTION ${fn}() TO ${quoteIdent(dialect.signedInRole)};`,
      `DROP TRIGGER IF EXISTS ${trigger} ON ${table(t.name)};`,
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON ${table(t.name)} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    ],
    // The trigger depends on the function: CASCADE takes it along.
    drop: [`DROP FUNCTION IF EXISTS ${fn}() CASCADE;`],
  };
}

function sqlComment(name: string): string {
  return commentText(JSON.stringify(name));
}
