import type { Design } from "./schema";

/**
 * Characters no name in a design may contain: each name reaches TypeScript, SQL comments, Markdown
 * and `.env` files, where these end a line or hide text. C0 and C1 controls (\n, \r, \v, \f,
 * U+0085 ...), DEL, U+2028 and U+2029 (they end a `//` comment in JavaScript), the bidirectional
 * controls (text that reads differently from what runs) and the byte-order mark. The compiler
 * A lone surrogate is not text at all (PostgreSQL cannot store it; encodeURIComponent throws). The compiler
 * escapes the others in every file anyway (lib/targets/file-text.ts); refusing them says so early, with the path.
 */
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|\p{Cs}/u;

/** drizzle-orm splits a migration file on this exact text wherever it appears, inside quotes too. */
export const DRIZZLE_BREAKPOINT = "--> statement-breakpoint";

const CHARACTER_NAMES: Record<number, string> = {
  0x00: "NUL",
  0x09: "tab",
  0x0a: "line feed",
  0x0b: "vertical tab",
  0x0c: "form feed",
  0x0d: "carriage return",
  0x7f: "delete",
  0x85: "next line",
  0x2028: "line separator",
  0x2029: "paragraph separator",
  0xfeff: "byte-order mark",
};

function describe(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name =
    CHARACTER_NAMES[code] ?? (code >= 0xd800 && code <= 0xdfff ? "a lone surrogate" : code >= 0x200e ? "a bidirectional control" : "a control character");
  return `${hex} (${name})`;
}

/** Keys whose strings are data (condition values, column defaults), not names: they may hold any text SQL can quote. */
const DATA_KEYS = new Set(["value", "default", "$schema"]);

export interface NameCharacterProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Every string of a design that becomes a name or a URL, checked for characters that would break
 * out of a generated file; every string, data included, checked for drizzle's breakpoint marker.
 * With `tableProblems`, each table's problems come from it (paths relative to the table, e.g.
 * `columns[0].name`), so that a cache can answer for the tables that did not change.
 */
export function nameCharacterProblems(design: Design, tableProblems?: (table: Design["tables"][number]) => readonly NameCharacterProblem[]): NameCharacterProblem[] {
  if (!tableProblems) return characterProblemsIn(design, false, []);
  const problems: NameCharacterProblem[] = [];
  for (const key in design) {
    if (!Object.hasOwn(design, key)) continue;
    const value = (design as Record<string, unknown>)[key];
    if (key !== "tables" || !Array.isArray(value)) {
      problems.push(...characterProblemsIn(value, DATA_KEYS.has(key), [key]));
      continue;
    }
    value.forEach((table, i) => {
      for (const p of tableProblems(table)) problems.push({ path: `tables[${i}]${p.path === "" || p.path.startsWith("[") ? "" : "."}${p.path}`, message: p.message });
    });
  }
  return problems;
}

/** The problems of one value (a design, a table), their paths from `at` on. */
export function characterProblemsIn(root: unknown, rootIsData: boolean, at: (string | number)[]): NameCharacterProblem[] {
  const problems: NameCharacterProblem[] = [];
  // The path is written out only for a problem: the designer checks every string on every keystroke.
  const pathOf = () => at.reduce<string>((path, key) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key), "");
  const visit = (value: unknown, isData: boolean) => {
    if (typeof value === "string") {
      const forbidden = isData ? null : FORBIDDEN_IN_NAMES.exec(value);
      if (forbidden) {
        problems.push({ path: pathOf(), message: `contains ${describe(forbidden[0])}; names may not contain control characters, line or paragraph separators, bidirectional controls or lone surrogates` });
      } else if (value.includes(DRIZZLE_BREAKPOINT)) {
        problems.push({ path: pathOf(), message: `contains "${DRIZZLE_BREAKPOINT}", which drizzle-kit reads as the end of a statement` });
      }
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        visit(value[i], isData);
        at.pop();
      }
    } else if (value !== null && typeof value === "object") {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        at.push(key);
        visit((value as Record<string, unknown>)[key], isData || DATA_KEYS.has(key));
        at.pop();
      }
    }
  };
  visit(root, rootIsData);
  return problems;
}
