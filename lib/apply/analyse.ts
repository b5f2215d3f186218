/**
 * What a migration will do, read from its SQL: a one-line summary, and the statements that drop
 * or rewrite data. A small scanner that knows comments, quoted strings and identifiers, and
 * dollar-quoted bodies: a DO block's body runs now and is read; a function's body does not and is not.
 */

export type DestructiveKind =
  | "drop table"
  | "drop schema"
  | "drop database"
  | "drop column"
  | "alter column type"
  | "truncate"
  | "delete without where"
  | "update without where";

export interface DestructiveChange {
  readonly tag: string;
  readonly file: string;
  /** 1-based, among the migration's breakpoint-separated statements (as lib/db's ApplyError counts). */
  readonly statement: number;
  readonly kind: DestructiveKind;
  /** What it touches, e.g. `documents` or `documents.status`. */
  readonly target: string;
  /** The statement, trimmed and shortened. */
  readonly text: string;
}

export interface MigrationAnalysis {
  readonly statements: number;
  readonly summary: string;
  readonly destructive: readonly DestructiveChange[];
}

interface Piece {
  /** The statement's code: comments gone, string literals emptied, dollar-quoted bodies as `$$`. */
  readonly code: string;
  readonly bodies: readonly string[];
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const NAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;
const MAX_TEXT = 200;

/** Splits SQL into statements at top-level semicolons. */
export function scanStatements(sql: string): Piece[] {
  const pieces: Piece[] = [];
  let code = "";
  let bodies: string[] = [];
  const flush = () => {
    if (code.trim() !== "") pieces.push({ code: code.replace(/\s+/g, " ").trim(), bodies });
    code = "";
    bodies = [];
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      code += " ";
    } else if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        const pair = sql.slice(i, i + 2);
        depth += pair === "/*" ? 1 : pair === "*/" ? -1 : 0;
        i += pair === "/*" || pair === "*/" ? 2 : 1;
      }
      code += " ";
    } else if (c === "'") {
      const escapes = /[eE]$/.test(code) && !/\w[eE]$/.test(code);
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === "\\") i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      code += "''";
    } else if (c === '"') {
      let end = i + 1;
      while (end < sql.length && !(sql[end] === '"' && sql[end + 1] !== '"')) end += sql[end] === '"' ? 2 : 1;
      code += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === "$" && !/[\w$]$/.test(code)) {
      const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        code += c;
        i++;
        continue;
      }
      const start = i + tag[0].length;
      const end = sql.indexOf(tag[0], start);
      bodies.push(sql.slice(start, end === -1 ? sql.length : end));
      code += " $$ ";
      i = end === -1 ? sql.length : end + tag[0].length;
    } else if (c === ";") {
      flush();
      i++;
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return pieces;
}

function unquote(name: string): string {
  return name
    .split(/\s*\.\s*(?=(?:"|[A-Za-z_]))/)
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.toLowerCase()))
    .filter((part, index, parts) => !(index === 0 && parts.length > 1 && part === "public"))
    .join(".");
}

function match(code: string, pattern: string): RegExpExecArray | null {
  return new RegExp(pattern, "i").exec(code);
}

/** In a DO block's body, what comes before a statement: `BEGIN`, `IF ... THEN`, `ELSE`, `LOOP`... */
function withoutBlockPrefix(code: string): string {
  let out = code;
  for (;;) {
    const next = out.replace(/^(?:begin|else|loop|declare\b.*?\bbegin|(?:if|elsif|when)\b.*?\bthen|(?:for|while)\b.*?\bloop|execute)\s+/i, "");
    if (next === out) return out;
    out = next;
  }
}

/** The destructive changes one statement (without comments and strings) makes. */
function destructiveIn(code: string): { kind: DestructiveKind; target: string }[] {
  const found: { kind: DestructiveKind; target: string }[] = [];
  let m: RegExpExecArray | null;
  if ((m = match(code, String.raw`^drop\s+table\s+(?:if\s+exists\s+)?(${NAME}(?:\s*,\s*${NAME})*)`))) {
    for (const name of m[1].split(/\s*,\s*/)) found.push({ kind: "drop table", target: unquote(name) });
  }
  if ((m = match(code, String.raw`^drop\s+schema\s+(?:if\s+exists\s+)?(${IDENT})`))) found.push({ kind: "drop schema", target: unquote(m[1]) });
  if ((m = match(code, String.raw`^drop\s+database\s+(?:if\s+exists\s+)?(${IDENT})`))) found.push({ kind: "drop database", target: unquote(m[1]) });
  if ((m = match(code, String.raw`^truncate\s+(?:table\s+)?(?:only\s+)?(${NAME})`))) found.push({ kind: "truncate", target: unquote(m[1]) });
  const table = match(code, String.raw`^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${NAME})`);
  if (table) {
    const name = unquote(table[1]);
    const actions = code.slice(table[0].length);
    const drop = new RegExp(String.raw`\bdrop\s+(?:column\s+)?(?:if\s+exists\s+)?(?!(?:constraint|not|default|expression|identity)\b)(${IDENT})`, "gi");
    for (const d of actions.matchAll(drop)) found.push({ kind: "drop column", target: `${name}.${unquote(d[1])}` });
    const retype = new RegExp(String.raw`\balter\s+(?:column\s+)?(?!constraint\b)(${IDENT})\s+(?:set\s+data\s+)?type\b`, "gi");
    for (const t of actions.matchAll(retype)) found.push({ kind: "alter column type", target: `${name}.${unquote(t[1])}` });
  }
  const hasWhere = /\bwhere\b/i.test(code);
  if (!hasWhere && (m = match(code, String.raw`\bdelete\s+from\s+(?:only\s+)?(${NAME})`))) found.push({ kind: "delete without where", target: unquote(m[1]) });
  if (!hasWhere && (m = match(code, String.raw`(?:^|[\s(])update\s+(?:only\s+)?(${NAME})(?:\s+(?:as\s+)?${IDENT})?\s+set\b`))) {
    found.push({ kind: "update without where", target: unquote(m[1]) });
  }
  return found;
}

type Category =
  | "table"
  | "rls"
  | "policy"
  | "index"
  | "trigger"
  | "function"
  | "extension"
  | "role"
  | "schema"
  | "grant"
  | "foreign key"
  | "unique key"
  | "default privileges"
  | "check"
  | "other";

function categorise(code: string): { category: Category; name?: string }[] {
  let m: RegExpExecArray | null;
  if ((m = match(code, String.raw`^create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(${NAME})`))) return [{ category: "table", name: unquote(m[1]) }];
  if ((m = match(code, String.raw`^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(${NAME})\s+(?:force|enable)\s+row\s+level\s+security`))) return [{ category: "rls", name: unquote(m[1]) }];
  if (match(code, String.raw`^alter\s+table\s.*\badd\s+(?:constraint\s+${IDENT}\s+)?foreign\s+key\b`)) return [{ category: "foreign key" }];
  if (match(code, String.raw`^alter\s+table\s.*\badd\s+(?:constraint\s+${IDENT}\s+)?unique\b`)) return [{ category: "unique key" }];
  if (match(code, String.raw`^create\s+policy\b`)) return [{ category: "policy" }];
  if (match(code, String.raw`^drop\s+policy\b`)) return [];
  if (match(code, String.raw`^create\s+(?:unique\s+)?index\b`)) return [{ category: "index" }];
  if ((m = match(code, String.raw`^create\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\s+(${IDENT})`))) return [{ category: "trigger", name: unquote(m[1]) }];
  // As with DROP POLICY: the bundle drops a trigger to create it again in the same migration.
  if (match(code, String.raw`^drop\s+trigger\b`)) return [];
  if ((m = match(code, String.raw`^create\s+(?:or\s+replace\s+)?(?:function|procedure)\s+(${NAME})`))) return [{ category: "function", name: unquote(m[1]) }];
  if ((m = match(code, String.raw`^create\s+extension\s+(?:if\s+not\s+exists\s+)?(${IDENT})`))) return [{ category: "extension", name: unquote(m[1]) }];
  if ((m = match(code, String.raw`^create\s+role\s+(${IDENT})`))) return [{ category: "role", name: unquote(m[1]) }];
  if ((m = match(code, String.raw`^create\s+schema\s+(?:if\s+not\s+exists\s+)?(${IDENT})`))) return [{ category: "schema", name: unquote(m[1]) }];
  if (match(code, String.raw`^(?:grant|revoke)\b`)) return [{ category: "grant" }];
  if (match(code, String.raw`^alter\s+default\s+privileges\b`)) return [{ category: "default privileges" }];
  if (match(code, String.raw`^(?:select|comment)\b`)) return [];
  return [{ category: "other" }];
}

/** A DO block: what its body creates (roles, an extension), read loosely. */
function categoriseBlock(body: string): { category: Category; name?: string }[] {
  const found: { category: Category; name?: string }[] = [];
  for (const piece of scanStatements(body)) {
    for (const m of piece.code.matchAll(new RegExp(String.raw`\bcreate\s+role\s+(${IDENT})`, "gi"))) found.push({ category: "role", name: unquote(m[1]) });
    for (const m of piece.code.matchAll(new RegExp(String.raw`\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?(${IDENT})`, "gi"))) found.push({ category: "extension", name: unquote(m[1]) });
  }
  if (found.length > 0) return found;
  return [{ category: /\braise\s+exception\b/i.test(body) ? "check" : "other" }];
}

const PHRASES: Record<Category, (names: string[], count: number) => string> = {
  extension: (names) => `extension ${names.join(", ")}`,
  schema: (names) => `schema ${names.join(", ")}`,
  role: (names) => `role${names.length === 1 ? "" : "s"} ${names.join(", ")}`,
  table: (names) => `table${names.length === 1 ? "" : "s"} ${names.join(", ")}`,
  rls: (names) => `row-level security on ${names.length} table${names.length === 1 ? "" : "s"}`,
  "foreign key": (_, n) => `${n} foreign key${n === 1 ? "" : "s"}`,
  "unique key": (_, n) => `${n} unique key${n === 1 ? "" : "s"}`,
  function: (names) => `function${names.length === 1 ? "" : "s"} ${names.join(", ")}`,
  trigger: (names) => `trigger${names.length === 1 ? "" : "s"} ${names.join(", ")}`,
  policy: (_, n) => `${n} polic${n === 1 ? "y" : "ies"}`,
  index: (_, n) => `${n} index${n === 1 ? "" : "es"}`,
  grant: (_, n) => `${n} grant${n === 1 ? "" : "s"}`,
  "default privileges": () => "default privileges",
  check: (_, n) => `${n} check${n === 1 ? "" : "s"}`,
  other: (_, n) => `${n} other statement${n === 1 ? "" : "s"}`,
};

/** Reads one migration's statements (the pieces between drizzle's breakpoints). */
export function analyseMigration(migration: { tag: string; path: string; statements: readonly string[] }): MigrationAnalysis {
  const names = new Map<Category, string[]>();
  const counts = new Map<Category, number>();
  const destructive: DestructiveChange[] = [];
  let statements = 0;
  for (const [index, statement] of migration.statements.entries()) {
    const pieces = scanStatements(statement);
    if (pieces.length === 0) continue;
    statements++;
    for (const piece of pieces) {
      // A DO block runs its body now; a function's body (also dollar-quoted) only when called.
      const isBlock = /^do\b/i.test(piece.code);
      const codes = isBlock ? piece.bodies.flatMap((body) => scanStatements(body).map((p) => withoutBlockPrefix(p.code))) : [piece.code];
      const changes = codes.flatMap(destructiveIn);
      for (const change of changes) destructive.push({ tag: migration.tag, file: migration.path, statement: index + 1, ...change, text: shorten(statement) });
      if (changes.length > 0) continue;
      const found = isBlock ? piece.bodies.flatMap(categoriseBlock) : categorise(piece.code);
      for (const { category, name } of found) {
        counts.set(category, (counts.get(category) ?? 0) + 1);
        if (name && !(names.get(category) ?? []).includes(name)) names.set(category, [...(names.get(category) ?? []), name]);
      }
    }
  }
  const order = Object.keys(PHRASES) as Category[];
  const parts = order.filter((c) => counts.has(c)).map((c) => PHRASES[c](names.get(c) ?? [], counts.get(c)!));
  const changes = destructive.map((d) => `${d.kind} ${d.target}`);
  const summary = [...(changes.length ? [`DESTRUCTIVE: ${changes.join(", ")}`] : []), ...parts].join("; ") || "nothing";
  return { statements, summary, destructive };
}

function shorten(statement: string): string {
  const text = statement
    .split("\n")
    .filter((line) => !/^\s*--/.test(line))
    .join("\n")
    .trim();
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…`;
}
