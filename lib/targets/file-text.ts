/**
 * Design strings (project, table, column, role and claim names) reach several file kinds: TypeScript,
 * SQL comments, Markdown and `.env`. Validation refuses control characters and line separators in
 * names (lib/design/name-characters.ts); these functions escape anyway, per file kind, so that a
 * string that slips past validation still stays text where it lands (defence in depth).
 */

/**
 * Characters that end a line for some reader of a generated file, or hide text from a reviewer:
 * C0 and C1 controls (\n, \r, \v, \f, U+0085 ...), DEL, U+2028/U+2029 (they end a `//` comment in
 * JavaScript, and a line for dotenv's multiline regular expression), and the bidirectional controls.
 */
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const codePoint = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/** Text for a one-line comment (`//`, `--`, `#`): unsafe characters become visible `\uXXXX`. */
export function commentText(text: string): string {
  return (
    text
      .replace(UNSAFE_CHARACTERS, codePoint)
      // drizzle-orm splits migration files on this exact text, even inside a comment.
      .replaceAll("--> statement-breakpoint", "-- > statement-breakpoint")
  );
}

/**
 * A TypeScript string literal. JSON.stringify already escapes quotes, backslashes and C0 controls;
 * U+2028/U+2029 are legal in string literals since ES2019, but escaped too, for older tools and readers.
 */
export function tsString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, codePoint);
}

/** Markdown inline text: every ASCII punctuation mark backslash-escaped, unsafe characters made visible. */
export function markdownText(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, codePoint).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * A Markdown code span that shows `text` verbatim: fenced by a run of backticks longer than any inside
 * it. In a table cell `|` is escaped, which GitHub's tables need even inside code. Unsafe characters
 * are shown as `\uXXXX`.
 */
export function markdownCode(text: string, inTableCell = false): string {
  const shown = text.replace(UNSAFE_CHARACTERS, codePoint);
  const visible = inTableCell ? shown.replaceAll("|", "\\|") : shown;
  const longestRun = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = visible.startsWith("`") || visible.endsWith("`") || visible.startsWith(" ") ? ` ${visible} ` : visible;
  return `${fence}${padded}${fence}`;
}

function unicodeEscaped(text: string, quote: "'" | '"'): string {
  if (!new RegExp(UNSAFE_CHARACTERS.source).test(text)) return `${quote}${text.replaceAll(quote, quote + quote)}${quote}`;
  // PostgreSQL's U&'...' form writes any character as \XXXX, so the snippet stays on one line and exact.
  const body = text
    .replaceAll("\\", "\\\\")
    .replaceAll(quote, quote + quote)
    .replace(UNSAFE_CHARACTERS, (c) => `\\${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `U&${quote}${body}${quote}`;
}

/** A SQL string literal for a snippet shown in a README: quotes doubled; unsafe characters as U&'\XXXX'. */
export function sqlSnippetLiteral(text: string): string {
  return unicodeEscaped(text, "'");
}

/** A SQL identifier for a snippet shown in a README: always double-quoted, like quoteIdent, and on one line. */
export function sqlSnippetIdentifier(text: string): string {
  return unicodeEscaped(text, '"');
}
