import { quoteIdent, type ModelTable } from "../design";

/**
 * Many statements as principals in one round trip: a plpgsql function, created in the session's
 * temporary schema inside verification's savepoint (so rolled back with it), runs each statement
 * in its own subtransaction (a BEGIN ... EXCEPTION block) exactly as one check of run.ts does
 * with SAVEPOINT ... ROLLBACK TO: the table's other rows deleted first when the check meets some
 * rows alone, then role and claims with set_config, the statement, and its effect read as the
 * session's own role; the block always ends in an exception, so nothing the statement did remains.
 * Parameters travel as one text array (`($1[1])::uuid` for `$1::uuid`: the same input function on
 * the same text). On PGlite a check costs about 0.3 ms this way instead of 2-4 ms in five round trips.
 *
 * Why the principal cannot alter what the harness reads:
 * - The outcome flows only through the function's local variables and its result, never through a
 *   table or setting: nothing the principal (or a trigger or policy function running as it) can
 *   write. The function belongs to the session's role, and EXECUTE on it is revoked from PUBLIC.
 * - Whatever the statement changes (rows, settings such as search_path or role, TEMP objects) is
 *   undone with its subtransaction before the next statement. Between the statement and that
 *   rollback the function runs only qualified names (pg_catalog.text, OPERATOR(pg_catalog.=),
 *   public."t"), restores search_path, and checks that the statement left role and session
 *   authorization as they were (else the check fails with RLSD1, never passes).
 * - Success is a local flag set by the function itself after reading the effect, not an error
 *   code a policy function could raise.
 * - `WHEN OTHERS` does not catch query_canceled (a statement_timeout on PostgreSQL): the whole
 *   call fails, and run.ts runs those checks again one statement at a time.
 */
export const BATCH_FUNCTION = "pg_temp.rlsd_attempts(pg_catalog.jsonb)";

/**
 * The sample rows, written as the session's own role during setup (before any principal acts):
 * each `INSERT ... RETURNING key` in turn, the keys returned in order, one round trip for many rows.
 */
export const ROWS_FUNCTION = "pg_temp.rlsd_rows(pg_catalog.jsonb)";

/** How many checks one call carries at most (PGlite pays per round trip; this bounds one call's size). */
export const BATCH_SIZE = 400;

const FUNCTION_SQL = `CREATE FUNCTION pg_temp.rlsd_attempts(_batch pg_catalog.jsonb)
RETURNS TABLE (r_acted pg_catalog.bool, r_done pg_catalog.bool, r_state pg_catalog.text, r_message pg_catalog.text, r_seen pg_catalog.text[], r_hit pg_catalog.int4[])
LANGUAGE plpgsql AS $rlsd_batch$
DECLARE
  _session pg_catalog.text := SESSION_USER;
  _path pg_catalog.text := pg_catalog.current_setting('search_path');
  _list pg_catalog.jsonb := _batch -> 'a';
  _keys pg_catalog.text[] := (_batch ->> 'k')::pg_catalog.text[];
  _versions pg_catalog.text[] := (_batch ->> 'v')::pg_catalog.text[];
  _texts pg_catalog.text[] := (_batch ->> 'q')::pg_catalog.text[];
  _a pg_catalog.jsonb;
  _role pg_catalog.text;
  _claims pg_catalog.text;
  _sql pg_catalog.text;
  _params pg_catalog.text[];
  _rows pg_catalog.bool;
  _pre pg_catalog.text;
  _only pg_catalog.text[];
  _probe pg_catalog.text;
  _idx pg_catalog.int4[];
  _acted pg_catalog.bool;
  _done pg_catalog.bool;
  _seen pg_catalog.text[];
  _hit pg_catalog.int4[];
  _user pg_catalog.text;
  _sess pg_catalog.text;
BEGIN
  FOR _n IN 0 .. pg_catalog.jsonb_array_length(_list) - 1 LOOP
    _a := _list -> _n;
    _role := _a ->> 'r';
    _claims := _a ->> 'c';
    _sql := _a ->> 's';
    _params := (_a ->> 'p')::pg_catalog.text[];
    _rows := (_a ->> 'm') IS NOT NULL;
    _pre := _texts[(_a ->> 'd')::pg_catalog.int4];
    _only := (_a ->> 'o')::pg_catalog.text[];
    _probe := _texts[(_a ->> 'q')::pg_catalog.int4];
    _idx := (_a ->> 'i')::pg_catalog.int4[];
    _acted := false;
    _done := false;
    _seen := NULL;
    _hit := NULL;
    _user := NULL;
    _sess := NULL;
    r_state := NULL;
    r_message := NULL;
    BEGIN
      IF _pre IS NOT NULL THEN
        EXECUTE _pre USING _only;
      END IF;
      PERFORM pg_catalog.set_config('role', _role, true), pg_catalog.set_config('request.jwt.claims', _claims, true);
      _acted := true;
      IF _rows THEN
        EXECUTE _sql INTO _seen USING _params;
      ELSE
        EXECUTE _sql USING _params;
      END IF;
      -- From here to the end of the block the statement may have changed settings: qualified names only.
      _user := CURRENT_USER;
      _sess := SESSION_USER;
      RESET ROLE;
      PERFORM pg_catalog.set_config('search_path', _path, true);
      IF _probe IS NOT NULL THEN
        EXECUTE _probe INTO _hit USING _idx, _keys, _versions;
      END IF;
      _done := true;
      RAISE SQLSTATE 'RLSD0';
    EXCEPTION WHEN OTHERS OR assert_failure THEN
      IF NOT _done THEN
        r_state := SQLSTATE;
        r_message := SQLERRM;
      END IF;
    END;
    IF _done AND (_user IS DISTINCT FROM _role OR _sess IS DISTINCT FROM _session) THEN
      _done := false;
      r_state := 'RLSD1';
      r_message := pg_catalog.format('the statement left the role %s (now %s, session %s): its result is not used', _role, _user, _sess);
    END IF;
    r_acted := _acted;
    r_done := _done;
    r_seen := _seen;
    r_hit := _hit;
    RETURN NEXT;
  END LOOP;
END
$rlsd_batch$;
REVOKE ALL ON FUNCTION ${BATCH_FUNCTION} FROM PUBLIC;
CREATE FUNCTION pg_temp.rlsd_rows(_rows pg_catalog.jsonb) RETURNS SETOF pg_catalog.text LANGUAGE plpgsql AS $rlsd_rows$
DECLARE
  _r pg_catalog.jsonb;
  _k pg_catalog.text;
BEGIN
  FOR _n IN 0 .. pg_catalog.jsonb_array_length(_rows) - 1 LOOP
    _r := _rows -> _n;
    EXECUTE _r ->> 's' INTO STRICT _k USING (_r ->> 'p')::pg_catalog.text[];
    RETURN NEXT _k;
  END LOOP;
END
$rlsd_rows$;
REVOKE ALL ON FUNCTION ${ROWS_FUNCTION} FROM PUBLIC;`;

/** The statements that create the functions (in a savepoint of their own: without TEMP, verify runs statement by statement). */
export function batchFunctionSql(): string {
  return FUNCTION_SQL;
}

/** A PostgreSQL array literal of text ('{"a","b",NULL}'): array_in reads backslash escapes whatever standard_conforming_strings says. */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(",")}}`;
}

/**
 * run.ts's keyExpression (the same text for every row) with every name qualified, for reads as the
 * session's role after a principal's statement, which may have left TEMP types (a pg_temp.text
 * domain) or another search_path behind until the check rolls back.
 */
export function qualifiedKey(t: ModelTable, alias?: string): string {
  return `pg_catalog.json_build_array(${t.primaryKey.map((c) => `${alias ? `${alias}.` : ""}${quoteIdent(c)}::pg_catalog.text`).join(", ")})::pg_catalog.text`;
}

const relation = (t: ModelTable) => `public.${quoteIdent(t.name)}`;

/**
 * As the session's role, before acting: the table's rows other than those at the versions $1 (the
 * ctids of the kept keys before the checks, which hold in every check) go. The same rows as by key
 * (run.ts's statement by statement), without computing every row's key.
 */
export function deleteOthersSql(t: ModelTable): string {
  return `DELETE FROM ${relation(t)} AS a WHERE NOT (a.ctid OPERATOR(pg_catalog.=) ANY (($1)::pg_catalog.tid[]))`;
}

/** Of the keys numbered $1 (in $2), those no row has any more: what a DELETE took. */
export function goneSql(t: ModelTable): string {
  return `SELECT pg_catalog.array_agg(p.i) FROM pg_catalog.unnest($1) AS p(i)
    WHERE NOT EXISTS (SELECT FROM ${relation(t)} AS a WHERE ${qualifiedKey(t, "a")} OPERATOR(pg_catalog.=) $2[p.i])`;
}

/**
 * Of the keys numbered $1, those whose row version ($3, the ctid before the check) is no longer
 * visible: what an UPDATE changed (a changed row gets a new version; every check rolls back, so
 * the versions from before the checks hold throughout).
 */
export function changedSql(t: ModelTable): string {
  return `SELECT pg_catalog.array_agg(p.i) FROM pg_catalog.unnest($1) AS p(i)
    WHERE NOT EXISTS (SELECT FROM ${relation(t)} AS a WHERE a.ctid OPERATOR(pg_catalog.=) ($3[p.i])::pg_catalog.tid)`;
}

/** A SELECT of keys (column k), as one value: the array the function reads INTO. */
export function collectedSql(select: string): string {
  return `SELECT pg_catalog.array_agg(s.k) FROM (${select}) AS s`;
}

/** One check as the function reads it. */
export interface BatchAttempt {
  /** role, claims (set with set_config) */
  readonly r: string;
  readonly c: string;
  /** the statement, with its parameters as $1[1], $1[2], ... of `p` (a text array literal) */
  readonly s: string;
  readonly p?: string;
  /** present: the statement's result is collected (collectedSql) */
  readonly m?: 1;
  /** the number (1-based, in `q`) of the statement deleting the other rows first, and the versions (ctids) kept (a text array literal) */
  readonly d?: number;
  readonly o?: string;
  /** the number of the probe (goneSql or changedSql) and the numbers of its keys (an int array literal) */
  readonly q?: number;
  readonly i?: string;
}

export interface BatchResult {
  readonly r_acted: boolean;
  readonly r_done: boolean;
  readonly r_state: string | null;
  readonly r_message: string | null;
  readonly r_seen: string[] | null;
  readonly r_hit: number[] | null;
}

/** Builds one call's argument: the checks, and the texts (statements) and keys they refer to by number. */
export class BatchBuilder {
  readonly attempts: BatchAttempt[] = [];
  private readonly texts: string[] = [];
  private readonly textNumbers = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly versions: (string | null)[] = [];
  private readonly keyNumbers = new Map<string, Map<string, number>>();

  text(sql: string): number {
    let n = this.textNumbers.get(sql);
    if (n === undefined) {
      this.texts.push(sql);
      n = this.texts.length;
      this.textNumbers.set(sql, n);
    }
    return n;
  }

  /** The number of `key` of `table` (with its version before the checks, if known). */
  key(table: string, key: string, version: string | null): number {
    let numbers = this.keyNumbers.get(table);
    if (!numbers) this.keyNumbers.set(table, (numbers = new Map()));
    let n = numbers.get(key);
    if (n === undefined) {
      this.keys.push(key);
      this.versions.push(version);
      n = this.keys.length;
      numbers.set(key, n);
    } else if (version !== null) {
      this.versions[n - 1] = version;
    }
    return n;
  }

  json(): string {
    return JSON.stringify({ a: this.attempts, q: textArray(this.texts), k: textArray(this.keys), v: textArray(this.versions) });
  }
}
