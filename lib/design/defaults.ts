import type { ColumnType } from "./schema";
import { literalProblem, typeFamily, USER_TOKEN, withArticle } from "./literals";

/**
 * A column default, parsed from the design's SQL text into one of the safe forms.
 * Anything else is refused: the design file must never carry arbitrary SQL.
 */
export type DefaultExpr =
  | { kind: "now" }
  | { kind: "randomUuid" }
  | { kind: "currentUser" }
  | { kind: "null" }
  | { kind: "literal"; value: string | number | boolean };

const CURRENT_USER_SPELLINGS = new Set([USER_TOKEN, "auth.user_id()", "auth.uid()"]);

export const ALLOWED_DEFAULTS_HINT =
  "allowed: a literal ('text', 42, true, null), now(), current_timestamp, gen_random_uuid(), or $user / auth.user_id() (the signed-in user)";

export function parseDefault(text: string, type: ColumnType): { value: DefaultExpr } | { problem: string } {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  const family = typeFamily(type);
  const fits = (ok: boolean, what: string, value: DefaultExpr) =>
    ok ? { value } : { problem: `${what} does not fit ${withArticle(type)} column` };

  if (lower === "now()" || lower === "current_timestamp") {
    return fits(family === "timestamp" || family === "date", trimmed, { kind: "now" });
  }
  if (lower === "gen_random_uuid()") return fits(family === "uuid" || family === "text", trimmed, { kind: "randomUuid" });
  if (CURRENT_USER_SPELLINGS.has(lower)) return fits(family === "uuid" || family === "text", trimmed, { kind: "currentUser" });
  if (lower === "null") return { value: { kind: "null" } };
  if (lower === "true" || lower === "false") return fits(family === "boolean", trimmed, { kind: "literal", value: lower === "true" });
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const value = Number(trimmed);
    const problem = literalProblem(type, value);
    return problem ? { problem } : { value: { kind: "literal", value } };
  }
  const quoted = /^'((?:[^']|'')*)'$/.exec(trimmed);
  if (quoted) {
    const value = quoted[1].replaceAll("''", "'");
    if (value.includes("\u0000")) return { problem: "strings may not contain the NUL character" };
    if (family === "json") {
      try {
        JSON.parse(value);
      } catch {
        return { problem: `'${value}' is not valid JSON` };
      }
      return { value: { kind: "literal", value } };
    }
    if (family === "array") {
      return value === "{}" ? { value: { kind: "literal", value } } : { problem: "an array column may only default to '{}'" };
    }
    if (family === "integer" || family === "number" || family === "boolean") {
      return { problem: `write ${type} defaults without quotes` };
    }
    const problem = literalProblem(type, value);
    return problem ? { problem } : { value: { kind: "literal", value } };
  }
  return { problem: `"${trimmed}" is not an allowed default; ${ALLOWED_DEFAULTS_HINT}` };
}
