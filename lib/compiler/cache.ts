import { COLUMN_TYPES, createValidationCache, type ModelTable, type ValidationCache } from "../design";
import type { TargetDialect } from "../targets";
import type { HelperFunction } from "./helpers-sql";
import type { IndexPlan, PolicyPlan, TablePlan } from "./plan";

/**
 * What the compiler keeps between compilations of designs that share tables, so that a keystroke
 * in one table of a hundred pays for that table and the parts across tables only (the designer
 * compiles on every keystroke; its edits are immutable, so an unchanged table stays the same
 * object, and so does its table of the model: see ValidationCache).
 *
 * Every entry is keyed by the object it was computed from and remembers whatever else it read
 * (the dialect, the table's unique keys, the names of other tables...): a hit is exactly what the
 * uncached compiler would write, byte for byte (lib/compiler/cache.test.ts compares the two over
 * random designs and edit sequences). A caller that mutates a design after compiling it must not
 * pass a cache.
 */
export interface CompileCache {
  readonly validation: ValidationCache;
  readonly policies: WeakMap<ModelTable, { readonly dialect: string; readonly policies: readonly PolicyPlan[] }>;
  /** The indexes a table wants, before their names are made unique across the design. */
  readonly indexes: WeakMap<ModelTable, { readonly key: string; readonly wanted: readonly WantedIndex[] }>;
  /** The table's last plan: handed out again while every part of it is the same. */
  readonly plans: WeakMap<ModelTable, TablePlan>;
  readonly sql: WeakMap<TablePlan, { readonly key: string; readonly pieces: TableSql }>;
  readonly helpers: WeakMap<ModelTable, Map<string, HelperFunction | null>>;
  /** Per plan and dialect: anything else written from one plan alone (schema.ts, the snapshot, the state). */
  readonly parts: WeakMap<TablePlan, Map<string, unknown>>;
  /** Per dialect object: its key (a dialect is made afresh for every compilation). */
  readonly dialects: WeakMap<TargetDialect, string>;
  /** Each dialect's text (see dialectKey) to a short key, so that keys compare and hash cheaply. */
  readonly dialectKeys: Map<string, string>;
}

/** An index a table's policies need, its name not yet unique among the design's relations. */
export interface WantedIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly codePointColumns: readonly string[];
}

/** The statements one table contributes to each migration. */
export interface TableSql {
  /** CREATE TABLE (unless existing), ENABLE and FORCE ROW LEVEL SECURITY, the grants. */
  readonly table: readonly string[];
  readonly uniqueKeys: readonly string[];
  readonly foreignKeys: readonly string[];
  /** DROP POLICY IF EXISTS, CREATE POLICY, for each policy. */
  readonly policies: readonly string[];
  readonly indexes: readonly string[];
}

export function createCompileCache(): CompileCache {
  return {
    validation: createValidationCache(),
    policies: new WeakMap(),
    indexes: new WeakMap(),
    plans: new WeakMap(),
    sql: new WeakMap(),
    helpers: new WeakMap(),
    parts: new WeakMap(),
    dialects: new WeakMap(),
    dialectKeys: new Map(),
  };
}

/**
 * A short key for everything of a dialect that the SQL of one table can depend on: the target,
 * the roles, the user id for each column type, the claims, the layout and schema.ts's role names.
 * Dialects that agree on all of these get the same key.
 */
export function dialectKey(dialect: TargetDialect, cache: CompileCache): string {
  let key = cache.dialects.get(dialect);
  if (key === undefined) {
    const text = JSON.stringify([
      dialect.name,
      dialect.signedInRole,
      dialect.anonymousRole,
      dialect.claims,
      dialect.layout,
      COLUMN_TYPES.map((type) => dialect.userId(type)),
      dialect.drizzleRoles,
    ]);
    key = cache.dialectKeys.get(text);
    if (key === undefined) cache.dialectKeys.set(text, (key = `d${cache.dialectKeys.size}`));
    cache.dialects.set(dialect, key);
  }
  return key;
}

/** `compute(plan)`, once per plan and key (the dialect's, with whatever else the part reads). */
export function planPart<T>(cache: CompileCache | undefined, plan: TablePlan, kind: string, key: string, compute: () => T): T {
  if (!cache) return compute();
  let parts = cache.parts.get(plan);
  if (!parts) cache.parts.set(plan, (parts = new Map()));
  const id = `${kind}\u0000${key}`;
  if (parts.has(id)) return parts.get(id) as T;
  // One entry per kind: a plan compiled for another dialect drops the earlier one.
  for (const other of parts.keys()) if (other.startsWith(`${kind}\u0000`)) parts.delete(other);
  const value = compute();
  parts.set(id, value);
  return value;
}

export function sameIndexes(a: readonly IndexPlan[], b: readonly IndexPlan[]): boolean {
  return a.length === b.length && a.every((x, i) => x.table === b[i].table && x.name === b[i].name && sameList(x.columns, b[i].columns) && sameList(x.codePointColumns, b[i].codePointColumns));
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
