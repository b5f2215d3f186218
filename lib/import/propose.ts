import { BASE_COLUMN_TYPES, PROVIDER_PRESETS, validateDesign, type Column, type Design, type Provider, type Table, type Target } from "../design";
import type { Catalog, CatalogColumn, CatalogPolicy, CatalogTable } from "./catalog";

/** One guess or loss the user must review, with where it lands in the design file. */
export interface ImportWarning {
  readonly path: string;
  readonly message: string;
}

export interface ImportResult {
  readonly design: Design;
  readonly warnings: readonly ImportWarning[];
  /** Policies already on the tables, verbatim: the design does not produce them; adoption lists them and drops them only when confirmed. */
  readonly existingPolicies: readonly (CatalogPolicy & { readonly table: string })[];
}

export interface ImportOptions {
  readonly name?: string;
  readonly target?: Target;
  readonly provider?: Provider;
}

const ORG_COLUMNS = ["organization_id", "org_id", "tenant_id", "organizationId", "orgId", "tenantId", "workspace_id", "workspaceId", "team_id", "teamId"];
/** Auth libraries' own tables (Better Auth, Auth.js, Lucia...): tokens, password hashes, keys. */
const CREDENTIAL_TABLES = /^(accounts?|sessions?|verifications?|verification_tokens?|jwks|two_factors?|twoFactor|passkeys?|api_?keys?|apikey|auth_.*)$/i;
const OWNER_COLUMNS = ["user_id", "owner_id", "author_id", "userId", "ownerId", "authorId", "created_by", "createdBy"];

/** PostgreSQL's spelling of a type, as the design writes it; null when the model lacks it (then it is kept verbatim). */
export function designType(type: string): string | null {
  const array = type.endsWith("[]");
  const base = array ? type.slice(0, -2) : type;
  const spelled: Record<string, string> = {
    "character varying": "varchar",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
  };
  const name = spelled[base] ?? base;
  if (!(BASE_COLUMN_TYPES as readonly string[]).includes(name) || type.endsWith("[][]")) return null;
  return array ? `${name}[]` : name;
}

/** A default as the design's safe set writes it (`'draft'::text` is `'draft'`); else the text as PostgreSQL prints it. */
function designDefault(expr: string): string {
  const literal = /^('(?:[^']|'')*')::[a-z ]+(\[\])?$/i.exec(expr);
  if (literal) return literal[1]!;
  if (/^CURRENT_TIMESTAMP$/i.test(expr)) return "now()";
  const number = /^\(?(-?\d+(?:\.\d+)?)\)?(?:::[a-z ]+)?$/i.exec(expr);
  if (number) return number[1]!;
  return expr;
}

/**
 * Spec §5, adopting: a design for the tables of a catalog. Every table is marked `existing`;
 * columns, keys and references are the database's; the firewall and access are guesses from the
 * column names and foreign keys, each one a warning to review. The design is validated here, so
 * an import never writes a file that `compile` would refuse.
 */
export function proposeDesign(catalog: Catalog, options: ImportOptions = {}): ImportResult {
  const warnings: ImportWarning[] = [];
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const provider = options.provider ?? "custom";
  const withOrg = (t: CatalogTable) => ORG_COLUMNS.find((name) => t.columns.some((c) => c.name === name));
  const tenancy = catalog.tables.some((t) => t.primaryKey.length > 0 && withOrg(t));
  // The provider keeps memberships in tables (Better Auth's member and session): when they are here, the policies read them.
  const preset = PROVIDER_PRESETS[provider].tenancy;
  const presetTables =
    preset?.source === "tables" &&
    preset.membership &&
    preset.activeOrg &&
    [preset.membership.table, preset.activeOrg.table].every((name) => catalog.tables.some((t) => t.name === name && t.primaryKey.length > 0))
      ? preset
      : null;

  // The model needs a primary key per table: a table without one is left out (and untouched), with a warning.
  for (const t of catalog.tables) {
    if (t.primaryKey.length === 0) warn(`(${t.name})`, `table ${t.name} has no primary key, so it is left out of the design (and untouched); add one (ALTER TABLE ... ADD PRIMARY KEY) and import again`);
  }
  const keyed = catalog.tables.filter((t) => t.primaryKey.length > 0);
  const inSchema = new Map(keyed.map((t) => [t.name, t]));
  const tables: Table[] = keyed.map((t, i) => {
    const path = `tables[${i}]`;
    const columns: Column[] = t.columns.map((c, j) => columnFor(t, c, `${path}.columns[${j}]`, catalog.schema, inSchema, warn));
    const table: Table = { name: t.name, existing: true, columns };
    // The organizations table itself: a member sees the row of their active organization.
    const org = withOrg(t) ?? (tenancy && /^(organization|organizations|orgs|tenants?|workspaces?|teams?)$/i.test(t.name) && t.primaryKey.length === 1 ? t.primaryKey[0] : undefined);
    const owner = OWNER_COLUMNS.find((name) => t.columns.some((c) => c.name === name)) ?? t.foreignKeys.find((k) => k.columns.length === 1 && `${k.refSchema}.${k.refTable}` === "auth.users")?.columns[0];
    if (org || owner) {
      table.firewall = {
        ...(org ? { organization: { column: org } } : {}),
        ...(owner && !org ? { owner: { column: owner } } : {}),
      };
      const what = org ? `organization column ${org}` : `owner column ${owner}`;
      if (CREDENTIAL_TABLES.test(t.name)) {
        // Sessions, accounts and keys hold tokens and password hashes: nobody gets them through the API unless the user says so.
        warn(`${path}.firewall`, `guessed from the ${what}: rows of ${t.name} are isolated by it; ${t.name} holds credentials or tokens, so no access is proposed (add what your API needs)`);
      } else {
        table.access = { select: {}, insert: {}, update: {}, delete: {} };
        warn(`${path}.firewall`, `guessed from the ${what}: rows of ${t.name} are isolated by it; every signed-in user who passes it may select, insert, update and delete (review access)`);
      }
      if (org && owner) warn(`${path}.firewall`, `${t.name} also has ${owner}: add "owner": { "column": "${owner}" } if rows belong to their author`);
    } else {
      table.firewall = { public: true };
      warn(`${path}.firewall`, `no organization or owner column in ${t.name}: proposed "public" with no access, so nobody may read or write it through the policies until you allow it`);
    }
    for (const p of t.policies) {
      warn(`${path}`, `existing policy ${p.name} (${p.permissive ? "permissive" : "restrictive"} ${p.command} to ${p.roles.join(", ")}${p.using ? ` USING (${p.using})` : ""}${p.withCheck ? ` WITH CHECK (${p.withCheck})` : ""}) is not in the design: apply lists it and drops it only with --drop-foreign-policies`);
    }
    for (const g of t.grants) {
      if (g.grantee !== t.owner) warn(`${path}`, `${g.grantee} holds ${g.privileges.join(", ")} on ${t.name}; the bundle grants what the design needs to its own roles and leaves this grant as it is`);
    }
    if (t.rlsEnabled) warn(`${path}`, `row-level security is already enabled on ${t.name}${t.rlsForced ? " and forced" : ""}`);
    for (const u of t.uniques) warn(`${path}`, `unique constraint ${u.name} (${u.columns.join(", ")}) stays in the database; the design does not list unique keys`);
    return table;
  });

  let design: Design = {
    version: 1,
    name: options.name ?? catalog.schema,
    target: options.target ?? "postgres",
    auth: { provider, ...(presetTables ? { tenancy: presetTables } : tenancy ? { tenancy: { source: "claims" } } : {}) },
    ...(tenancy ? { roles: ["owner", "admin", "member"] } : {}),
    tables,
  } as Design;
  if (presetTables) warn("auth.tenancy", `memberships from ${PROVIDER_PRESETS[provider].label}'s own tables (${presetTables.membership!.table}, ${presetTables.activeOrg!.table}), as its preset reads them; roles proposed: owner, admin, member`);
  else if (tenancy) warn("auth.tenancy", `organization columns found: tenancy from the token's claims (org_id, org_role) proposed; set your provider's claims, or "source": "tables"`);

  // What validation still refuses is dropped from the proposal (with the reason), never written half-valid.
  for (let round = 0; round < 5; round++) {
    const result = validateDesign(design);
    if (result.ok) break;
    const next = structuredClone(design) as Design;
    let changed = false;
    for (const problem of result.problems) {
      const ref = /^tables\[(\d+)\]\.columns\[(\d+)\]\.references/.exec(problem.path);
      const firewall = /^tables\[(\d+)\]\.firewall/.exec(problem.path);
      if (ref) {
        const column = next.tables[Number(ref[1])]!.columns[Number(ref[2])]!;
        if (column.references) {
          warn(problem.path, `reference left out of the design (${problem.message}); the foreign key stays in the database`);
          delete column.references;
          changed = true;
        }
      } else if (firewall) {
        const table = next.tables[Number(firewall[1])]!;
        warn(problem.path, `firewall guess left out (${problem.message}): proposed "public" with no access`);
        table.firewall = { public: true };
        delete table.access;
        changed = true;
      }
    }
    if (!changed) break;
    design = next;
  }
  return { design, warnings, existingPolicies: catalog.tables.flatMap((t) => t.policies.map((p) => ({ ...p, table: t.name }))) };
}

function columnFor(t: CatalogTable, c: CatalogColumn, path: string, schema: string, inSchema: Map<string, CatalogTable>, warn: (path: string, message: string) => void): Column {
  const type = designType(c.type);
  if (type === null) warn(`${path}.type`, `${t.name}.${c.name} is ${c.type}, which the model lacks: kept as it is`);
  const column: Column = { name: c.name, type: type ?? c.type };
  if (t.primaryKey.includes(c.name)) column.primaryKey = true;
  if (c.notNull && !column.primaryKey) column.notNull = true;
  if (c.identity) warn(`${path}`, `${t.name}.${c.name} is an identity column (GENERATED ${c.identity === "a" ? "ALWAYS" : "BY DEFAULT"}): it stays so in the database`);
  if (c.generated) warn(`${path}`, `${t.name}.${c.name} is a generated column: it stays so in the database`);
  if (c.default !== null && !c.identity && !c.generated) {
    column.default = designDefault(c.default);
    if (!/^(now\(\)|gen_random_uuid\(\)|'(?:[^']|'')*'|-?\d+(\.\d+)?|true|false|null)$/i.test(column.default)) {
      warn(`${path}.default`, `default ${c.default} of ${t.name}.${c.name} is outside the design's safe set: it stays in the database as it is, and the bundle never emits it`);
    }
  }
  const fk = t.foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === c.name);
  if (fk) {
    const target = fk.refSchema === schema ? inSchema.get(fk.refTable) : undefined;
    if (target) {
      const onDelete = fk.onDelete === "set default" ? undefined : fk.onDelete;
      // The existing key does not include the organization; saying so keeps the design true to the database.
      column.references = { table: fk.refTable, column: fk.refColumns[0]!, ...(onDelete && onDelete !== "no action" ? { onDelete: onDelete as "cascade" } : {}), crossOrganization: true };
    } else {
      warn(`${path}.references`, `${t.name}.${c.name} references ${fk.refSchema}.${fk.refTable}(${fk.refColumns.join(", ")}), outside the imported schema: the foreign key stays in the database, not in the design`);
    }
  }
  for (const k of t.foreignKeys) {
    if (k.columns.length > 1 && k.columns[0] === c.name) warn(`${path}.references`, `foreign key ${k.name} (${k.columns.join(", ")}) has several columns: it stays in the database, not in the design`);
  }
  return column;
}

