import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvConfig } from "@next/env";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compile, STATEMENT_BREAKPOINT, type Bundle } from ".";
import { PROVIDERS, template, validateDesign, type Design, type Model, type Provider } from "../design";
import { apply } from "../db";
import { freshPglite } from "../db/pglite-template";
import { sqlSnippetIdentifier, sqlSnippetLiteral } from "../targets/file-text";

/**
 * Hostile names in every generated file kind. Validation refuses these characters in names
 * (validate.test.ts checks the paths below); the compiler must still keep each file inert when
 * a name carries them, so these tests compile a validated model whose names were changed after
 * validation: every terminator and quote lands in TypeScript, SQL comments, Markdown and `.env`.
 */

/** Every character some reader of a generated file takes for the end of a line. */
const TERMINATORS = { LF: "\n", CR: "\r", CRLF: "\r\n", LS: "\u2028", PS: "\u2029", NEL: "\u0085", VT: "\v", FF: "\f" } as const;
const ALL_TERMINATORS = /\r\n|[\n\r\u2028\u2029\u0085\v\f]/;

/** Appended to every name: after each terminator, code that would run, and every quote of every file kind. */
const hostileSuffix = (t: string) =>
  `${t}PWNED();${t}EVIL=1${t}' " \` \${PWNED()} */ /* -- # | <img src=x onerror=PWNED()> [x](javascript:PWNED()) \\${t}# PWNED()${t}`;
/** The project name also carries drizzle's breakpoint marker, which splits a migration file wherever it appears. */
const hostileProject = (t: string) => `acme${hostileSuffix(t)} ${STATEMENT_BREAKPOINT} CREATE TABLE public.pwned (); --${t}`;

const MARK = "\u00a7"; // §: allowed in names, so the marked design validates; replaced after validation.
const NAME_KEYS = new Set(["name", "column", "columns", "row", "table", "user", "org", "role", "orgClaim", "roleClaim", "roles", "bypassRoles", "signedInRole", "anonymousRole"]);

/** Every name in the design, marked: tables, columns, references, firewall columns, roles, claims, membership names. */
function mark(value: unknown, key = ""): unknown {
  if (typeof value === "string") return NAME_KEYS.has(key) ? value + MARK : value;
  if (Array.isArray(value)) return value.map((item) => mark(item, key));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mark(v, k)]));
  return value;
}

type Variant = { target: Design["target"]; provider: Provider; tokenVia?: "data-api" | "serverless-driver"; tenancy: "claims" | "tables" };

function markedModel(variant: Variant): Model {
  const design: Design = { ...template("saas"), target: variant.target, auth: { provider: variant.provider } };
  design.auth.tenancy =
    variant.tenancy === "claims"
      ? { source: "claims", orgClaim: ["o", "id"], roleClaim: "org_role" }
      : { source: "tables", membership: { table: "members", user: "user_id", org: "org_id", role: "role" }, activeOrg: { table: "sessions", user: "user_id", org: "org_id" } };
  if (variant.target === "postgres") design.postgres = { signedInRole: "web_user", anonymousRole: "web_anon" };
  if (variant.tokenVia) design.neon = { tokenVia: variant.tokenVia };
  const result = validateDesign(mark(design));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.model;
}

/** The model with each mark replaced by `suffix`, and the project name by `projectName`. */
function withNames(model: Model, suffix: string, projectName: string): Model {
  const replaced = JSON.parse(JSON.stringify(model).replaceAll(MARK, JSON.stringify(suffix).slice(1, -1))) as Model;
  return { ...replaced, name: projectName };
}

const VARIANTS: Variant[] = [
  ...PROVIDERS.flatMap((provider): Variant[] => [
    { target: "neon", provider, tokenVia: "data-api", tenancy: "claims" },
    { target: "neon", provider, tokenVia: "serverless-driver", tenancy: "claims" },
    { target: "supabase", provider, tenancy: "claims" },
    { target: "postgres", provider, tenancy: "claims" },
  ]),
  { target: "neon", provider: "better-auth", tenancy: "tables" },
  { target: "postgres", provider: "better-auth", tenancy: "tables" },
];

const BENIGN = ".safe"; // not an identifier either, so schema.ts takes the same code paths as for hostile names

function file(bundle: Bundle, path: string): string {
  const found = bundle.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path}`);
  return found.contents;
}

/** The syntax tree's node kinds in order: equal for two files when only literal and comment text differ. */
function shapeOf(source: ts.SourceFile): string[] {
  const kinds: string[] = [];
  const visit = (node: ts.Node) => {
    kinds.push(ts.SyntaxKind[node.kind]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return kinds;
}

function parse(path: string, text: string): { source: ts.SourceFile; syntaxErrors: string[] } {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const transpiled = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { jsx: ts.JsxEmit.Preserve } });
  return { source, syntaxErrors: (transpiled.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")) };
}

/** Identifiers named PWNED and the texts of string and template literals. */
function tokensOf(source: ts.SourceFile): { identifiers: string[]; literals: string[] } {
  const identifiers: string[] = [];
  const literals: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) identifiers.push(node.text);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { identifiers, literals };
}

/** A README's lines, each line of fenced code replaced by a placeholder; the fences must pair up. */
function outsideFences(markdown: string): string[] {
  let inFence = false;
  const lines = markdown.split("\n").map((line) => {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      inFence = !inFence;
      return line;
    }
    return inFence ? "(code)" : line;
  });
  expect(inFence).toBe(false);
  return lines;
}

/**
 * The unescaped ASCII punctuation of a Markdown line outside its code spans: backslash-escaped
 * characters and code spans (a run of backticks up to the next run of the same length) are skipped,
 * as CommonMark reads them.
 */
function markupOutsideCode(line: string): string {
  let out = "";
  for (let i = 0; i < line.length; ) {
    if (line[i] === "\\" && /[!-/:-@[-`{-~]/.test(line[i + 1] ?? "")) {
      i += 2;
      continue;
    }
    if (line[i] === "`") {
      const run = /^`+/.exec(line.slice(i))![0];
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
      close.lastIndex = i + run.length;
      const end = close.exec(line);
      if (end) {
        i = end.index + run.length;
        out += "``";
        continue;
      }
    }
    if (/[!-/:-@[-`{-~]/.test(line[i])) out += line[i];
    i += 1;
  }
  return out;
}

const TS_FILES = ["src/db/schema.ts", "examples/authorized-query.tsx", "drizzle.config.ts"];

describe("generated files with hostile names", () => {
  for (const [terminatorName, t] of Object.entries(TERMINATORS)) {
    it(`TypeScript files stay inert: names with ${terminatorName} and every quote appear only inside literals and comments`, () => {
      for (const variant of VARIANTS) {
        const model = markedModel(variant);
        const benign = compile(withNames(model, BENIGN, "acme"));
        const hostileModel = withNames(model, hostileSuffix(t), hostileProject(t));
        const hostile = compile(hostileModel);
        for (const path of TS_FILES) {
          if (!hostile.some((f) => f.path === path)) continue;
          const label = `${variant.target}/${variant.provider}/${variant.tokenVia ?? variant.tenancy} ${path}`;
          const parsed = parse(path, file(hostile, path));
          expect(parsed.syntaxErrors, label).toEqual([]);
          // The same statements and expressions as with harmless names: nothing was added, nothing ended early.
          expect(shapeOf(parsed.source), label).toEqual(shapeOf(parse(path, file(benign, path)).source));
          const { identifiers, literals } = tokensOf(parsed.source);
          expect(identifiers.filter((name) => name.includes("PWNED") || name === "EVIL"), label).toEqual([]);
          if (path === "src/db/schema.ts") {
            // Names reach the code exactly: the literals hold the hostile table names byte for byte.
            for (const table of hostileModel.tables) expect(literals, label).toContain(table.name);
            // Policy SQL in tagged templates reads back as the same text the migrations run.
            const migrationsText = hostile.filter((f) => f.path.endsWith(".sql") && !f.path.endsWith("rls.test.sql")).map((f) => f.contents).join("\n");
            for (const literal of literals.filter((l) => l.includes(" = "))) expect(migrationsText, label).toContain(literal);
          }
        }
      }
    });

    it(`SQL migrations: a project name with ${terminatorName} and drizzle's breakpoint stays inside the header comment`, () => {
      for (const variant of VARIANTS) {
        const model = markedModel(variant);
        const benign = compile(withNames(model, BENIGN, "acme"));
        const hostile = compile(withNames(model, BENIGN, hostileProject(t)));
        const label = `${variant.target}/${variant.provider}`;
        // The pgTAP file costs ~200 ms to write (a run of the meaning per principal): checked for the first variant only.
        const sqlFiles = hostile.filter((f) => f.path.endsWith(".sql") && !f.path.startsWith("dev/") && (variant === VARIANTS[0] || !f.path.endsWith("rls.test.sql")));
        expect(sqlFiles.length).toBeGreaterThan(0);
        for (const { path, contents } of sqlFiles) {
          const lines = contents.split(ALL_TERMINATORS);
          // The header is two comment lines, whichever characters a reader counts as line ends.
          expect(lines[0], `${label} ${path}`).toMatch(/^-- acme.*\(target \w+\)\.$/);
          expect(lines[1], `${label} ${path}`).toMatch(/^-- Generated by RLS Designer/);
          expect(contents.split("\n").slice(0, 2), `${label} ${path}`).toEqual(lines.slice(0, 2));
          // drizzle-orm splits on the marker: the file has as many pieces as with a harmless name.
          expect(contents.split(STATEMENT_BREAKPOINT).length, `${label} ${path}`).toBe(file(benign, path).split(STATEMENT_BREAKPOINT).length);
        }
      }
    });

    it(`.env.example: with ${terminatorName} in the names, every line is a comment or KEY='value', as Next.js reads it`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "env-check-"));
      try {
        for (const variant of VARIANTS) {
          const model = markedModel(variant);
          const benignEnv = file(compile(withNames(model, BENIGN, "acme")), ".env.example");
          const env = file(compile(withNames(model, hostileSuffix(t), hostileProject(t))), ".env.example");
          const label = `${variant.target}/${variant.provider}`;
          for (const line of env.split(ALL_TERMINATORS)) expect(line, label).toMatch(/^(|#[^\n]*|[A-Z_][A-Z0-9_]*='[^']*')$/);
          // Next.js's own .env parser (@next/env, dotenv) finds exactly the variables of the harmless file.
          await writeFile(join(dir, ".env"), env);
          const { parsedEnv } = loadEnvConfig(dir, false, { info: () => {}, error: () => {} }, true);
          await writeFile(join(dir, ".env"), benignEnv);
          const { parsedEnv: benignParsed } = loadEnvConfig(dir, false, { info: () => {}, error: () => {} }, true);
          expect(Object.keys(parsedEnv ?? {}), label).toEqual(Object.keys(benignParsed ?? {}));
          expect(parsedEnv, label).not.toHaveProperty("EVIL");
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it(`README.md: names with ${terminatorName} stay escaped text; the Markdown has the same lines and table cells`, () => {
      for (const variant of VARIANTS) {
        const model = markedModel(variant);
        const benign = file(compile(withNames(model, BENIGN, "acme")), "README.md");
        const readme = file(compile(withNames(model, hostileSuffix(t), hostileProject(t))), "README.md");
        const label = `${variant.target}/${variant.provider}`;
        expect(readme.split(ALL_TERMINATORS), label).toEqual(readme.split("\n"));
        // Fenced code is shown verbatim (the fences must still pair up); the rest is Markdown to compare.
        const lines = outsideFences(readme);
        const benignLines = outsideFences(benign);
        expect(lines.length, label).toBe(benignLines.length);
        // A table cell ends at a pipe not escaped with a backslash: the same number on every line.
        const cells = (line: string) => (line.startsWith("|") ? (line.match(/(?<!\\)\|/g)?.length ?? 0) : 0);
        expect(lines.map(cells), label).toEqual(benignLines.map(cells));
        // Outside code spans, a name's punctuation is all backslash-escaped: no HTML, link, emphasis or
        // code span of its own; the markup left is the README's, as with harmless names.
        const markup = (line: string) => [...markupOutsideCode(line)].sort().join("");
        expect(lines.map(markup), label).toEqual(benignLines.map(markup));
        expect(lines.filter((l) => l.startsWith("#")).length, label).toBe(benignLines.filter((l) => l.startsWith("#")).length);
      }
    });
  }

  it("the breakpoint attack: a project name that would run its own statement through drizzle's split does not", async () => {
    const db = await freshPglite();
    try {
      const model = markedModel({ target: "neon", provider: "clerk", tokenVia: "data-api", tenancy: "claims" });
      const bundle = compile(withNames(model, "", `acme ${STATEMENT_BREAKPOINT} CREATE TABLE public.pwned (); --`));
      await apply(bundle, db);
      const pwned = await db.query<{ found: string | null }>("select to_regclass('public.pwned')::text as found");
      expect(pwned.rows).toEqual([{ found: null }]);
    } finally {
      await db.close();
    }
  });

  // Table names reach SQL comments through the parent, sharing and update-columns helpers too.
  it.each(["tracker", "documents"] as const)("the %s template's shapes keep names with every line terminator inside comments and quotes: the bundle applies as it is", async (name) => {
    const db = await freshPglite();
    try {
      for (const [terminatorName, t] of Object.entries(TERMINATORS)) {
        const result = validateDesign(mark(template(name)));
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        // Short, so that each name stays within PostgreSQL's 63 bytes; every quote and comment opener of SQL.
        const model = withNames(result.model, `${t}PWNED();${t}' " */ -- $$${t}`, "acme");
        const bundle = compile(model);
        await db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS rls CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA IF EXISTS auth CASCADE; DROP SCHEMA IF EXISTS rls_designer CASCADE;");
        // A name that left its comment would be a syntax error or call PWNED(); apply runs every statement.
        await apply(bundle, db);
        const tables = await db.query<{ name: string }>("select relname as name from pg_catalog.pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1");
        expect(tables.rows.map((r) => r.name), terminatorName).toEqual(model.tables.map((t) => t.name).sort());
      }
    } finally {
      await db.close();
    }
  });

  it("the PostgreSQL README quotes role names as SQL: PostgreSQL reads back the exact names", async () => {
    const db = await freshPglite();
    try {
      for (const t of [...Object.values(TERMINATORS), ""]) {
        const role = `web'user"${t}; DROP TABLE x; --\\`;
        const model = markedModel({ target: "postgres", provider: "custom", tenancy: "claims" });
        const readme = file(compile({ ...withNames(model, "", "acme"), databaseRoles: { signedIn: role, anonymous: "web_anon" } }), "README.md");
        expect(readme).toContain(`select set_config('role', ${sqlSnippetLiteral(role)}, true)`);
        expect(readme).toContain(`GRANT ${sqlSnippetIdentifier(role)}, "web_anon" TO app_login;`);
        const literal = await db.query<{ value: string }>(`select ${sqlSnippetLiteral(role)} as value`);
        expect(literal.rows[0].value).toBe(role);
        const identifier = await db.query(`select 1 as ${sqlSnippetIdentifier(role)}`);
        expect(Object.keys(identifier.rows[0])).toEqual([role]);
      }
    } finally {
      await db.close();
    }
  });
});
