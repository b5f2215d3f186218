import {
  columnOf,
  isToken,
  quoteIdent,
  sqlLiteral,
  typeFamily,
  USER_TOKEN,
  type ColumnType,
  type ModelCondition,
  type ModelFirewall,
  type ModelSharedVia,
  type ModelTable,
} from "../design";
import { HELPER_SCHEMA, type TargetDialect } from "../targets";
import { derivedName } from "./names";

/**
 * SQL expressions for policies, in the shapes of the spec §3: every auth or helper call is a
 * scalar subquery, so PostgreSQL evaluates it once per statement (an InitPlan), never per row.
 */
export interface Expressions {
  /** The signed-in user's id, cast to the column's type. */
  userId(type: ColumnType): string;
  activeOrgId(type: ColumnType): string;
  activeRole(): string;
  bypassOrgId(type: ColumnType, roles: readonly string[]): string;
  /** Whether types are schema-qualified (inside function bodies). */
  readonly qualified?: boolean;
}

const helper = (fn: string) => `${quoteIdent(HELPER_SCHEMA)}.${fn}`;

function castTo(expr: string, type: ColumnType, qualified = false): string {
  return type === "uuid" ? `${expr}::${qualified ? "pg_catalog." : ""}uuid` : expr;
}

export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(sqlLiteral).join(", ")}]::text[]`;
}

/**
 * `qualified`: every type named with its schema (`pg_catalog.uuid`), for expressions inside the
 * helper and trigger functions, whose bodies must name nothing unqualified (spec §3).
 */
export function expressionsFor(dialect: TargetDialect, qualified = false): Expressions {
  const array = (roles: readonly string[]) => (qualified ? qualifiedTextArray(roles) : textArray(roles));
  const userId = (type: ColumnType) => (qualified ? dialect.userId(type).replace(/::uuid$/, "::pg_catalog.uuid") : dialect.userId(type));
  return {
    userId: (type) => `(select ${userId(type)})`,
    activeOrgId: (type) => `(select ${castTo(`${helper("active_organization_id")}()`, type, qualified)})`,
    activeRole: () => `(select ${helper("active_organization_role")}())`,
    bypassOrgId: (type, roles) => `(select ${castTo(`${helper("bypass_organization_id")}(${array(roles)})`, type, qualified)})`,
    qualified,
  };
}

export function qualifiedTextArray(values: readonly string[]): string {
  return `ARRAY[${values.map(sqlLiteral).join(", ")}]::pg_catalog.text[]`;
}

const COMPARISONS = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/**
 * Whether a condition orders text (`lt`, `lte`, `gt`, `gte` on text or varchar). Such a comparison
 * is written `COLLATE "C"`: the database's default collation (en_US on Supabase, ICU anywhere)
 * would otherwise decide whether 'B' < 'a', so the same policy would mean different rows on
 * different servers. In "C" text orders by code point, which is what the design means. Equality
 * needs no COLLATE: under every deterministic collation it is equality of the bytes.
 */
export function ordersText(table: ModelTable, condition: ModelCondition): boolean {
  return (condition.op === "lt" || condition.op === "lte" || condition.op === "gt" || condition.op === "gte") && typeFamily(columnOf(table, condition.column).type) === "text";
}

export const CODE_POINT_COLLATION = `COLLATE "C"`;

/** `row`: the record the column is read from (`OLD`, `NEW` in a trigger); the policy's own row when absent. */
export function conditionSql(table: ModelTable, condition: ModelCondition, exprs: Expressions, row?: string): string {
  const column = columnOf(table, condition.column);
  const ref = row ? `${row}.${quoteIdent(column.name)}` : quoteIdent(column.name);
  const { op, value } = condition;
  switch (op) {
    case "isNull":
      return `${ref} IS NULL`;
    case "isNotNull":
      return `${ref} IS NOT NULL`;
    case "in":
    case "notIn": {
      const list = (value as readonly (string | number | boolean)[]).map(sqlLiteral).join(", ");
      return `${ref} ${op === "in" ? "IN" : "NOT IN"} (${list})`;
    }
    default: {
      let right: string;
      if (isToken(value)) right = value === USER_TOKEN ? exprs.userId(column.type) : exprs.activeOrgId(column.type);
      else right = sqlLiteral(value as string | number | boolean);
      const left = ordersText(table, condition) ? `${ref} ${CODE_POINT_COLLATION}` : ref;
      return `${left} ${COMPARISONS[op]} ${right}`;
    }
  }
}

/** Conditions joined with AND; `null` when there are none. */
export function conditionsSql(table: ModelTable, conditions: readonly ModelCondition[], exprs: Expressions, row?: string): string | null {
  if (conditions.length === 0) return null;
  return conditions.map((c) => conditionSql(table, c, exprs, row)).join(" AND ");
}

export function rolesSql(roles: readonly string[] | null, exprs: Expressions): string | null {
  return roles ? `${exprs.activeRole()} = ANY (${exprs.qualified ? qualifiedTextArray(roles) : textArray(roles)})` : null;
}

/**
 * The helper that lists the keys of the parent rows whose firewall the principal passes (spec §4):
 * computed once per statement and compared with `= ANY`, so the child's key column is an index
 * condition, never a correlated subquery per row.
 */
export function parentKeysHelper(parent: string): string {
  return helper(quoteIdent(derivedName(parent, "firewall_keys")));
}

/** The helper that lists the keys of the rows shared with the signed-in user through a sharing table. */
export function sharedKeysHelper(via: ModelSharedVia): string {
  return helper(quoteIdent(derivedName(`${via.table}_${via.row}_${via.user}`, "shared_keys")));
}

/**
 * A helper's array of keys, once per statement: the cast makes `(select ...)` a scalar subquery
 * (an InitPlan); `ANY ((select ...))` alone would read as ANY over a subquery's rows of arrays.
 */
function keysOf(call: string, type: ColumnType, qualified: boolean): string {
  return `(select ${call})::${qualified ? qualifiedArrayType(type) : `${type}[]`}`;
}

const QUALIFIED: Record<string, string> = { integer: "int4", bigint: "int8", smallint: "int2", boolean: "bool", real: "float4", "double precision": "float8" };
function qualifiedArrayType(type: ColumnType): string {
  return `pg_catalog.${QUALIFIED[type] ?? type}[]`;
}

/** A rule's sharedVia as an expression on the row (`row`: OLD in a trigger), or null. */
export function sharedSql(table: ModelTable, via: ModelSharedVia | null, row?: string): string | null {
  if (!via) return null;
  const key = columnOf(table, table.primaryKey[0]);
  const ref = row ? `${row}.${quoteIdent(key.name)}` : quoteIdent(key.name);
  return `${ref} = ANY (${keysOf(`${sharedKeysHelper(via)}()`, key.type, row !== undefined)})`;
}

/**
 * Tenant isolation as one expression, or null for a public table. With `withinRoles`, the
 * expression also requires the active role to be one of them (see planPolicies): the organization
 * is then the bypass organization of those roles, so the role check is part of the index condition.
 */
export function firewallSql(table: ModelTable, firewall: ModelFirewall, exprs: Expressions, withinRoles?: readonly string[]): string | null {
  if (firewall.kind === "public") return null;
  if (firewall.kind === "parent") {
    const column = columnOf(table, firewall.column);
    return `${quoteIdent(column.name)} = ANY (${keysOf(`${parentKeysHelper(firewall.table)}()`, column.type, exprs.qualified === true)})`;
  }
  const org = firewall.organization ? columnOf(table, firewall.organization) : null;
  const owner = firewall.owner ? columnOf(table, firewall.owner.column) : null;
  if (withinRoles && !org) throw new Error(`${table.name}: a firewall takes an operation's roles only through its organization column`);
  const orgMatches = org ? `${quoteIdent(org.name)} = ${withinRoles ? exprs.bypassOrgId(org.type, withinRoles) : exprs.activeOrgId(org.type)}` : null;
  const ownerMatches = owner ? `${quoteIdent(owner.name)} = ${exprs.userId(owner.type)}` : null;
  if (!owner || !ownerMatches) return orgMatches;
  if (firewall.owner!.mode === "required") return orgMatches ? `${orgMatches} AND ${ownerMatches}` : ownerMatches;
  const bypass = withinRoles ? firewall.owner!.bypassRoles.filter((r) => withinRoles.includes(r)) : firewall.owner!.bypassRoles;
  if (org && orgMatches) {
    if (bypass.length === 0) return `${orgMatches} AND ${ownerMatches}`;
    // (org, owner) or org = bypass org: a BitmapOr of two index scans; "org AND (owner OR role)" would scan the tenant.
    return `(${orgMatches} AND ${ownerMatches})\n    OR ${quoteIdent(org.name)} = ${exprs.bypassOrgId(org.type, bypass)}`;
  }
  return `${ownerMatches}\n    OR ${rolesSql(bypass, exprs)}`;
}

/** Expressions joined with OR (each parenthesized when it has parts of its own); null when any is null (always true). */
export function or(parts: readonly (string | null)[]): string | null {
  if (parts.some((p) => p === null)) return null;
  if (parts.length === 1) return parts[0];
  return parts.map((p) => `(${p})`).join("\n    OR ");
}

export function and(...parts: (string | null)[]): string | null {
  const present = parts.filter((p): p is string => p !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0];
  return present.map((p) => (p.includes(" OR ") ? `(${p})` : p)).join("\n    AND ");
}
