/**
 * Which statements the playground runs as a principal. The driver sends the text as one
 * extended-protocol query, which PostgreSQL refuses when it holds two statements (42601), so the
 * first keyword names the only statement there is. Only queries and data changes are allowed:
 * every way out of the role or the transaction (SET ROLE, RESET, SET SESSION AUTHORIZATION,
 * BEGIN/COMMIT/ROLLBACK/END/ABORT, SAVEPOINT/RELEASE, PREPARE TRANSACTION, COPY, DO, CALL,
 * CREATE ... ) starts with a keyword outside this list.
 */
export const ALLOWED_FIRST_KEYWORDS = ["select", "insert", "update", "delete", "with", "values", "table", "merge"] as const;

/** The longest statement the playground accepts (characters). */
export const MAX_STATEMENT_LENGTH = 20_000;

export type StatementCheck = { ok: true } | { ok: false; message: string };

/** The statement's first keyword, past whitespace, `--` and nested `/* *\/` comments and opening parentheses; "" when there is none. */
export function firstKeyword(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (/\s/.test(ch) || ch === "(") {
      i++;
    } else if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith("/*", i)) {
      let depth = 0;
      while (i < sql.length) {
        if (sql.startsWith("/*", i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith("*/", i)) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
    } else break;
  }
  const word = /^[A-Za-z_]+/.exec(sql.slice(i));
  return word ? word[0].toLowerCase() : "";
}

/** Refuses, with what to write instead, anything but one query or data change. */
export function checkStatement(sql: string): StatementCheck {
  if (sql.length > MAX_STATEMENT_LENGTH) return { ok: false, message: `sql: at most ${MAX_STATEMENT_LENGTH} characters (got ${sql.length})` };
  const keyword = firstKeyword(sql);
  if (keyword === "") return { ok: false, message: "sql: write one statement (SELECT, INSERT, UPDATE, DELETE, WITH ...)" };
  if (!(ALLOWED_FIRST_KEYWORDS as readonly string[]).includes(keyword)) {
    return {
      ok: false,
      message: `sql: ${keyword.toUpperCase()} is not run here: the playground runs one SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE or WITH statement as the principal, in a transaction it always rolls back (the role, the claims and the transaction are the playground's)`,
    };
  }
  return { ok: true };
}
