import { quoteIdent, sqlLiteral, type Model, type ModelTable } from "../design";
import { planTables } from "../compiler/plan";
import { forcesRowLevelSecurity } from "../compiler/sql";
import { dialectFor } from "../targets";
import { commentText } from "../targets/file-text";
import { mayDo, type Context, type Row, type Value } from "./oracle";
import { claimsSetting, effectiveContext, principalsFor } from "./principals";
import { isMembershipTable, keyExpression, membershipRows, ownInsertCandidates, param } from "./run";
import { qualifiedKey } from "./batch";
import { failingAssignment, firstLeaving, generateSamples, literalsOf, passingAssignment } from "./samples";

/**
 * The verify matrix as a pgTAP file (`tests/rls.test.sql`): the same principals, sample rows and
 * statements verify runs (lib/verify/run.ts), with what the meaning (oracle.ts) expects of each,
 * so that any CI can prove an applied design with `pg_prove` or `supabase test db`. Everything
 * happens inside one transaction that is rolled back; each statement runs as its principal inside
 * a plpgsql block (a subtransaction) that is rolled back too, as verify's savepoints are.
 *
 * Without a database to read the policies from, the literals verify would read from pg_policy
 * come from the compiled policies; the samples are otherwise verify's own. Pure and deterministic.
 */

export const PGTAP_PATH = "tests/rls.test.sql";
/** `supabase test db` runs the files in supabase/tests. */
export const SUPABASE_PGTAP_PATH = "supabase/tests/rls.test.sql";

/** The schema of the test's own helpers, created and dropped with the transaction. */
const SCHEMA = "rlsd_test";
const DENIED = "refused (42501)";

interface Test {
  readonly sql: string;
}

const table = (name: string) => `public.${quoteIdent(name)}`;
const literal = (text: string) => sqlLiteral(text);

/** A value as the typed SQL literal verify passes as a parameter (`$1::type`). */
function valueSql(value: Value, type: string): string {
  const text = param(value);
  return `${text === null ? "NULL" : literal(text)}::${type}`;
}

function setSql(t: ModelTable, assignment: Readonly<Record<string, Value>>): string {
  return `UPDATE ${table(t.name)} SET ${Object.entries(assignment)
    .map(([c, v]) => `${quoteIdent(c)} = ${valueSql(v, t.columns.find((x) => x.name === c)!.type)}`)
    .join(", ")}`;
}

function insertSql(t: ModelTable, row: Row): string {
  return `INSERT INTO ${table(t.name)} (${t.columns.map((c) => quoteIdent(c.name)).join(", ")}) VALUES (${t.columns.map((c) => valueSql(row[c.name], c.type)).join(", ")})`;
}

/** What the helper returns for a set of sample rows (their numbers in the table, 1-based). */
function rowsText(numbers: readonly number[]): string {
  return numbers.length === 0 ? "no rows" : `rows ${[...numbers].sort((a, b) => a - b).join(" ")}`;
}

const NOTHING = `^(no rows|refused \\(42501\\))$`;

const HELPERS = (signedIn: string, anonymous: string) => `CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${SCHEMA}.sample_rows (tbl text NOT NULL, n integer NOT NULL, k text NOT NULL);

-- The sample rows' numbers among keys (as verify names rows: the primary key as JSON text).
CREATE FUNCTION ${SCHEMA}.numbers(_table text, _keys text[]) RETURNS text LANGUAGE sql AS $f$
  SELECT CASE WHEN pg_catalog.count(*) OPERATOR(pg_catalog.=) 0 THEN 'no rows'
    ELSE 'rows ' OPERATOR(pg_catalog.||) pg_catalog.string_agg(coalesce(s.n::pg_catalog.text, '?'), ' ' ORDER BY s.n) END
    FROM pg_catalog.unnest(_keys) AS u(key) LEFT JOIN ${SCHEMA}.sample_rows s ON s.tbl OPERATOR(pg_catalog.=) _table AND s.k OPERATOR(pg_catalog.=) u.key
$f$;

-- Runs _sql as _role with the claims _claims and says what it did: which sample rows it saw
-- (select), deleted or changed (a new row version), 'inserted', or the refusal. The block is a
-- subtransaction that is always rolled back, so nothing the statement did remains. With _only,
-- the table's other rows are deleted first (as the tables' owner, inside the block), so the
-- statement meets those rows alone, as verify does to see USING and WITH CHECK each alone.
-- _key is the row's key over the alias a, every name qualified: after the statement, which may
-- have left a search_path or TEMP types (a pg_temp.text domain) behind until the block rolls
-- back, the function restores search_path, checks role and session, and reads by qualified names.
CREATE FUNCTION ${SCHEMA}.outcome(_table text, _key text, _role text, _claims text, _odd boolean, _kind text, _sql text, _only integer[] DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
  _me text := pg_catalog.current_setting('role');
  _session text := SESSION_USER;
  _path text := pg_catalog.current_setting('search_path');
  _keys text[];
  _versions text[];
  _seen text[];
  _result text;
  -- Set by this function alone: a policy function or trigger that raises RLSD0 itself cannot pass for a result.
  _done boolean := false;
BEGIN
  BEGIN
    IF _only IS NOT NULL THEN
      EXECUTE pg_catalog.format('DELETE FROM %s AS a WHERE NOT (%s OPERATOR(pg_catalog.=) ANY ($1))', _table, _key)
        USING (SELECT coalesce(pg_catalog.array_agg(k), '{}') FROM ${SCHEMA}.sample_rows WHERE tbl OPERATOR(pg_catalog.=) _table AND n OPERATOR(pg_catalog.=) ANY (_only));
    END IF;
    EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(%s ORDER BY a.ctid), pg_catalog.array_agg(a.ctid::pg_catalog.text ORDER BY a.ctid) FROM %s AS a', _key, _table) INTO _keys, _versions;
    PERFORM pg_catalog.set_config('role', _role, true), pg_catalog.set_config('request.jwt.claims', _claims, true);
    IF _kind OPERATOR(pg_catalog.=) 'select' THEN
      EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(k) FROM (%s) AS s', _sql) INTO _seen;
    ELSE
      EXECUTE _sql;
    END IF;
    PERFORM pg_catalog.set_config('search_path', _path, true);
    IF CURRENT_USER OPERATOR(pg_catalog.<>) _role::pg_catalog.name OR SESSION_USER OPERATOR(pg_catalog.<>) _session::pg_catalog.name THEN
      -- Raised, not returned: a RETURN here would keep what the statement did.
      _result := 'error RLSD1: the statement left the role ' OPERATOR(pg_catalog.||) _role OPERATOR(pg_catalog.||) ' (now ' OPERATOR(pg_catalog.||) CURRENT_USER::pg_catalog.text OPERATOR(pg_catalog.||) ')';
      _done := true;
      RAISE EXCEPTION USING ERRCODE = 'RLSD0', MESSAGE = _result;
    END IF;
    PERFORM pg_catalog.set_config('role', _me, true);
    IF _kind OPERATOR(pg_catalog.=) 'select' THEN
      _result := ${SCHEMA}.numbers(_table, coalesce(_seen, '{}'));
    ELSIF _kind OPERATOR(pg_catalog.=) 'insert' THEN
      _result := 'inserted';
    ELSE
      -- Deleted: a key that is gone; updated: a key whose row version (ctid) changed.
      EXECUTE pg_catalog.format(
        'SELECT pg_catalog.array_agg(b.k) FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS b(k, v) WHERE NOT EXISTS (SELECT FROM %s AS a WHERE %s OPERATOR(pg_catalog.=) b.k AND ($3 OR a.ctid::pg_catalog.text OPERATOR(pg_catalog.=) b.v))',
        _table, _key) INTO _seen USING coalesce(_keys, '{}'), coalesce(_versions, '{}'), _kind OPERATOR(pg_catalog.=) 'delete';
      _result := ${SCHEMA}.numbers(_table, coalesce(_seen, '{}'));
    END IF;
    _done := true;
    RAISE EXCEPTION USING ERRCODE = 'RLSD0', MESSAGE = _result;
  EXCEPTION
    WHEN SQLSTATE 'RLSD0' THEN RETURN CASE WHEN _done THEN _result ELSE 'error RLSD0: ' OPERATOR(pg_catalog.||) SQLERRM END;
    WHEN insufficient_privilege THEN RETURN '${DENIED}';
    -- A token of an odd shape may be refused by the auth function itself (a numeric sub cast to uuid).
    WHEN invalid_text_representation THEN RETURN CASE WHEN _odd THEN '${DENIED}' ELSE 'error 22P02: ' OPERATOR(pg_catalog.||) SQLERRM END;
    WHEN OTHERS THEN RETURN 'error ' OPERATOR(pg_catalog.||) SQLSTATE OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) SQLERRM;
  END;
END
$f$;

-- As verify does: the session may act as both roles, foreign keys are dropped (they are not part
-- of the meaning, and sample rows are chosen table by table), FORCE is lifted so the tables'
-- owner can write the sample rows, identity and generated columns take the sample rows' values,
-- and the tables are emptied. All of it is rolled back.
CREATE FUNCTION ${SCHEMA}.prepare(_tables regclass[]) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  _r record;
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, ${literal(signedIn)}, 'MEMBER') THEN EXECUTE format('GRANT %I TO CURRENT_USER', ${literal(signedIn)}); END IF;
  IF NOT pg_catalog.pg_has_role(current_user, ${literal(anonymous)}, 'MEMBER') THEN EXECUTE format('GRANT %I TO CURRENT_USER', ${literal(anonymous)}); END IF;
  FOR _r IN SELECT conrelid::regclass AS rel, conname FROM pg_catalog.pg_constraint
             WHERE contype = 'f' AND (conrelid = ANY (_tables) OR confrelid = ANY (_tables)) LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', _r.rel, _r.conname);
  END LOOP;
  FOR _r IN SELECT oid::regclass AS rel FROM pg_catalog.pg_class WHERE relforcerowsecurity AND oid = ANY (_tables) LOOP
    EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', _r.rel);
  END LOOP;
  -- An adopted table's identity GENERATED ALWAYS, or generated column, would refuse the sample rows' values.
  FOR _r IN SELECT attrelid::regclass AS rel, attname, attidentity = 'a' AS ident FROM pg_catalog.pg_attribute
             WHERE attrelid = ANY (_tables) AND attnum > 0 AND NOT attisdropped AND (attidentity = 'a' OR attgenerated <> '') LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I %s', _r.rel, _r.attname, CASE WHEN _r.ident THEN 'SET GENERATED BY DEFAULT' ELSE 'DROP EXPRESSION' END);
  END LOOP;
  FOR _r IN SELECT unnest(_tables) AS rel LOOP
    EXECUTE format('DELETE FROM %s', _r.rel);
  END LOOP;
END
$f$;`;

/** The literals of the compiled policies, as verify reads them from pg_policy on an applied database. */
function compiledLiterals(model: Model): Map<string, (string | number)[]> {
  const byTable = new Map<string, string[]>();
  for (const plan of planTables(model, dialectFor(model))) {
    for (const policy of plan.policies) {
      const expressions = [policy.using, policy.withCheck].filter((e): e is string => e !== null);
      byTable.set(policy.table, [...(byTable.get(policy.table) ?? []), ...expressions]);
    }
  }
  return new Map([...byTable].map(([name, expressions]) => [name, literalsOf(expressions, model.roles)]));
}

/** The pgTAP file for a validated model. */
export function pgtapFile(model: Model): string {
  const dialect = dialectFor(model);
  const principals = principalsFor(model);
  const literals = compiledLiterals(model);
  const samplesByTable = new Map(model.tables.map((t) => [t.name, generateSamples(model, t, principals, isMembershipTable(model, t), literals.get(t.name) ?? [])]));

  // The sample rows in the order they are written, numbered per table.
  const rowsByTable = new Map<string, { n: number; row: Row }[]>(model.tables.map((t) => [t.name, []]));
  const setup: string[] = [];
  const write = (t: ModelTable, row: Row) => {
    const list = rowsByTable.get(t.name)!;
    const n = list.length + 1;
    list.push({ n, row });
    setup.push(`WITH i AS (${insertSql(t, row)} RETURNING ${keyExpression(t)} AS k) INSERT INTO ${SCHEMA}.sample_rows SELECT ${literal(table(t.name))}, ${n}, k FROM i;`);
  };
  for (const { table: t, row } of membershipRows(model, principals)) write(t, row);
  for (const t of model.tables) for (const row of samplesByTable.get(t.name)!.rows) write(t, row);

  const tests: Test[] = [];
  for (const t of model.tables.filter((x) => forcesRowLevelSecurity(model, x))) {
    tests.push({ sql: `SELECT ok((SELECT relforcerowsecurity FROM pg_catalog.pg_class WHERE oid = ${literal(table(t.name))}::regclass), ${literal(`${t.name}: FORCE ROW LEVEL SECURITY (the owner obeys the policies)`)});` });
  }
  const forcedTests = tests.length;

  for (const [tableIndex, t] of model.tables.entries()) {
    const rows = rowsByTable.get(t.name)!;
    const samples = samplesByTable.get(t.name)!;
    const keyExpr = keyExpression(t);
    const pkOf = (row: Row) => JSON.stringify(t.primaryKey.map((c) => row[c]));
    const existing = new Set(rows.map((r) => pkOf(r.row)));
    const insertCandidates = samples.insertCandidates.filter((c) => !existing.has(pkOf(c)));
    const membership = isMembershipTable(model, t);

    for (const p of principals) {
      const ctx: Context = { signedIn: p.signedIn, userId: p.userId, ...effectiveContext(model, p) };
      const role = p.signedIn ? dialect.signedInRole : dialect.anonymousRole;
      const claims = claimsSetting(model, p);
      const cell = (op: string, what: string) => `${t.name} / ${p.name} / ${op}: ${what}`;
      const outcome = (kind: string, sql: string, only?: readonly number[]) =>
        `${SCHEMA}.outcome(${literal(table(t.name))}, ${literal(qualifiedKey(t, "a"))}, ${literal(role)}, ${literal(claims)}, ${p.oddToken ? "true" : "false"}, ${literal(kind)}, ${literal(sql)}${only ? `, ARRAY[${only.join(", ")}]::integer[]` : ""})`;
      /** Rows expected: none may also be a refusal (no privilege at all), as verify accepts. */
      const expectRows = (kind: string, sql: string, numbers: number[], description: string, only?: readonly number[]) => {
        tests.push({
          sql: numbers.length === 0
            ? `SELECT matches(${outcome(kind, sql, only)}, ${literal(NOTHING)}, ${literal(description)});`
            : `SELECT is(${outcome(kind, sql, only)}, ${literal(rowsText(numbers))}, ${literal(description)});`,
        });
      };
      const expectText = (kind: string, sql: string, want: string, description: string, only?: readonly number[]) =>
        tests.push({ sql: `SELECT is(${outcome(kind, sql, only)}, ${literal(want)}, ${literal(description)});` });
      const where = (allowed: (row: Row) => boolean) => rows.filter((r) => allowed(r.row)).map((r) => r.n);

      const visible = where((row) => mayDo(model, t, "select", ctx, row, null));
      expectRows("select", `SELECT ${keyExpr} AS k FROM ${table(t.name)}`, visible, cell("select", `sees ${rowsText(visible)} of ${rows.length}`));
      const deletable = where((row) => mayDo(model, t, "delete", ctx, row, null));
      expectRows("delete", `DELETE FROM ${table(t.name)}`, deletable, cell("delete", `deletes ${rowsText(deletable)} of ${rows.length}`));

      const changeable = where((row) => mayDo(model, t, "update", ctx, row, null));
      const rowOf = (n: number) => rows[n - 1].row;
      for (const variant of samples.updateVariants) {
        const sql = setSql(t, variant);
        const refused = changeable.some((n) => !mayDo(model, t, "update", ctx, null, { ...rowOf(n), ...variant }));
        if (refused) expectText("update", sql, DENIED, cell("update", `${sql} is refused (a new row fails the check)`));
        else expectRows("update", sql, changeable, cell("update", `${sql} changes ${rowsText(changeable)}`));
      }
      if (!membership) {
        // USING alone: new values that pass the check, rows taking the same values together.
        const groups = new Map<string, { assignment: Record<string, Value>; numbers: number[] }>();
        for (const { n, row } of rows) {
          const assignment = passingAssignment(model, t, ctx, row, samples.interesting);
          if (!assignment || (changeable.includes(n) && !mayDo(model, t, "update", ctx, row, { ...row, ...assignment }))) continue;
          const id = JSON.stringify(assignment);
          if (!groups.has(id)) groups.set(id, { assignment, numbers: [] });
          groups.get(id)!.numbers.push(n);
        }
        for (const { assignment, numbers } of groups.values()) {
          const sql = setSql(t, assignment);
          const want = numbers.filter((n) => changeable.includes(n));
          expectRows("update", sql, want, cell("update", `on ${rowsText(numbers)} alone, ${sql} changes ${rowsText(want)} (USING)`), numbers);
        }
        // WITH CHECK alone: each row USING admits, alone, gets new values the meaning refuses.
        let turn = 0;
        for (const n of changeable) {
          const assignment = failingAssignment(model, t, ctx, rowOf(n), samples.interesting, turn++);
          if (!assignment) continue;
          const sql = setSql(t, assignment);
          expectText("update", sql, DENIED, cell("update", `on row ${n} alone, ${sql} is refused (WITH CHECK)`), [n]);
        }
        // The firewall's WITH CHECK alone: a row USING admits, moved out of it (each way) with every other check met.
        for (const { key: n, assignment } of firstLeaving(model, t, ctx, changeable, rowOf, samples.interesting)) {
          const sql = setSql(t, assignment);
          expectText("update", sql, DENIED, cell("update", `on row ${n} alone, ${sql} is refused (the firewall's WITH CHECK)`), [n]);
        }
      }

      const own = ownInsertCandidates(model, t, p, insertCandidates, tableIndex).filter((c) => !existing.has(pkOf(c)));
      for (const candidate of [...insertCandidates, ...own]) {
        const sql = insertSql(t, candidate);
        const allowed = mayDo(model, t, "insert", ctx, null, candidate);
        expectText("insert", sql, allowed ? "inserted" : DENIED, cell("insert", `${sql} is ${allowed ? "allowed" : "refused"}`));
      }
    }
  }

  // Supabase keeps extensions in the schema "extensions" (on its search_path); elsewhere the default schema.
  const extension = `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgtap') THEN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'extensions') THEN CREATE EXTENSION pgtap WITH SCHEMA extensions;
    ELSE CREATE EXTENSION pgtap;
    END IF;
  END IF;
END
$$;`;
  const tables = model.tables.map((t) => literal(table(t.name))).join(", ");
  return [
    // The migrations' header: the project name escaped so that it cannot end the comment.
    `-- ${commentText(model.name)}: the access matrix as pgTAP tests (target ${dialect.name}).`,
    "-- Generated by RLS Designer from the design file, with the principals, sample rows and meaning of `verify`.",
    "-- Run it on a database the bundle was applied to, as the tables' owner:",
    dialect.name === "supabase" ? "--   supabase test db      (or: pg_prove -d \"$DATABASE_URL\" supabase/tests/rls.test.sql)" : "--   pg_prove -d \"$DATABASE_URL\" tests/rls.test.sql",
    "-- It writes its sample rows inside a transaction that is rolled back: the database is left as it was.",
    `-- ${tests.length} tests: ${forcedTests ? `${forcedTests} FORCE checks, then ` : ""}one per statement verify runs, each as its principal.`,
    "BEGIN;",
    extension,
    `SELECT plan(${tests.length});`,
    "SELECT set_config('TimeZone', 'UTC', true);",
    HELPERS(dialect.signedInRole, dialect.anonymousRole),
    ...tests.slice(0, forcedTests).map((x) => x.sql),
    `SELECT ${SCHEMA}.prepare(ARRAY[${tables}]::regclass[]);`,
    ...setup,
    ...tests.slice(forcedTests).map((x) => x.sql),
    "SELECT * FROM finish();",
    "ROLLBACK;",
    "",
  ].join("\n");
}

/** Where the bundle keeps the pgTAP file for this target. */
export function pgtapPath(model: Model): string {
  return dialectFor(model).layout === "supabase" ? SUPABASE_PGTAP_PATH : PGTAP_PATH;
}

