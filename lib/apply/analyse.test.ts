import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template, TEMPLATE_NAMES } from "../design";
import { readMigrations } from "../db";
import { analyseMigration, scanStatements } from "./analyse";

const migration = (...statements: string[]) => ({ tag: "0001_change", path: "drizzle/0001_change.sql", statements });
const kinds = (...statements: string[]) => analyseMigration(migration(...statements)).destructive.map((d) => `${d.statement} ${d.kind} ${d.target}`);

describe("analyseMigration", () => {
  it("finds every kind of change that drops or rewrites data, with its statement", () => {
    expect(
      kinds(
        `DROP TABLE "notes", public.tags;`,
        `ALTER TABLE "documents" DROP COLUMN "status", ALTER COLUMN "title" TYPE varchar(10), ALTER body SET DATA TYPE text;`,
        `ALTER TABLE ONLY "documents" DROP "legacy";`,
        `TRUNCATE TABLE "audit";`,
        `DELETE FROM "sessions";`,
        `UPDATE "documents" SET "status" = 'draft';`,
        `DROP SCHEMA "old" CASCADE;`,
      ),
    ).toEqual([
      "1 drop table notes",
      "1 drop table tags",
      "2 drop column documents.status",
      "2 alter column type documents.title",
      "2 alter column type documents.body",
      "3 drop column documents.legacy",
      "4 truncate audit",
      "5 delete without where sessions",
      "6 update without where documents",
      "7 drop schema old",
    ]);
  });

  it("leaves alone what keeps the data", () => {
    expect(
      kinds(
        `DROP POLICY IF EXISTS "p" ON "documents";`,
        `ALTER TABLE "documents" DROP CONSTRAINT "fk", ALTER COLUMN "status" DROP NOT NULL, ALTER COLUMN "status" DROP DEFAULT;`,
        `DELETE FROM "sessions" WHERE "expires_at" < now();`,
        `UPDATE "documents" SET "status" = 'draft' WHERE "status" IS NULL;`,
        `ALTER TABLE "tasks" ADD FOREIGN KEY ("project_id") REFERENCES "projects" ("id") ON DELETE CASCADE ON UPDATE CASCADE;`,
        `CREATE POLICY "u" ON "documents" FOR UPDATE TO "authenticated" USING (true);`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "documents" TO "authenticated";`,
        `-- DROP TABLE "documents";\nSELECT 'DROP TABLE documents; TRUNCATE x';`,
        `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $body$ DELETE FROM "documents" $body$;`,
      ),
    ).toEqual([]);
  });

  it("reads DO blocks, which run now", () => {
    expect(kinds(`DO $$\nBEGIN\n  IF true THEN\n    TRUNCATE "audit";\n  END IF;\nEND\n$$;`)).toEqual(["1 truncate audit"]);
  });

  it("sums up each template's migrations in one line", async () => {
    for (const name of TEMPLATE_NAMES) {
      const compiled = compileDesign(template(name));
      if (!compiled.ok) throw new Error(`template ${name} is invalid`);
      for (const m of await readMigrations(compiled.bundle)) {
        const analysis = analyseMigration(m);
        expect(analysis.destructive, `${name} ${m.tag}`).toEqual([]);
        expect(analysis.summary).not.toMatch(/other statement|nothing/);
        expect(analysis.summary).not.toContain("\n");
      }
    }
    const saas = compileDesign(template("saas"));
    if (!saas.ok) throw new Error("saas is invalid");
    const summaries = (await readMigrations(saas.bundle)).map((m) => analyseMigration(m).summary);
    expect(summaries.find((s) => s.includes("tables"))).toMatch(/^tables \w+, \w+; row-level security on 2 tables/);
    expect(summaries.some((s) => /^\d+ policies$/.test(s))).toBe(true);
  });

  it("puts what destroys data first in the summary", () => {
    expect(analyseMigration(migration(`CREATE TABLE "a" (id int);`, `DROP TABLE "b";`)).summary).toBe("DESTRUCTIVE: drop table b; table a");
  });
});

describe("scanStatements", () => {
  it("splits at top-level semicolons only, and empties strings and comments", () => {
    const pieces = scanStatements(`SELECT 'a;b' AS "x;y"; /* c; /* nested; */ */ SELECT $$ d; $$; -- e;\nSELECT E'f\\';g';`);
    expect(pieces.map((p) => p.code)).toEqual([`SELECT '' AS "x;y"`, "SELECT $$", "SELECT E''"]);
    expect(pieces[1].bodies).toEqual([" d; "]);
  });
});
