import fc from "fast-check";
import { TARGETS, type Condition, type Design, type Table, type Target } from "../design";

/**
 * Random valid designs for property tests: every tenancy, firewall and access shape, every
 * condition operator, with ordinary and hostile names.
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
      const rule = (op: "select" | "insert" | "update" | "delete") =>
        fc.option(
          fc.record({ roles: subsetOfRoles, where: op === "insert" ? fc.constant(undefined) : conditions, check: op === "insert" || op === "update" ? conditions : fc.constant(undefined) }),
          { nil: undefined, freq: 3 },
        );
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
          const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
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
            select: access.select && clean(access.select),
            insert: access.insert && clean(access.insert),
            update: access.update && clean(access.update),
            delete: access.delete && clean(access.delete),
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
    return fc.tuple(...names.map((n, i) => tableArb(n, hasTenancy, hasTenancy ? roles : [], i))).map((tables): Design => ({
      version: 1,
      name: "property",
      target: "neon",
      auth: {
        provider: "custom",
        ...(tenancy === "claims" ? { tenancy: { source: "claims" as const, orgClaim: "org_id", roleClaim: "org_role" } } : {}),
        ...(tenancy === "tables" ? { tenancy: { source: "tables" as const } } : {}),
      },
      ...(hasTenancy ? { roles } : {}),
      tables,
    }));
  });

export const arbitraryDesign: fc.Arbitrary<Design> = arbitraryDesignFor();
