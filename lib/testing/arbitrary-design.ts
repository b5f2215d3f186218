import fc from "fast-check";
import { TARGETS, type Condition, type Design, type Table, type Target } from "../design";

/**
 * Random valid designs for property tests: every tenancy, firewall and access shape, every
 * condition operator, with ordinary and hostile names; and the shapes of spec section 4 (rule
 * lists, update columns, parent chains of depth 1-3, rows shared through a sharing table).
 */

const HOSTILE_NAMES = ['we"ird', "semi;colon", "dash--dash", "select", "Ñandú ✓", "x".repeat(63), "user", "order by", "$1"];

const name = (plain: string[]) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...plain) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) });

type ValueType = "text" | "integer" | "boolean" | "date" | "timestamptz" | "numeric" | "uuid";

const valueFor = (type: ValueType): fc.Arbitrary<string | number | boolean> => {
  switch (type) {
    case "integer":
      return fc.integer({ min: -5, max: 5 });
    case "numeric":
      return fc.constantFrom(0, 1.5, -2, 10);
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.constantFrom("2026-01-01", "2000-02-29");
    case "timestamptz":
      return fc.constantFrom("2026-01-01T00:00:00Z", "2025-06-30T12:30:00Z");
    case "uuid":
      return fc.constantFrom("7a000000-0000-4000-8000-000000000001", "11111111-2222-4333-8444-555555555555");
    default:
      return fc.constantFrom("draft", "published", "it's", "", "Z", "a b");
  }
};

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const cleanRules = <T extends object>(rules: T | T[] | undefined): T | T[] | undefined => (rules === undefined ? undefined : Array.isArray(rules) ? rules.map(clean) : clean(rules));

interface ColumnSpec {
  name: string;
  type: ValueType;
  notNull: boolean;
}

const OPS_BY_TYPE: Record<ValueType, Condition["op"][]> = {
  text: ["eq", "neq", "in", "notIn", "isNull", "isNotNull", "lt", "gte"],
  integer: ["eq", "neq", "in", "notIn", "lt", "lte", "gt", "gte", "isNull", "isNotNull"],
  numeric: ["eq", "lt", "gte", "in"],
  boolean: ["eq", "neq", "isNull"],
  date: ["eq", "lt", "gte", "isNotNull"],
  timestamptz: ["lt", "gt", "eq"],
  uuid: ["eq", "neq", "in", "isNull"],
};

function conditionArb(columns: ColumnSpec[], idColumns: string[], hasTenancy: boolean): fc.Arbitrary<Condition> {
  const literal = fc.constantFrom(...columns).chain((column) =>
    fc.constantFrom(...OPS_BY_TYPE[column.type]).chain((op): fc.Arbitrary<Condition> => {
      if (op === "isNull" || op === "isNotNull") return fc.constant({ column: column.name, op });
      if (op === "in" || op === "notIn") return fc.uniqueArray(valueFor(column.type), { minLength: 1, maxLength: 3 }).map((value) => ({ column: column.name, op, value }));
      return valueFor(column.type).map((value) => ({ column: column.name, op, value }));
    }),
  );
  if (idColumns.length === 0) return literal;
  const token = fc.record({
    column: fc.constantFrom(...idColumns),
    op: fc.constantFrom("eq" as const, "neq" as const),
    value: hasTenancy ? fc.constantFrom("$user", "$org") : fc.constant("$user"),
  });
  return fc.oneof({ weight: 3, arbitrary: literal }, { weight: 1, arbitrary: token });
}

function tableArb(tableName: string, tenancy: boolean, roles: string[], index: number): fc.Arbitrary<Table> {
  const subsetOfRoles = roles.length ? fc.option(fc.subarray(roles, { minLength: 1 }), { nil: undefined, freq: 3 }) : fc.constant(undefined);
  return fc
    .record({
      pkType: fc.constantFrom("uuid", "integer", "text"),
      orgType: fc.constantFrom("text", "uuid"),
      ownerName: name(["user_id", "owner_id", "author"]),
      extras: fc.uniqueArray(
        fc.record({ name: name(["status", "priority", "published", "due_on", "score", "starts_at", "ref"]), type: fc.constantFrom<ValueType>("text", "integer", "boolean", "date", "timestamptz", "numeric", "uuid"), notNull: fc.boolean() }),
        { maxLength: 3, selector: (c) => c.name },
      ),
      firewall: tenancy
        ? fc.constantFrom("public", "org", "owner", "org+owner", "org+optional", "optional")
        : fc.constantFrom("public", "owner"),
      ownerNullable: fc.boolean(),
    })
    .chain((shape) => {
      const extras = shape.extras.filter((c) => c.name !== shape.ownerName && c.name !== "organization_id" && c.name !== "id");
      const useOrg = shape.firewall.includes("org");
      const useOwner = shape.firewall !== "public" && shape.firewall !== "org";
      const idColumns = [...(useOrg ? ["organization_id"] : []), ...(useOwner ? [shape.ownerName] : [])];
      const ownerType: ValueType = index % 2 ? "uuid" : "text";
      const idSpecs: ColumnSpec[] = [
        ...(useOrg ? [{ name: "organization_id", type: shape.orgType as ValueType, notNull: true }] : []),
        ...(useOwner ? [{ name: shape.ownerName, type: ownerType, notNull: !shape.ownerNullable }] : []),
      ];
      const conditionColumns: ColumnSpec[] = [...extras, ...idSpecs];
      const condition = conditionColumns.length ? conditionArb(conditionColumns, idColumns, tenancy) : null;
      const conditions = condition ? fc.option(fc.array(condition, { maxLength: 2 }), { nil: undefined, freq: 2 }) : fc.constant(undefined);
      const changeable = [...idSpecs, ...extras].map((c) => c.name);
      const oneRule = (op: "select" | "insert" | "update" | "delete") =>
        fc.record({
          roles: subsetOfRoles,
          where: op === "insert" ? fc.constant(undefined) : conditions,
          check: op === "insert" || op === "update" ? conditions : fc.constant(undefined),
          columns: op === "update" && changeable.length ? fc.option(fc.subarray(changeable, { minLength: 1 }), { nil: undefined, freq: 3 }) : fc.constant(undefined),
        });
      // One rule, or (spec section 4) a list of which any may admit, the empty list included.
      const rule = (op: "select" | "insert" | "update" | "delete") =>
        fc.option(fc.oneof({ weight: 3, arbitrary: oneRule(op) }, { weight: 1, arbitrary: fc.array(oneRule(op), { maxLength: 2 }) }), { nil: undefined, freq: 3 });
      const bypass = roles.length ? fc.subarray(roles, { minLength: 1 }) : fc.constant([] as string[]);
      return fc
        .record({
          select: rule("select"),
          insert: rule("insert"),
          update: rule("update"),
          delete: rule("delete"),
          bypass,
          anonSelect: fc.option(fc.record({ where: conditions }), { nil: undefined, freq: 3 }),
          anonInsert: fc.option(fc.record({ check: conditions }), { nil: undefined, freq: 6 }),
        })
        .map((access): Table => {
          const firewall: Table["firewall"] =
            shape.firewall === "public"
              ? { public: true }
              : clean({
                  organization: useOrg ? { column: "organization_id" } : undefined,
                  owner: useOwner
                    ? shape.firewall.includes("optional")
                      ? { column: shape.ownerName, mode: "optional" as const, bypassRoles: access.bypass }
                      : { column: shape.ownerName }
                    : undefined,
                });
          const accessBlock = clean({
            select: cleanRules(access.select),
            insert: cleanRules(access.insert),
            update: cleanRules(access.update),
            delete: cleanRules(access.delete),
          });
          const anonymous = clean({ select: access.anonSelect && clean(access.anonSelect), insert: access.anonInsert && clean(access.anonInsert) });
          return clean({
            name: tableName,
            columns: [
              { name: "id", type: shape.pkType, primaryKey: true, ...(shape.pkType === "uuid" ? { default: "gen_random_uuid()" } : {}) },
              ...(useOrg ? [{ name: "organization_id", type: shape.orgType, notNull: true }] : []),
              ...(useOwner ? [{ name: shape.ownerName, type: ownerType, notNull: !shape.ownerNullable }] : []),
              ...extras.map((c) => ({ name: c.name, type: c.type, notNull: c.notNull })),
            ],
            firewall,
            access: accessBlock,
            anonymous: Object.keys(anonymous).length ? anonymous : undefined,
          });
        });
    });
}

/** Random valid designs for one target (all targets when none is given). */
export function arbitraryDesignFor(target?: Target): fc.Arbitrary<Design> {
  return fc.record({ design: designArb, target: target ? fc.constant(target) : fc.constantFrom(...TARGETS), claimPaths: fc.boolean(), postgresRoles: fc.boolean() }).map(
    ({ design, target: chosen, claimPaths, postgresRoles }): Design => {
      const out: Design = { ...design, target: chosen };
      if (claimPaths && out.auth.tenancy?.source === "claims") out.auth = { ...out.auth, tenancy: { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "rol"] } };
      if (chosen === "postgres" && postgresRoles) out.postgres = { signedInRole: "web user", anonymousRole: "web_anon" };
      if (chosen === "neon" && claimPaths) out.neon = { tokenVia: "serverless-driver" };
      return out;
    },
  );
}

const designArb: fc.Arbitrary<Design> = fc
  .record({
    tenancy: fc.constantFrom("none", "claims", "tables"),
    roles: fc.uniqueArray(name(["owner", "admin", "member", "viewer", "billing"]), { minLength: 1, maxLength: 4 }),
    tableNames: fc.uniqueArray(name(["todos", "projects", "documents", "posts", "notes"]), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ tenancy, roles, tableNames }) => {
    const hasTenancy = tenancy !== "none";
    const names = tableNames.filter((n) => n !== "members" && n !== "user_sessions");
    const designRoles = hasTenancy ? roles : [];
    return fc
      .record({
        tables: fc.tuple(...names.map((n, i) => tableArb(n, hasTenancy, designRoles, i))),
        parentDepth: fc.constantFrom(0, 0, 0, 1, 2, 3),
        children: fc.array(childAccessArb(designRoles), { minLength: 3, maxLength: 3 }),
        sharing: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.subarray(["select", "update", "delete"] as const, { minLength: 1 }) }),
      })
      .map(({ tables, parentDepth, children, sharing }): Design => ({
        version: 1,
        name: "property",
        target: "neon",
        auth: {
          provider: "custom",
          ...(tenancy === "claims" ? { tenancy: { source: "claims" as const, orgClaim: "org_id", roleClaim: "org_role" } } : {}),
          ...(tenancy === "tables" ? { tenancy: { source: "tables" as const } } : {}),
        },
        ...(hasTenancy ? { roles } : {}),
        tables: withShapes(tables, parentDepth, children, sharing),
      }));
  });

type Operation = "select" | "insert" | "update" | "delete";
type ChildAccess = Partial<Record<Operation, { roles?: string[] } | { roles?: string[] }[]>>;

/** A child's access: who may do what, as one rule or a list, without conditions of its own. */
function childAccessArb(roles: string[]): fc.Arbitrary<ChildAccess> {
  const roleRule = fc.record({ roles: roles.length ? fc.option(fc.subarray(roles, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined) }).map(clean);
  const rules = fc.option(fc.oneof({ weight: 3, arbitrary: roleRule }, { weight: 1, arbitrary: fc.array(roleRule, { maxLength: 2 }) }), { nil: undefined, freq: 4 });
  return fc.record({ select: rules, insert: rules, update: rules, delete: rules }).map(clean);
}

/**
 * Spec section 4 on top of the generated tables: a chain of children whose tenancy comes from
 * the first table through foreign keys (depth 0-3), and a sharing table through which some of
 * the first table's operations also admit rows shared with the user.
 */
function withShapes(tables: Table[], parentDepth: number, children: ChildAccess[], sharing: readonly Operation[] | undefined): Table[] {
  const root = tables[0];
  if (!root) return tables;
  const keyType = (t: Table) => t.columns.find((c) => c.primaryKey)!.type;
  const out = [...tables];
  let parent = root;
  for (let depth = 1; depth <= parentDepth; depth++) {
    const child: Table = {
      name: `child_${depth}`,
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "parent_ref", type: keyType(parent), notNull: true, references: { table: parent.name, column: "id", onDelete: "cascade" } },
        { name: "body", type: "text" },
      ],
      firewall: { parent: { column: "parent_ref" } },
      access: children[depth - 1] ?? {},
    };
    out.push(child);
    parent = child;
  }
  if (sharing) {
    out.push({
      name: "shares",
      columns: [
        { name: "row_ref", type: keyType(root), primaryKey: true, references: { table: root.name, column: "id", onDelete: "cascade" } },
        { name: "user_id", type: "text", primaryKey: true },
      ],
      firewall: { parent: { column: "row_ref" } },
      access: { select: { where: [{ column: "user_id", op: "eq", value: "$user" }] }, insert: {} },
    });
    const sharedVia = { table: "shares", row: "row_ref", user: "user_id" };
    const access = { ...root.access };
    for (const op of sharing) {
      const existing = access[op];
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      access[op] = [...list, { sharedVia }];
    }
    out[0] = { ...root, access };
  }
  return out;
}

export const arbitraryDesign: fc.Arbitrary<Design> = arbitraryDesignFor();
