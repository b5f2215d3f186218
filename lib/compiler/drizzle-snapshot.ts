import type { ColumnType, Model, ModelTable } from "../design";
import type { TargetDialect } from "../targets";
import { CODE_POINT_COLLATION } from "./expressions";
import type { TablePlan } from "./plan";
import { defaultSql, drizzleForeignKeyName } from "./sql";
import { defaultPrimaryKeyName } from "./names";
import { dialectKey, planPart, type CompileCache } from "./cache";

/**
 * drizzle-kit's snapshot of `src/db/schema.ts` (`drizzle/meta/<idx>_snapshot.json`), written by
 * the compiler itself so that `npx drizzle-kit generate` right after a compile finds nothing to
 * do: drizzle-kit diffs schema.ts against the newest snapshot, and without one it writes every
 * CREATE again. The shape is drizzle-kit 0.31's (version 7); lib/compiler/drizzle-snapshot.test.ts
 * checks it against drizzle-kit's own generateDrizzleJson for every template and target.
 */

const SQL_TYPES: Record<string, string> = {
  timestamptz: "timestamp with time zone",
};

function snapshotType(type: ColumnType): string {
  const base = type.replace("[]", "");
  return `${SQL_TYPES[base] ?? base}${type.endsWith("[]") ? "[]" : ""}`;
}

const COMMANDS = { all: "ALL", select: "SELECT", insert: "INSERT", update: "UPDATE", delete: "DELETE" } as const;

function tableSnapshot(model: Model, plan: TablePlan, dialect: TargetDialect) {
  const t: ModelTable = plan.table;
  const composite = t.primaryKey.length > 1;
  const columns = Object.fromEntries(
    t.columns.map((c) => [
      c.name,
      {
        name: c.name,
        type: snapshotType(c.type),
        primaryKey: c.primaryKey && !composite,
        notNull: c.notNull,
        ...(c.default ? { default: c.default.kind === "literal" && typeof c.default.value === "boolean" && c.type === "boolean" ? c.default.value : defaultSql(c.default, c.type, dialect) } : {}),
      },
    ]),
  );
  const indexes = Object.fromEntries(
    plan.indexes.map((i) => [
      i.name,
      {
        name: i.name,
        columns: i.columns.map((c) =>
          i.codePointColumns.includes(c)
            ? { expression: `"${c.replaceAll('"', '""')}" ${CODE_POINT_COLLATION}`, asc: true, isExpression: true, nulls: "last" }
            : { expression: c, isExpression: false, asc: true, nulls: "last" },
        ),
        isUnique: false,
        concurrently: false,
        method: "btree",
        with: {},
      },
    ]),
  );
  const foreignKeys = Object.fromEntries(
    t.columns.flatMap((c) => {
      const ref = c.references;
      if (!ref) return [];
      const same = ref.sameOrganization;
      const columnsFrom = same ? [same.column, c.name] : [c.name];
      const columnsTo = same ? [same.parentColumn, ref.column] : [ref.column];
      const name = drizzleForeignKeyName(t.name, columnsFrom, ref.table, columnsTo);
      return [[name, { name, tableFrom: t.name, tableTo: ref.table, columnsFrom, columnsTo, onDelete: ref.onDelete ?? "no action", onUpdate: "no action" }]];
    }),
  );
  const compositePrimaryKeys = composite
    ? { [defaultPrimaryKeyName(t.name)]: { name: defaultPrimaryKeyName(t.name), columns: [...t.primaryKey] } }
    : {};
  const uniqueConstraints = Object.fromEntries(plan.uniqueKeys.map((k) => [k.name, { name: k.name, nullsNotDistinct: false, columns: [...k.columns] }]));
  const policies = Object.fromEntries(
    plan.policies.map((p) => [
      p.name,
      {
        name: p.name,
        as: p.restrictive ? "RESTRICTIVE" : "PERMISSIVE",
        for: COMMANDS[p.command],
        to: [p.role === "signedIn" ? dialect.signedInRole : dialect.anonymousRole],
        ...(p.using !== null ? { using: p.using } : {}),
        ...(p.withCheck !== null ? { withCheck: p.withCheck } : {}),
      },
    ]),
  );
  void model;
  return {
    name: t.name,
    schema: "",
    columns,
    indexes,
    foreignKeys,
    compositePrimaryKeys,
    uniqueConstraints,
    policies,
    checkConstraints: {},
    isRLSEnabled: false,
  };
}

/** The snapshot's content without id and prevId, in drizzle-kit's key order. */
export function drizzleSnapshot(model: Model, plans: readonly TablePlan[], dialect: TargetDialect, cache?: CompileCache) {
  const key = cache ? dialectKey(dialect, cache) : "";
  return {
    version: "7",
    dialect: "postgresql",
    tables: Object.fromEntries(plans.map((p) => [`public.${p.table.name}`, planPart(cache, p, "snapshot", key, () => tableSnapshot(model, p, dialect))])),
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { schemas: {}, tables: {}, columns: {} },
  };
}

/** A uuid made from the text (FNV-1a, 128 bits), so the same snapshot always gets the same id. */
export function stableUuid(text: string): string {
  const words = [0x811c9dc5, 0x01000193, 0xdeadbeef, 0x12345678];
  for (const byte of new TextEncoder().encode(text)) {
    for (let i = 0; i < words.length; i++) words[i] = Math.imul(words[i]! ^ (byte + i), 0x01000193) >>> 0;
  }
  const hex = words.map((w) => w.toString(16).padStart(8, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type DrizzleSnapshot = ReturnType<typeof drizzleSnapshot>;

/** The snapshot file drizzle-kit would write after the migration at `idx`. */
export function snapshotFile(content: DrizzleSnapshot, idx: number, prevId: string): { path: string; contents: string; id: string } {
  const id = stableUuid(`${prevId}\n${JSON.stringify(content)}`);
  return { path: snapshotPath(idx), contents: JSON.stringify({ ...content, id, prevId }, null, 2) + "\n", id };
}

export function snapshotPath(idx: number): string {
  return `drizzle/meta/${String(idx).padStart(4, "0")}_snapshot.json`;
}

export const NO_SNAPSHOT_ID = "00000000-0000-0000-0000-000000000000";
