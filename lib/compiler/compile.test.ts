import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileDesign, STATEMENT_BREAKPOINT, type Bundle } from ".";
import { TEMPLATE_NAMES, template, type Design } from "../design";
import { arbitraryDesign } from "../testing/arbitrary-design";

function bundleOf(design: Design): Bundle {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.bundle;
}

function file(bundle: Bundle, suffix: string): string {
  const found = bundle.find((f) => f.path.endsWith(suffix));
  if (!found) throw new Error(`no ${suffix} in ${bundle.map((f) => f.path).join(", ")}`);
  return found.contents;
}

function statements(bundle: Bundle): string[] {
  return bundle.filter((f) => f.path.endsWith(".sql")).flatMap((f) => f.contents.split(STATEMENT_BREAKPOINT).map((s) => s.replace(/^--.*\n/gm, "").trim()));
}

describe("compile", () => {
  it("lays out a drizzle-kit migration folder with a journal that lists every migration", () => {
    const bundle = bundleOf(template("saas"));
    expect(bundle.map((f) => f.path)).toEqual([
      "drizzle/0000_neon_setup.sql",
      "drizzle/0001_tables.sql",
      "drizzle/0002_rls_helpers.sql",
      "drizzle/0003_policies.sql",
      "drizzle/0004_indexes.sql",
      "drizzle/meta/_journal.json",
      "drizzle/meta/0004_snapshot.json",
      "src/db/schema.ts",
      "drizzle.config.ts",
      ".env.example",
      "dev/pg_session_jwt-stand-in.sql",
      "examples/authorized-query.tsx",
      "tests/rls.test.sql",
      "README.md",
      "rls-designer.json",
    ]);
    const journal = JSON.parse(file(bundle, "_journal.json"));
    expect(journal.entries.map((e: { tag: string }) => e.tag)).toEqual(["0000_neon_setup", "0001_tables", "0002_rls_helpers", "0003_policies", "0004_indexes"]);
    expect(journal.entries.every((e: { when: number }, i: number, all: { when: number }[]) => i === 0 || e.when > all[i - 1].when)).toBe(true);
  });

  it("is deterministic: the same design gives byte-identical files", () => {
    fc.assert(fc.property(arbitraryDesign, (design) => {
      expect(bundleOf(structuredClone(design))).toEqual(bundleOf(design));
    }), { numRuns: 50 });
  });

  it("sets up Neon: pg_session_jwt, both roles created only if missing, grants", () => {
    const setup = file(bundleOf(template("todos")), "0000_neon_setup.sql");
    expect(setup).toContain("CREATE EXTENSION IF NOT EXISTS pg_session_jwt;");
    expect(setup).toContain("RAISE EXCEPTION 'pg_session_jwt is not available on this database'");
    expect(setup).toMatch(/IF NOT EXISTS \(SELECT 1 FROM pg_catalog\.pg_roles WHERE rolname = 'authenticated'\) THEN\s+CREATE ROLE "authenticated" NOLOGIN;/);
    expect(setup).toMatch(/CREATE ROLE "anonymous" NOLOGIN;/);
    expect(setup).toContain('GRANT USAGE ON SCHEMA public TO "authenticated", "anonymous";');
  });

  it("wraps every auth and helper call in a scalar subquery, so it runs once per statement", () => {
    fc.assert(
      fc.property(arbitraryDesign, (design) => {
        const policies = statements(bundleOf(design)).filter((s) => s.includes("CREATE POLICY"));
        for (const policy of policies) {
          const calls = policy.match(/(auth\.user_id\(\)|"rls"\.\w+\()/g) ?? [];
          const wrapped = policy.match(/\(select (auth\.user_id\(\)|"rls"\.\w+\()/g) ?? [];
          expect(wrapped.length).toBe(calls.length);
          // never the correlated shape drizzle's authUid emits
          expect(policy).not.toMatch(/\(select auth\.user_id\(\) =/);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("makes tenant isolation RESTRICTIVE and names a role in every policy", () => {
    const policies = statements(bundleOf(template("saas"))).filter((s) => s.includes("CREATE POLICY"));
    // projects and documents: one select rule each, so the firewall is one policy per command.
    const firewall = policies.filter((p) => p.includes("_firewall"));
    expect(firewall).toHaveLength(8);
    for (const table of ["projects", "documents"]) {
      for (const command of ["select", "insert", "update", "delete"]) {
        const named = firewall.filter((p) => p.includes(`CREATE POLICY "${table}_firewall_${command}"`));
        expect(named).toHaveLength(1);
        expect(named[0]).toContain(`AS RESTRICTIVE FOR ${command.toUpperCase()} TO "authenticated"`);
      }
    }
    for (const p of policies) expect(p).toMatch(/TO "(authenticated|anonymous)"/);
    for (const p of policies) expect(p).not.toMatch(/TO public/i);
  });

  it("writes optional ownership as a BitmapOr-friendly OR of two indexable tests", () => {
    const policies = file(bundleOf(template("saas")), "0003_policies.sql");
    expect(policies).toContain(
      `USING (("organization_id" = (select "rls".active_organization_id()) AND "user_id" = (select auth.user_id()))\n    OR "organization_id" = (select "rls".bypass_organization_id(ARRAY['owner', 'admin']::text[])))`,
    );
  });

  it("puts the select rule's roles into the select firewall's index conditions, not in a filter of their own", () => {
    const policies = file(bundleOf(template("saas")), "0003_policies.sql");
    // The member path: the organization only while the role may select; the bypass path: the bypass roles that may select.
    expect(policies).toContain(
      `CREATE POLICY "documents_firewall_select" ON public."documents"\n  AS RESTRICTIVE FOR SELECT TO "authenticated"\n` +
        `  USING (("organization_id" = (select "rls".bypass_organization_id(ARRAY['owner', 'admin', 'member', 'viewer']::text[])) AND "user_id" = (select auth.user_id()))\n` +
        `    OR "organization_id" = (select "rls".bypass_organization_id(ARRAY['owner', 'admin']::text[])));`,
    );
    expect(policies).toContain(`CREATE POLICY "documents_select" ON public."documents"\n  AS PERMISSIVE FOR SELECT TO "authenticated"\n  USING (true);`);
    // Several select rules: each keeps its own roles, and the firewall stays one FOR ALL policy.
    const design = template("saas");
    const documents = design.tables.find((t) => t.name === "documents")!;
    documents.access = { ...documents.access, select: [{ roles: ["owner", "admin"] }, { roles: ["member", "viewer"], where: [{ column: "status", op: "neq", value: "draft" }] }] };
    const listed = file(bundleOf(design), "0003_policies.sql");
    expect(listed).toContain(`CREATE POLICY "documents_firewall" ON public."documents"\n  AS RESTRICTIVE FOR ALL TO "authenticated"`);
    expect(listed).not.toContain(`"documents_firewall_select"`);
  });

  it("drops each policy before creating it, so a migration can be re-run", () => {
    const all = statements(bundleOf(template("saas")));
    all.forEach((s, i) => {
      const created = /^CREATE POLICY ("[^"]+") ON (\S+)/m.exec(s);
      if (created) expect(all[i - 1]).toBe(`DROP POLICY IF EXISTS ${created[1]} ON ${created[2]};`);
    });
  });

  it("indexes every column a policy compares, organization first", () => {
    const indexes = file(bundleOf(template("saas")), "0004_indexes.sql");
    const tables = file(bundleOf(template("saas")), "0001_tables.sql");
    // projects' organization column is served by the unique key that same-organization references need.
    expect(tables).toContain('ALTER TABLE public."projects" ADD CONSTRAINT "projects_organization_id_id_key" UNIQUE ("organization_id", "id");');
    expect(indexes).not.toContain('ON public."projects"');
    expect(indexes).toContain('ON public."documents" USING btree ("organization_id", "user_id");');
    expect(indexes).toContain('ON public."documents" USING btree ("organization_id", "status");');
    expect(indexes).toContain('ON public."documents" USING btree ("organization_id", "project_id");');
  });

  it("helper functions are STABLE, pin search_path to pg_catalog, pg_temp and are executable only by the two roles", () => {
    const helpers = file(bundleOf(template("saas")), "0002_rls_helpers.sql");
    const functions = helpers.match(/CREATE OR REPLACE FUNCTION[\s\S]*?\$\$;/g) ?? [];
    expect(functions).toHaveLength(3);
    for (const f of functions) {
      expect(f).toContain("STABLE");
      expect(f).toContain("SET search_path = pg_catalog, pg_temp");
      expect(f).not.toContain("SECURITY DEFINER");
    }
    expect(helpers.match(/REVOKE ALL ON FUNCTION/g)).toHaveLength(3);
    const tables = structuredClone(template("saas"));
    tables.auth.tenancy = { source: "tables" };
    expect(file(bundleOf(tables), "0002_rls_helpers.sql")).toContain("SECURITY DEFINER");
  });

  it("reads the claims once per helper, with nullif, so an empty claim is no organization", () => {
    const helpers = file(bundleOf(template("saas")), "0002_rls_helpers.sql");
    expect(helpers).toContain("claims pg_catalog.jsonb := auth.session();");
    expect(helpers).toContain("org pg_catalog.text := CASE WHEN pg_catalog.jsonb_typeof(claims -> 'org_id') = 'string' THEN nullif(claims ->> 'org_id', '') END;");
  });

  it("quotes identifiers and escapes literals: hostile names stay inside their quotes", () => {
    const design = template("todos");
    design.tables[0].name = 'x"; DROP TABLE y; --';
    design.tables[0].columns[2].name = "it's";
    design.tables[0].access!.select = { where: [{ column: "it's", op: "eq", value: "'); DROP TABLE z; --" }] };
    const sql = statements(bundleOf(design)).join("\n");
    expect(sql).toContain('public."x""; DROP TABLE y; --"');
    expect(sql).toContain(`"it's" = '''); DROP TABLE z; --'`);
  });

  it("keeps derived names within 63 bytes and distinct", () => {
    const design = template("saas");
    design.tables[1].name = "d".repeat(63);
    const policies = file(bundleOf(design), "0003_policies.sql");
    const names = [...policies.matchAll(/CREATE POLICY "([^"]+)"/g)].map((m) => m[1]);
    for (const name of names) expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(names.length);
  });

  it("writes an .env.example for the way the token reaches Neon", () => {
    const driver = template("todos");
    driver.neon = { tokenVia: "serverless-driver" };
    const env = file(bundleOf(driver), ".env.example");
    expect(env).toMatch(/^DATABASE_URL=/m);
    expect(env).toMatch(/^DATABASE_AUTHENTICATED_URL=/m);
    expect(file(bundleOf(template("todos")), ".env.example")).toMatch(/^NEON_DATA_API_URL=/m);
  });

  it.each(TEMPLATE_NAMES)("gives pgPolicy for every policy of the %s template in schema.ts", (name) => {
    const bundle = bundleOf(template(name));
    const sqlPolicies = file(bundle, "_policies.sql").match(/CREATE POLICY/g)!.length;
    expect(file(bundle, "schema.ts").match(/pgPolicy\(/g)!.length).toBe(sqlPolicies);
  });
});

describe("canvas positions", () => {
  it("are validated as a layout and change no byte of the bundle", () => {
    for (const name of TEMPLATE_NAMES) {
      const design = template(name);
      const placed: Design = { ...design, tables: design.tables.map((t, i) => ({ ...t, position: { x: 40 + i * 300, y: 60.5 } })) };
      expect(bundleOf(placed)).toEqual(bundleOf(design));
    }
    const bad = { ...template("todos"), tables: template("todos").tables.map((t) => ({ ...t, position: { x: "left", y: 0 } })) };
    expect(compileDesign(bad).ok).toBe(false);
  });
});
