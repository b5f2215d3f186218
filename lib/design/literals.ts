import type { ColumnType } from "./schema";

/** Facts about column types that validation, the compiler and verification share. */

export const USER_TOKEN = "$user";
export const ORG_TOKEN = "$org";
export type Token = typeof USER_TOKEN | typeof ORG_TOKEN;

export function isToken(value: unknown): value is Token {
  return value === USER_TOKEN || value === ORG_TOKEN;
}

export type TypeFamily = "text" | "uuid" | "integer" | "number" | "boolean" | "date" | "timestamp" | "json" | "array";

export function typeFamily(type: ColumnType): TypeFamily {
  if (type.endsWith("[]")) return "array";
  switch (type) {
    case "text":
    case "varchar":
      return "text";
    case "uuid":
      return "uuid";
    case "integer":
    case "bigint":
    case "smallint":
      return "integer";
    case "numeric":
    case "real":
    case "double precision":
      return "number";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "timestamp":
    case "timestamptz":
      return "timestamp";
    default:
      return "json";
  }
}

/** Columns that can hold a user or organization id: the claims are text, compared by cast. */
export function holdsIdentifier(type: ColumnType): boolean {
  const family = typeFamily(type);
  return family === "text" || family === "uuid";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

const INTEGER_RANGE: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * Whether PostgreSQL reads `value` as a real: it rounds to the nearest single-precision number and
 * refuses one that overflows (1e39) or underflows to zero (1e-50), as a default would on every insert.
 */
export function fitsReal(value: number): boolean {
  const single = Math.fround(value);
  return Number.isFinite(single) && (single !== 0 || value === 0);
}

/** A real day of years 0001 to 9999: JavaScript reads 2026-02-30 as March 2, PostgreSQL refuses it, and has no year 0. */
function calendarDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/**
 * The indefinite article for a word, by how it sounds: "an integer", "an integer[]", but "a uuid",
 * "a user", "a jsonb" (a u that sounds like "you" takes "a").
 */
export function withArticle(word: string): string {
  const w = word.trim().toLowerCase();
  const you = /^(uu|u[^aeiou][aeiou])/.test(w);
  return `${/^[aeiou]/.test(w) && !you ? "an" : "a"} ${word}`;
}

/**
 * Why `value` cannot be stored in a column of `type`, or null when it can.
 * Checked before compiling so that a bad literal is refused with its path instead of
 * failing later inside CREATE POLICY.
 */
export function literalProblem(type: ColumnType, value: string | number | boolean): string | null {
  const family = typeFamily(type);
  switch (family) {
    case "text":
      if (typeof value !== "string") return `expected a string for ${withArticle(type)} column`;
      if (value.includes("\u0000")) return "strings may not contain the NUL character";
      return null;
    case "uuid":
      if (typeof value !== "string" || !UUID.test(value)) return `expected a uuid like "00000000-0000-0000-0000-000000000000"`;
      return null;
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) return `expected a whole number for ${withArticle(type)} column`;
      const [min, max] = INTEGER_RANGE[type];
      const big = BigInt(value);
      if (big < min || big > max) return `${value} is out of range for ${type}`;
      return null;
    }
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return `expected a number for ${withArticle(type)} column`;
      if (type === "real" && !fitsReal(value)) return `${value} is out of range for real`;
      return null;
    case "boolean":
      if (typeof value !== "boolean") return "expected true or false";
      return null;
    case "date":
      if (typeof value !== "string" || !DATE.test(value) || Number.isNaN(Date.parse(value)) || !calendarDay(value)) return `expected a date like "2026-01-31"`;
      return null;
    case "timestamp":
      if (typeof value !== "string" || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value.replace(" ", "T"))) || !calendarDay(value)) {
        return `expected a timestamp like "2026-01-31T12:00:00Z"`;
      }
      return null;
    default:
      return `${withArticle(type)} column can only be tested with isNull or isNotNull`;
  }
}

/**
 * A number as PostgreSQL should read it: whole numbers in full (String(-2 ** 63) is
 * "-9223372036854776000", which is out of range for bigint), others as JavaScript's shortest
 * round-trip form ("0.1", "1e-7").
 */
export function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** After a time of day (a date alone ends in -DD, which is no zone). */
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/;

/**
 * A timestamptz literal without a zone, pinned to UTC. PostgreSQL reads `'2026-01-31 12:00'`
 * in the TimeZone of whoever runs the migration and stores the instant it found, so the same
 * bundle applied from Tokyo would mean 03:00 UTC. Written with `+00` it means one instant
 * everywhere, the one verification's oracle assumes. Other values come back unchanged.
 */
export function pinToUtc<T extends string | number | boolean>(type: ColumnType, value: T): T | string {
  if (type !== "timestamptz" || typeof value !== "string") return value;
  if (DATE.test(value)) return `${value} 00:00:00+00`;
  return HAS_ZONE.test(value) ? value : `${value}+00`;
}

/** A JavaScript value as a SQL literal. Strings are quoted with doubled quotes; nothing else reaches SQL. */
export function sqlLiteral(value: string | number | boolean): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "true" : "false";
  return numberText(value);
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const ASCII = /^[\x00-\x7f]*$/;
const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  // Most names are ASCII, where bytes equal characters; the designer compiles on every keystroke.
  return ASCII.test(text) ? text.length : encoder.encode(text).length;
}

export const MAX_IDENTIFIER_BYTES = 63;
