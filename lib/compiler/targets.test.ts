import { describe, expect, it } from "vitest";
import { compileDesign, type Bundle } from ".";
import { template, type Design } from "../design";
import { apply, pendingMigrations } from "../db";
import { freshPglite } from "../db/pglite-template";

function bundleOf(design: Design): Bundle {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.bundle;
}

const text = (bundle: Bundle, suffix: string) => bundle.find((f) => f.path.endsWith(suffix))!.contents;

describe("targets", () => {
  it("Supabase: its migration layout, auth.uid() and auth.jwt(), roles authenticated and anon, drizzle-orm/supabase", () => {
    const bundle = bundleOf({ ...template("saas"), target: "supabase" });
    expect(bundle.map((f) => f.path).filter((p) => p.startsWith("supabase/migrations/"))).toEqual([
      "supabase/migrations/20260101000000_rls_setup.sql",
      "supabase/migrations/20260101000001_tables.sql",
      "supabase/migrations/20260101000002_rls_helpers.sql",
      "supabase/migrations/20260101000003_policies.sql",
      "supabase/migrations/20260101000004_indexes.sql",
    ]);
    expect(bundle.some((f) => f.path.includes("_journal.json") || f.path === "drizzle.config.ts")).toBe(false);
    const policies = text(bundle, "_policies.sql");
    // A text user column compares the token's sub as text: auth.uid() would cast a Clerk id to uuid and fail.
    expect(policies).toContain(`"user_id" = (select (CASE WHEN pg_catalog.jsonb_typeof(auth.jwt() -> 'sub') = 'string' THEN auth.jwt() ->> 'sub' END))`);
    expect(policies).toContain(`TO "anon"`);
    expect(policies).not.toContain("statement-breakpoint");
    expect(text(bundle, "_rls_helpers.sql")).toContain("claims pg_catalog.jsonb := auth.jwt();");
    expect(text(bundle, "schema.ts")).toContain(`import { anonRole, authenticatedRole } from "drizzle-orm/supabase";`);
  });

  it("plain PostgreSQL: its own auth schema over request.jwt.claims, and the design's role names", () => {
    const bundle = bundleOf({ ...template("todos"), target: "postgres", postgres: { signedInRole: "web_user", anonymousRole: "web_anon" } });
    const setup = text(bundle, "0000_postgres_setup.sql");
    expect(setup).toContain("CREATE OR REPLACE FUNCTION auth.user_id() RETURNS pg_catalog.text");
    expect(setup).toContain("pg_catalog.current_setting('request.jwt.claims', true)");
    expect(setup).toContain(`CREATE ROLE "web_user" NOLOGIN;`);
    expect(setup).not.toMatch(/pg_session_jwt/);
    expect(text(bundle, "_policies.sql")).toContain(`TO "web_user"`);
    expect(text(bundle, "schema.ts")).toContain(`export const signedInRole = pgRole("web_user").existing();`);
    expect(bundle.some((f) => f.path.startsWith("dev/"))).toBe(false);
  });

  it("Neon both ways: the Data API or the serverless driver's authToken, each with its own instructions", () => {
    const dataApi = bundleOf(template("todos"));
    const driver = bundleOf({ ...template("todos"), neon: { tokenVia: "serverless-driver" } });
    expect(text(dataApi, "README.md")).toContain("The Neon Data API (recommended)");
    expect(text(dataApi, "examples/authorized-query.tsx")).toContain("process.env.NEON_DATA_API_URL");
    expect(text(driver, "README.md")).toContain("The serverless driver's `authToken`");
    expect(text(driver, "examples/authorized-query.tsx")).toContain("neon(process.env.DATABASE_AUTHENTICATED_URL!, {");
    expect(text(driver, "examples/authorized-query.tsx")).toContain(`import { auth } from "@clerk/nextjs/server";`);
  });

  it("reads nested claims by path, as Clerk's and Neon Auth's `o` object needs", () => {
    const design = template("saas");
    design.auth.tenancy = { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "rol"] };
    const helpers = text(bundleOf(design), "_rls_helpers.sql");
    expect(helpers).toContain("org pg_catalog.text := CASE WHEN pg_catalog.jsonb_typeof(claims -> 'o' -> 'id') = 'string' THEN nullif(claims -> 'o' ->> 'id', '') END;");
    expect(helpers).toContain("nullif(claims -> 'o' ->> 'rol', '')");
  });

  it("applies Supabase migrations once, in the Supabase CLI's ledger", async () => {
    const db = await freshPglite();
    try {
      const bundle = bundleOf({ ...template("saas"), target: "supabase" });
      const first = await apply(bundle, db);
      expect(first.applied).toHaveLength(5);
      expect(first.notices[0]).toMatch(/auth\.uid\(\) is not available on this database, so a local stand-in/);
      const ledger = await db.query<{ version: string; name: string }>("select version, name from supabase_migrations.schema_migrations order by version");
      expect(ledger.rows).toEqual([
        { version: "20260101000000", name: "rls_setup" },
        { version: "20260101000001", name: "tables" },
        { version: "20260101000002", name: "rls_helpers" },
        { version: "20260101000003", name: "policies" },
        { version: "20260101000004", name: "indexes" },
      ]);
      expect((await apply(bundle, db)).applied).toEqual([]);
      expect(await pendingMigrations(bundle, db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
