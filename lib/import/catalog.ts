import type { Session } from "../db";

/**
 * What PostgreSQL's catalogs say about the tables of one schema, read as they are (types and
 * defaults as PostgreSQL prints them). Import, lint and adoption all start from this.
 */
export interface Catalog {
  readonly schema: string;
  readonly serverVersion: string;
  readonly tables: readonly CatalogTable[];
}

export interface CatalogTable {
  readonly name: string;
  readonly owner: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly columns: readonly CatalogColumn[];
  readonly primaryKey: readonly string[];
  readonly uniques: readonly { readonly name: string; readonly columns: readonly string[] }[];
  readonly foreignKeys: readonly CatalogForeignKey[];
  readonly policies: readonly CatalogPolicy[];
  /** Privileges per grantee ("PUBLIC" for the pseudo-role). */
  readonly grants: readonly { readonly grantee: string; readonly privileges: readonly string[] }[];
  /** Indexes, each as its leading columns (for "is this column indexed"). */
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

export interface CatalogColumn {
  readonly name: string;
  /** As format_type prints it: `timestamp with time zone`, `character varying(255)`, `citext`. */
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
  /** `a` (always) or `d` (by default) for identity columns, null otherwise. */
  readonly identity: string | null;
  readonly generated: boolean;
}

export interface CatalogForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refSchema: string;
  readonly refTable: string;
  readonly refColumns: readonly string[];
  /** `cascade`, `restrict`, `set null`, `set default` or `no action`. */
  readonly onDelete: string;
}

export interface CatalogPolicy {
  readonly name: string;
  readonly permissive: boolean;
  /** `ALL`, `SELECT`, `INSERT`, `UPDATE`, `DELETE`. */
  readonly command: string;
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

export class CatalogError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const ON_DELETE: Record<string, string> = { a: "no action", r: "restrict", c: "cascade", n: "set null", d: "set default" };

// Arrays come back as text ('{a,b}') from some drivers and as arrays from others: ask for JSON.
const TABLES = `
select c.oid::pg_catalog.int8::pg_catalog.text as oid, c.relname as name, pg_catalog.pg_get_userbyid(c.relowner) as owner,
       c.relrowsecurity as rls, c.relforcerowsecurity as forced,
       coalesce((select pg_catalog.json_agg(pg_catalog.json_build_object('grantee', case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end, 'privilege', a.privilege_type))
                 from pg_catalog.aclexplode(c.relacl) a), '[]'::pg_catalog.json)::pg_catalog.text as grants
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition
order by c.relname`;

const COLUMNS = `
select a.attrelid::pg_catalog.int8::pg_catalog.text as oid, a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull as not_null, pg_catalog.pg_get_expr(d.adbin, d.adrelid) as "default",
       nullif(a.attidentity, '') as identity, a.attgenerated <> '' as generated
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum`;

const CONSTRAINTS = `
select k.conrelid::pg_catalog.int8::pg_catalog.text as oid, k.conname as name, k.contype as kind,
       (select pg_catalog.json_agg(a.attname order by u.ord) from pg_catalog.unnest(k.conkey) with ordinality u(num, ord)
          join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.num)::pg_catalog.text as columns,
       rn.nspname as ref_schema, r.relname as ref_table,
       (select pg_catalog.json_agg(a.attname order by u.ord) from pg_catalog.unnest(k.confkey) with ordinality u(num, ord)
          join pg_catalog.pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.num)::pg_catalog.text as ref_columns,
       k.confdeltype as on_delete
from pg_catalog.pg_constraint k
join pg_catalog.pg_class c on c.oid = k.conrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_class r on r.oid = k.confrelid left join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
where n.nspname = $1 and k.contype in ('p', 'u', 'f')
order by k.conrelid, k.conname`;

const POLICIES = `
select p.polrelid::pg_catalog.int8::pg_catalog.text as oid, p.polname as name, p.polpermissive as permissive,
       case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end as command,
       (select pg_catalog.json_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end order by 1) from pg_catalog.unnest(p.polroles) r)::pg_catalog.text as roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid) as using, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check
from pg_catalog.pg_policy p
join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
order by p.polrelid, p.polname`;

const INDEXES = `
select i.indrelid::pg_catalog.int8::pg_catalog.text as oid, ic.relname as name,
       (select pg_catalog.json_agg(a.attname order by u.ord) from pg_catalog.unnest(i.indkey::pg_catalog.int2[]) with ordinality u(num, ord)
          join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.num)::pg_catalog.text as columns
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class c on c.oid = i.indrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
order by i.indrelid, ic.relname`;

type Row = Record<string, unknown>;
const json = <T>(value: unknown, empty: T): T => (value === null || value === undefined ? empty : (JSON.parse(String(value)) as T));

/**
 * Reads one schema's tables. Only the catalogs are read (no rows), in one read-only snapshot
 * where the connection allows it. Fails with a CatalogError that says what to do when the schema
 * is missing or the role may not use it.
 */
export async function readCatalog(db: Session, schema = "public"): Promise<Catalog> {
  const found = await db.query<{ usable: boolean | null; version: string }>(
    `select (select pg_catalog.has_schema_privilege(n.oid, 'USAGE') from pg_catalog.pg_namespace n where n.nspname = $1) as usable,
            pg_catalog.current_setting('server_version') as version`,
    [schema],
  );
  const { usable, version } = found.rows[0]!;
  if (usable === null) {
    const schemas = await db.query<{ nspname: string }>(
      `select nspname from pg_catalog.pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1`,
    );
    throw new CatalogError(`there is no schema "${schema}" in this database`, `choose one of: ${schemas.rows.map((r) => r.nspname).join(", ") || "(none)"} (--schema NAME)`);
  }
  if (!usable) {
    throw new CatalogError(`the role you connect as may not use schema "${schema}" (no USAGE privilege)`, `connect as the schema's owner, or: GRANT USAGE ON SCHEMA ${JSON.stringify(schema)} TO <your role>;`);
  }
  const [tables, columns, constraints, policies, indexes] = [
    await db.query<Row>(TABLES, [schema]),
    await db.query<Row>(COLUMNS, [schema]),
    await db.query<Row>(CONSTRAINTS, [schema]),
    await db.query<Row>(POLICIES, [schema]),
    await db.query<Row>(INDEXES, [schema]),
  ];
  const of = (rows: Row[], oid: unknown) => rows.filter((r) => r.oid === oid);
  return {
    schema,
    serverVersion: version,
    tables: tables.rows.map((t) => {
      const cons = of(constraints.rows, t.oid);
      const grants = new Map<string, string[]>();
      for (const g of json<{ grantee: string; privilege: string }[]>(t.grants, [])) {
        grants.set(g.grantee, [...(grants.get(g.grantee) ?? []), g.privilege]);
      }
      return {
        name: String(t.name),
        owner: String(t.owner),
        rlsEnabled: t.rls === true,
        rlsForced: t.forced === true,
        columns: of(columns.rows, t.oid).map((c) => ({
          name: String(c.name),
          type: String(c.type),
          notNull: c.not_null === true,
          default: c.default === null ? null : String(c.default),
          identity: c.identity === null ? null : String(c.identity),
          generated: c.generated === true,
        })),
        primaryKey: json<string[]>(cons.find((k) => k.kind === "p")?.columns, []),
        uniques: cons.filter((k) => k.kind === "u").map((k) => ({ name: String(k.name), columns: json<string[]>(k.columns, []) })),
        foreignKeys: cons
          .filter((k) => k.kind === "f")
          .map((k) => ({
            name: String(k.name),
            columns: json<string[]>(k.columns, []),
            refSchema: String(k.ref_schema),
            refTable: String(k.ref_table),
            refColumns: json<string[]>(k.ref_columns, []),
            onDelete: ON_DELETE[String(k.on_delete)] ?? "no action",
          })),
        policies: of(policies.rows, t.oid).map((p) => ({
          name: String(p.name),
          permissive: p.permissive === true,
          command: String(p.command),
          roles: json<string[]>(p.roles, []),
          using: p.using === null ? null : String(p.using),
          withCheck: p.with_check === null ? null : String(p.with_check),
        })),
        grants: [...grants].map(([grantee, privileges]) => ({ grantee, privileges: privileges.sort() })).sort((a, b) => a.grantee.localeCompare(b.grantee)),
        indexes: of(indexes.rows, t.oid).map((i) => ({ name: String(i.name), columns: json<string[]>(i.columns, []) })),
      };
    }),
  };
}
