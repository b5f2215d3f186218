import type { ColumnType, ConditionOp, NeonTokenPath, Operation, Provider, Target } from "./schema";
import type { DefaultExpr } from "./defaults";
import type { Token } from "./literals";

/**
 * The design after validation: every default filled in, every name checked, every type known.
 * Each output (SQL, schema.ts, the verification oracle) reads this, never the raw file.
 */
export interface Model {
  readonly name: string;
  readonly target: Target;
  readonly provider: Provider;
  readonly jwksUrl: string | null;
  readonly tenancy: ModelTenancy | null;
  readonly roles: readonly string[];
  readonly neonTokenVia: NeonTokenPath;
  /** The database roles; their names depend on the target (and on the design for plain PostgreSQL). */
  readonly databaseRoles: { readonly signedIn: string; readonly anonymous: string };
  /** FORCE ROW LEVEL SECURITY: the tables' owner obeys the policies as well (not the membership tables the helpers read). */
  readonly forceRowLevelSecurity: boolean;
  /** The design's tables, then the membership tables the bundle creates for `tables` tenancy. */
  readonly tables: readonly ModelTable[];
}

export type ModelTenancy =
  | { readonly source: "claims"; readonly orgClaim: ClaimPath; readonly roleClaim: ClaimPath }
  | {
      readonly source: "tables";
      readonly membership: { readonly table: string; readonly user: string; readonly org: string; readonly role: string };
      readonly activeOrg: { readonly table: string; readonly user: string; readonly org: string };
    };

/** Keys from the top of the token's claims down to the value, e.g. ["org_id"] or ["o", "id"]. */
export type ClaimPath = readonly string[];

export interface ModelColumn {
  /** The stable id: the design's `id`, or the name when it has none. Versions match columns by it. */
  readonly key: string;
  readonly name: string;
  readonly type: ColumnType;
  readonly primaryKey: boolean;
  readonly notNull: boolean;
  readonly default: DefaultExpr | null;
  readonly references: ModelReference | null;
}

export interface ModelReference {
  readonly table: string;
  readonly column: string;
  readonly onDelete: string | null;
  /**
   * Set when both tables have an organization firewall (and the design did not say
   * `crossOrganization`): the foreign key then includes the organization columns, so a row can only
   * reference a parent of its own organization, and deletes never cascade into another tenant.
   */
  readonly sameOrganization: { readonly column: string; readonly parentColumn: string } | null;
}

export type ConditionValue = string | number | boolean | Token | readonly (string | number | boolean)[] | null;

export interface ModelCondition {
  readonly column: string;
  readonly op: ConditionOp;
  /** null for isNull/isNotNull; an array for in/notIn; a scalar or token otherwise. */
  readonly value: ConditionValue;
}

export type ModelFirewall =
  | { readonly kind: "public" }
  /**
   * Spec §4: the row passes when its `column` is not NULL and the parent row it references (by
   * the parent's primary key `parentColumn`) exists and passes the parent's firewall.
   */
  | { readonly kind: "parent"; readonly column: string; readonly table: string; readonly parentColumn: string }
  | {
      readonly kind: "isolated";
      readonly organization: string | null;
      readonly owner: { readonly column: string; readonly mode: "required" | "optional"; readonly bypassRoles: readonly string[] } | null;
    };

export interface ModelAccessRule {
  /** null: every signed-in user who passes the firewall. */
  readonly roles: readonly string[] | null;
  readonly where: readonly ModelCondition[];
  readonly check: readonly ModelCondition[];
  /** Spec §4: admits rows shared with the user through a sharing table; null when the rule has none. */
  readonly sharedVia: ModelSharedVia | null;
  /** Spec §4, update only: the columns the rule lets change; null: any column. */
  readonly columns: readonly string[] | null;
}

export interface ModelSharedVia {
  readonly table: string;
  /** The sharing table's column holding the shared row's key (the shared table's single-column primary key). */
  readonly row: string;
  /** The sharing table's column holding the user the row is shared with. */
  readonly user: string;
}

/** The rules of one operation (spec §4): any of them admits; none (or an empty list) allows nothing. */
export type ModelAccessRules = readonly ModelAccessRule[];

export interface ModelTable {
  /** The stable id: the design's `id`, or the name when it has none. Versions match tables by it, so a rename is a rename. */
  readonly key: string;
  readonly name: string;
  readonly columns: readonly ModelColumn[];
  readonly primaryKey: readonly string[];
  readonly firewall: ModelFirewall;
  readonly access: Readonly<Partial<Record<Operation, ModelAccessRules>>>;
  readonly anonymous: {
    readonly select: { readonly where: readonly ModelCondition[] } | null;
    readonly insert: { readonly check: readonly ModelCondition[] } | null;
  };
  /** Set on the membership tables the bundle adds for `tables` tenancy. */
  readonly generatedFor: "membership" | "activeOrg" | null;
  /** Spec §5, adopting: the table exists already; the bundle does not create it or its keys. */
  readonly existing?: boolean;
}

export function columnOf(table: ModelTable, name: string): ModelColumn {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`internal: no column ${name} in ${table.name}`);
  return column;
}
