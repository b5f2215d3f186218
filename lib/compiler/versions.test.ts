import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compileDesign, compileNextVersion, type Bundle } from "."
import type { AccessRule } from "../design";
import { TARGETS, template, validateDesign, type Design, type Target } from "../design";
import { apply, pendingMigrations, type Database, type Session } from "../db";
import { writeBundleFiles } from "../db/test-bundles";
import { createPostgresTestDatabase, resetBundleSchemas, testDatabases } from "../db/test-databases";
import { formatReport, verifyBundle } from "../verify";
import { DRIZZLE_KIT_RUNS, PROPERTY_RUNS, SUPABASE_CLI_RUNS } from "../testing/sizes";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

function next(previous: Bundle, design: Design) {
  const result = compileNextVersion(previous, design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const adminsMayDeleteProjects = (design: Design): Design => {
  const copy = structuredClone(design);
  copy.tables[0]!.access!.delete = { roles: ["owner", "admin"] };
  return copy;
};

describe("versions of a design", () => {
  it.each(TARGETS)("appends one migration for a changed policy and keeps every earlier file byte-identical (target %s)", (target) => {
    const v1 = compiled({ ...template("saas"), target });
    const v2 = next(v1.bundle, adminsMayDeleteProjects({ ...template("saas"), target }));
    expect(v2.kind).toBe("changed");
    if (v2.kind !== "changed") return;
    const migrations = (b: Bundle) => b.filter((f) => /^(drizzle\/\d{4}_|supabase\/migrations\/)/.test(f.path));
    const earlier = migrations(v1.bundle);
    expect(migrations(v2.bundle).slice(0, earlier.length)).toEqual(earlier);
    const added = migrations(v2.bundle).slice(earlier.length);
    expect(added.map((f) => f.path)).toEqual([v2.migrationPath]);
    const sql = added[0]!.contents;
    expect(sql.match(/CREATE POLICY/g)).toHaveLength(1);
    expect(sql).toContain(`CREATE POLICY "projects_delete" ON public."projects"`);
    expect(sql).toContain("ARRAY['owner', 'admin']::text[]");
    expect(v2.changes).toEqual(["policy projects_delete changed"]);
    if (target !== "supabase") {
      const journal = JSON.parse(v2.bundle.find((f) => f.path === "drizzle/meta/_journal.json")!.contents) as { entries: { when: number; tag: string }[] };
      const whens = journal.entries.map((e) => e.when);
      expect([...whens].sort((a, b) => a - b)).toEqual(whens);
      expect(new Set(whens).size).toBe(whens.length);
      expect(journal.entries.at(-1)!.tag).toBe("0005_v2");
    } else {
      const versions = migrations(v2.bundle).map((f) => f.path.split("/").at(-1)!.slice(0, 14));
      expect([...versions].sort()).toEqual(versions);
      expect(v2.migrationPath).toMatch(/^supabase\/migrations\/\d{14}_v2\.sql$/);
    }
  });

  it("writes nothing when the design did not change, and compiles the same bytes every time", () => {
    const v1 = compiled(template("saas"));
    const again = next(v1.bundle, template("saas"));
    expect(again.kind).toBe("unchanged");
    const v2a = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
    const v2b = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
    expect(v2a).toEqual(v2b);
    if (v2a.kind !== "changed") throw new Error("expected a change");
    expect(next(v2a.bundle, adminsMayDeleteProjects(template("saas"))).kind).toBe("unchanged");
  });

  it("refuses a change of target whose migrations live in another layout", () => {
    const v1 = compiled(template("saas"));
    expect(() => next(v1.bundle, { ...template("saas"), target: "supabase" })).toThrow(/target changed from neon to supabase/);
  });
});

/**
 * What a database holds, from the catalogs, in an order that does not depend on how it got there.
 * NOT NULL is read from the columns: PostgreSQL 18 also names it as a constraint, and keeps that
 * name when a column is renamed.
 */
async function catalog(db: Session): Promise<string> {
  const queries = [
    `select c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) as type, a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default
       from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
       left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by 1, 2`,
    `select conrelid::regclass::text as rel, conname, contype, pg_catalog.pg_get_constraintdef(oid) as def from pg_catalog.pg_constraint
      where connamespace = 'public'::regnamespace and contype <> 'n' order by 1, 2`,
    `select indexrelid::regclass::text as name, pg_catalog.pg_get_indexdef(indexrelid) as def from pg_catalog.pg_index i
       join pg_catalog.pg_class c on c.oid = i.indrelid where c.relnamespace = 'public'::regnamespace order by 1`,
    `select tablename, policyname, permissive, roles::text, cmd, qual, with_check from pg_catalog.pg_policies where schemaname = 'public' order by 1, 2`,
    `select relname, relrowsecurity, relforcerowsecurity, relacl::text from pg_catalog.pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`,
    `select n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) as args, p.prosrc, p.proconfig::text, p.prosecdef, p.proacl::text
       from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where n.nspname = 'rls' order by 1, 2, 3`,
  ];
  const parts: string[] = [];
  for (const sql of queries) parts.push(JSON.stringify((await db.query(sql)).rows));
  return parts.join("\n");
}


/** The design after the edits, or null when they do not make a valid design (an edit of a table an earlier one dropped). */
function edited(design: Design, edits: readonly { edit: (d: Design) => void }[]): Design | null {
  const next = structuredClone(design);
  try {
    for (const { edit } of edits) edit(next);
  } catch {
    return null;
  }
  return validateDesign(next).ok ? next : null;
}

/** projects -> workspaces, keeping its id, and the reference that names it. */
function renameProjects(d: Design): void {
  const projects = d.tables.find((t) => t.name === "projects")!;
  Object.assign(projects, { id: projects.id ?? "projects", name: "workspaces" });
  for (const t of d.tables) for (const c of t.columns) if (c.references?.table === "projects") c.references.table = "workspaces";
}

/** Random edits a user makes between two versions; each result is validated, invalid ones are skipped. */
function arbitraryEdit(): fc.Arbitrary<{ label: string; edit: (d: Design) => void }> {
  return fc.constantFrom(...EDITS);
}

/** Spec §4's shapes: each is tried on its own too, both ways (added, and taken away again). */
const SHAPE_EDITS = ["update becomes a rule list with columns", "comments through a parent", "documents shared through a sharing table"];

const EDITS: { label: string; edit: (d: Design) => void }[] = (() => {
  const edits: { label: string; edit: (d: Design) => void }[] = [
    { label: "add a nullable column", edit: (d) => d.tables[1]!.columns.push({ name: "archived_at", type: "timestamptz" }) },
    { label: "add a column with a default", edit: (d) => d.tables[1]!.columns.push({ name: "archived", type: "boolean", notNull: true, default: "false" }) },
    { label: "drop a column", edit: (d) => (d.tables[0]!.columns = d.tables[0]!.columns.filter((c) => c.name !== "created_at")) },
    { label: "change a type", edit: (d) => (d.tables[1]!.columns.find((c) => c.name === "title")!.type = "varchar") },
    { label: "change the type of a column a policy reads", edit: (d) => (d.tables[1]!.columns.find((c) => c.name === "status")!.type = "varchar") },
    { label: "change a default", edit: (d) => (d.tables[1]!.columns.find((c) => c.name === "status")!.default = "'review'") },
    { label: "make a column NOT NULL", edit: (d) => (d.tables[1]!.columns.find((c) => c.name === "project_id")!.notNull = true) },
    { label: "admins may delete projects", edit: (d) => (d.tables[0]!.access!.delete = { roles: ["owner", "admin"] }) },
    { label: "viewers lose select", edit: (d) => (d.tables[1]!.access!.select = { roles: ["owner", "admin", "member"] }) },
    { label: "change a condition", edit: (d) => ((d.tables[1]!.access!.update as AccessRule).where = [{ column: "status", op: "in", value: ["draft", "review"] }]) },
    { label: "ownership required", edit: (d) => (d.tables[1]!.firewall = { organization: { column: "organization_id" }, owner: { column: "user_id" } }) },
    { label: "signed-out visitors read published documents", edit: (d) => (d.tables[1]!.anonymous = { select: { where: [{ column: "status", op: "eq", value: "published" }] } }) },
    { label: "references across organizations", edit: (d) => (d.tables[1]!.columns.find((c) => c.name === "project_id")!.references!.crossOrganization = true) },
    { label: "force row-level security", edit: (d) => (d.forceRowLevelSecurity = true) },
    { label: "a new role", edit: (d) => { d.roles = [...d.roles!, "guest"]; d.tables[0]!.access!.select = { roles: ["owner", "admin", "member", "viewer", "guest"] }; } },
    {
      label: "add a table",
      edit: (d) =>
        d.tables.push({
          name: "comments",
          columns: [
            { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
            { name: "organization_id", type: "text", notNull: true },
            { name: "document_id", type: "uuid", references: { table: "documents", column: "id", onDelete: "cascade" } },
            { name: "body", type: "text", notNull: true },
          ],
          firewall: { organization: { column: "organization_id" } },
          access: { select: {}, insert: {} },
        }),
    },
    { label: "drop a table", edit: (d) => { d.tables = d.tables.filter((t) => t.name !== "documents"); } },
    { label: "tenancy from tables", edit: (d) => (d.auth.tenancy = { source: "tables" }) },
    { label: "rename a table", edit: (d) => renameProjects(d) },
    {
      label: "rename a column a policy reads",
      edit: (d) => {
        const documents = d.tables.find((t) => t.name === "documents")!;
        const status = documents.columns.find((c) => c.name === "status")!;
        Object.assign(status, { id: status.id ?? "status", name: "state" });
        for (const rule of Object.values(documents.access ?? {}).flat()) for (const c of [...(rule?.where ?? []), ...(rule?.check ?? [])]) if (c.column === "status") c.column = "state";
      },
    },
    {
      label: "swap two column names",
      edit: (d) => {
        const documents = d.tables.find((t) => t.name === "documents")!;
        const title = documents.columns.find((c) => c.name === "title")!;
        const id = documents.columns.find((c) => c.name === "id")!;
        Object.assign(title, { id: title.id ?? "title", name: "id" });
        Object.assign(id, { id: id.id ?? "id", name: "title" });
      },
    },
    { label: "the provider", edit: (d) => (d.auth.provider = "workos") },
    // Spec §4's shapes: each change is a migration like any other.
    {
      label: "update becomes a rule list with columns",
      edit: (d) =>
        (d.tables[1]!.access!.update = [
          { roles: ["member"], where: [{ column: "status", op: "eq", value: "draft" }], columns: ["title", "status"] },
          { roles: ["owner", "admin"] },
        ]),
    },
    {
      label: "comments through a parent",
      edit: (d) =>
        d.tables.push({
          name: "comments",
          columns: [
            { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
            { name: "document_id", type: "uuid", notNull: true, references: { table: "documents", column: "id", onDelete: "cascade" } },
            { name: "body", type: "text", notNull: true },
          ],
          firewall: { parent: { column: "document_id" } },
          access: { select: {}, insert: {}, update: { columns: ["body"] } },
        }),
    },
    {
      label: "documents shared through a sharing table",
      edit: (d) => {
        d.tables.push({
          name: "document_shares",
          columns: [
            { name: "document_id", type: "uuid", primaryKey: true, references: { table: "documents", column: "id", onDelete: "cascade" } },
            { name: "user_id", type: "text", primaryKey: true },
          ],
          firewall: { parent: { column: "document_id" } },
          access: { select: { where: [{ column: "user_id", op: "eq", value: "$user" }] }, insert: {} },
        });
        const documents = d.tables.find((t) => t.name === "documents")!;
        documents.access!.select = [documents.access!.select as AccessRule, { sharedVia: { table: "document_shares", row: "document_id", user: "user_id" } }];
      },
    },
  ];
  return edits;
})();

const RUNS = PROPERTY_RUNS;

describe.each(testDatabases())("applying version 1 then version 2 on $name", ({ name, open }) => {
  let upgraded: Database;
  let fresh: Database;
  afterAll(async () => {
    await upgraded?.close();
    await fresh?.close();
  });

  it("applies just the difference, keeps the rows, and proves the new version", async () => {
    upgraded = await open();
    fresh = await open();
    const v1 = compiled(template("saas"));
    await apply(v1.bundle, upgraded);
    await upgraded.query(`insert into public."projects" ("organization_id", "name") values ('org-a', 'kept')`);
    const v2 = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
    if (v2.kind !== "changed") throw new Error("expected a change");
    expect(await pendingMigrations(v2.bundle, upgraded)).toEqual(["0005_v2"]);
    const result = await apply(v2.bundle, upgraded);
    expect(result.applied).toEqual(["0005_v2"]);
    expect(await pendingMigrations(v2.bundle, upgraded)).toEqual([]);
    expect((await upgraded.query<{ name: string }>(`select "name" from public."projects"`)).rows).toEqual([{ name: "kept" }]);
    const report = await verifyBundle(v2.compiled.model, v2.bundle, upgraded);
    expect(report.mismatches, formatReport(report)).toEqual([]);
  });

  it("renames a table and a column in place: rows survive, and the result is a fresh apply's", async () => {
    upgraded ??= await open();
    fresh ??= await open();
    await resetBundleSchemas(upgraded);
    await resetBundleSchemas(fresh);
    const v1 = compiled(template("saas"));
    await apply(v1.bundle, upgraded);
    await upgraded.query(`insert into public."projects" ("id", "organization_id", "name") values ('00000000-0000-4000-8000-000000000001', 'org-a', 'kept')`);
    await upgraded.query(`insert into public."documents" ("organization_id", "user_id", "project_id", "title") values ('org-a', 'u', '00000000-0000-4000-8000-000000000001', 'doc')`);
    const design = template("saas");
    renameProjects(design);
    const name = design.tables[0]!.columns.find((c) => c.name === "name")!;
    Object.assign(name, { id: "name", name: "label" });
    const v2 = next(v1.bundle, design);
    if (v2.kind !== "changed") throw new Error("expected a change");
    expect(v2.changes).toEqual(expect.arrayContaining(["table projects renamed to workspaces", "column workspaces.name renamed to label"]));
    const sql = v2.bundle.find((f) => f.path === v2.migrationPath)!.contents;
    expect(sql).not.toMatch(/DROP TABLE|DROP COLUMN/);
    await apply(v2.bundle, upgraded);
    await apply(v2.compiled.bundle, fresh);
    expect(await catalog(upgraded)).toBe(await catalog(fresh));
    expect((await upgraded.query(`select "label" from public."workspaces"`)).rows).toEqual([{ label: "kept" }]);
    expect((await upgraded.query(`select "title" from public."documents"`)).rows).toEqual([{ title: "doc" }]);
  });

  it.each(SHAPE_EDITS.flatMap((label) => [[label, "forward"], [label, "back"]] as const))(
    "converges and verifies when %s (%s)",
    async (label, direction) => {
      const edit = EDITS.find((e) => e.label === label)!;
      const saas = template("saas");
      const withShape = edited(saas, [edit])!;
      const [v1Design, v2Design] = direction === "forward" ? [saas, withShape] : [withShape, saas];
      const v1 = compiled(v1Design);
      const v2 = next(v1.bundle, v2Design);
      if (v2.kind !== "changed") throw new Error("expected a change");
      upgraded ??= await open();
      fresh ??= await open();
      await resetBundleSchemas(upgraded);
      await resetBundleSchemas(fresh);
      await apply(v1.bundle, upgraded);
      await apply(v2.bundle, upgraded);
      await apply(v2.compiled.bundle, fresh);
      expect(await catalog(upgraded)).toBe(await catalog(fresh));
      expect(await pendingMigrations(v2.bundle, upgraded)).toEqual([]);
      const report = await verifyBundle(v2.compiled.model, v2.bundle, upgraded);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    },
    120_000,
  );

  it.each(["neon", "supabase"] as Target[])(
    "converges: version 1 then a random edit gives what a fresh apply of version 2 gives (target %s, property)",
    async (target) => {
      await fc.assert(
        fc.asyncProperty(fc.array(arbitraryEdit(), { minLength: 1, maxLength: 3 }), async (edits) => {
          const v1Design = { ...template("saas"), target };
          const v2Design = edited(v1Design, edits);
          fc.pre(v2Design !== null);
          if (v2Design === null) return;
          const v1 = compiled(v1Design);
          const v2 = next(v1.bundle, v2Design);
          fc.pre(v2.kind === "changed");
          if (v2.kind !== "changed") return;
          await resetBundleSchemas(upgraded);
          await resetBundleSchemas(fresh);
          await apply(v1.bundle, upgraded);
          await apply(v2.bundle, upgraded);
          await apply(v2.compiled.bundle, fresh);
          const labels = edits.map((e) => e.label).join(", ");
          expect(await catalog(upgraded), labels).toBe(await catalog(fresh));
          expect(await pendingMigrations(v2.bundle, upgraded), labels).toEqual([]);
          const report = await verifyBundle(v2.compiled.model, v2.bundle, upgraded);
          expect(report.mismatches, `${labels}\n${formatReport(report)}`).toEqual([]);
        }),
        { numRuns: Math.max(2, Math.round(RUNS[name] / 5)), endOnFailure: true },
      );
    },
    1_200_000,
  );
});

const adminUrl = process.env.DATABASE_URL;
const run = promisify(execFile);
const root = join(process.cwd(), "tmp", `versions-${process.pid}`);
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!adminUrl)("the real drizzle-kit migrate converges too", () => {
  it("applies version 1 then a random edit as a fresh apply of version 2 does (property, PostgreSQL)", async () => {
    const drizzleKit = join(process.cwd(), "node_modules", ".bin", "drizzle-kit");
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryEdit(), { minLength: 1, maxLength: 2 }), async (edits) => {
        const v2Design = edited(template("saas"), edits);
        fc.pre(v2Design !== null);
        if (v2Design === null) return;
        const v1 = compiled(template("saas"));
        const v2 = next(v1.bundle, v2Design);
        fc.pre(v2.kind === "changed");
        if (v2.kind !== "changed") return;
        const folder = join(root, `property-${n++}`);
        const write = (bundle: Bundle) => writeBundleFiles(folder, bundle);
        const viaKit = await createPostgresTestDatabase(adminUrl!);
        const fresh = await createPostgresTestDatabase(adminUrl!);
        try {
          await viaKit.db.exec(v1.bundle.find((f) => f.path === "dev/pg_session_jwt-stand-in.sql")!.contents);
          const migrate = () => run(drizzleKit, ["migrate"], { cwd: folder, env: { ...process.env, DATABASE_URL: viaKit.url } });
          await write(v1.bundle);
          await migrate();
          await write(v2.bundle);
          await migrate();
          await apply(v2.compiled.bundle, fresh.db);
          expect(await catalog(viaKit.db), edits.map((e) => e.label).join(", ")).toBe(await catalog(fresh.db));
        } finally {
          await viaKit.db.close();
          await fresh.db.close();
        }
      }),
      { numRuns: DRIZZLE_KIT_RUNS, endOnFailure: true },
    );
  }, 600_000);
});

describe.skipIf(!adminUrl)("drizzle-kit migrate follows a new version", () => {
  it("applies exactly the appended migration, and the changed policy reaches the database", async () => {
    const folder = join(root, "saas");
    const write = (bundle: Bundle) => writeBundleFiles(folder, bundle);
    const v1 = compiled(template("saas"));
    await write(v1.bundle);
    const { url, db } = await createPostgresTestDatabase(adminUrl!);
    try {
      await db.exec(v1.bundle.find((f) => f.path === "dev/pg_session_jwt-stand-in.sql")!.contents);
      const drizzleKit = join(process.cwd(), "node_modules", ".bin", "drizzle-kit");
      await run(drizzleKit, ["migrate"], { cwd: folder, env: { ...process.env, DATABASE_URL: url } });
      const v2 = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
      if (v2.kind !== "changed") throw new Error("expected a change");
      await write(v2.bundle);
      await run(drizzleKit, ["migrate"], { cwd: folder, env: { ...process.env, DATABASE_URL: url } });
      const policy = await db.query<{ qual: string }>(`select qual from pg_catalog.pg_policies where policyname = 'projects_delete'`);
      expect(policy.rows[0]!.qual).toContain("admin");
      expect((await db.query<{ n: string }>(`select count(*) as n from drizzle.__rls_designer_migrations`)).rows[0]!.n).toBe("6");
      expect(await pendingMigrations(v2.bundle, db)).toEqual([]);
      const report = await verifyBundle(v2.compiled.model, v2.bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe.skipIf(!adminUrl)("the bundle's ledger beside the application's own drizzle migrations", () => {
  it("applies every version although the application migrated later, with the real drizzle-kit", async () => {
    const app = join(root, "app");
    const ours = join(root, "ours");
    const writeTo = writeBundleFiles;
    // The application's own migration, generated "today" by drizzle-kit, in drizzle-kit's default ledger.
    await writeTo(app, [
      { path: "drizzle/0000_app.sql", contents: `CREATE TABLE public."app_settings" ("key" text PRIMARY KEY, "value" text);\n` },
      { path: "drizzle/meta/_journal.json", contents: JSON.stringify({ version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: Date.UTC(2026, 10, 30), tag: "0000_app", breakpoints: true }] }) },
      { path: "drizzle.config.ts", contents: `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", out: "./drizzle", dbCredentials: { url: process.env.DATABASE_URL! } });\n` },
    ]);
    const v1 = compiled(template("saas"));
    await writeTo(ours, v1.bundle);
    const { url, db } = await createPostgresTestDatabase(adminUrl!);
    const drizzleKit = join(process.cwd(), "node_modules", ".bin", "drizzle-kit");
    const migrate = (cwd: string) => run(drizzleKit, ["migrate"], { cwd, env: { ...process.env, DATABASE_URL: url } });
    try {
      await db.exec(v1.bundle.find((f) => f.path === "dev/pg_session_jwt-stand-in.sql")!.contents);
      await migrate(app);
      await migrate(ours);
      expect((await db.query<{ found: boolean }>(`select to_regclass('public.projects') is not null as found`)).rows[0]!.found).toBe(true);
      const v2 = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
      if (v2.kind !== "changed") throw new Error("expected a change");
      await writeTo(ours, v2.bundle);
      await migrate(ours);
      expect((await db.query<{ qual: string }>(`select qual from pg_catalog.pg_policies where policyname = 'projects_delete'`)).rows[0]!.qual).toContain("admin");
      expect((await db.query<{ n: string }>(`select count(*) as n from drizzle.__drizzle_migrations`)).rows[0]!.n).toBe("1");
      expect(await pendingMigrations(v2.bundle, db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe.each(testDatabases())("a database applied before bundles had a ledger of their own, on $name", ({ open }) => {
  it("carries this bundle's rows over from drizzle's default ledger and applies only the new version", async () => {
    const db = await open();
    try {
      const v1 = compiled(template("saas"));
      // As compiled before: drizzle.config.ts without its own ledger table.
      const older = v1.bundle.map((f) => (f.path === "drizzle.config.ts" ? { ...f, contents: f.contents.replace(/\n\s*\/\/ A ledger[^\n]*\n[^\n]*\n\s*migrations: [^\n]*/, "") } : f));
      expect(older.find((f) => f.path === "drizzle.config.ts")!.contents).not.toContain("migrations:");
      await apply(older, db);
      await db.query(`insert into drizzle.__drizzle_migrations ("hash", "created_at") values ('the app''s own', $1)`, [String(Date.UTC(2026, 10, 30))]);
      const v2 = next(v1.bundle, adminsMayDeleteProjects(template("saas")));
      if (v2.kind !== "changed") throw new Error("expected a change");
      expect(await pendingMigrations(v2.bundle, db)).toEqual(["0005_v2"]);
      expect((await apply(v2.bundle, db)).applied).toEqual(["0005_v2"]);
      expect((await db.query<{ n: string }>(`select count(*) as n from drizzle.__rls_designer_migrations`)).rows[0]!.n).toBe("6");
    } finally {
      await db.close();
    }
  });
});

/**
 * The Supabase CLI itself, from npm (tools-check/, installed by .ci/run: a 130 MB binary the app
 * does not need). On a machine without it the test is skipped, and in CI it must be there.
 */
const supabaseCli = join(process.cwd(), "tools-check", "node_modules", ".bin", "supabase");
const haveSupabaseCli = existsSync(supabaseCli);
if (process.env.CI === "true" && adminUrl && !haveSupabaseCli) throw new Error(`CI runs the real Supabase CLI: ${supabaseCli} is missing (npm ci --prefix tools-check)`);

describe.skipIf(!adminUrl || !haveSupabaseCli)("the real Supabase CLI (supabase db push) follows a new version", () => {
  /** `supabase db push --db-url` as a user runs it in the bundle's folder; the local server speaks no TLS. */
  const push = (folder: string, url: string) =>
    run(supabaseCli, ["db", "push", "--db-url", `${url}${url.includes("?") ? "&" : "?"}sslmode=disable`, "--yes"], {
      cwd: folder,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    });

  it("pushes version 1, says it is up to date, then pushes exactly the appended migration of version 2", async () => {
    const folder = join(root, "supabase-cli");
    const design = { ...template("saas"), target: "supabase" as const };
    const v1 = compiled(design);
    await writeBundleFiles(folder, v1.bundle);
    const { url, db } = await createPostgresTestDatabase(adminUrl!);
    try {
      await db.exec(v1.bundle.find((f) => f.path === "dev/supabase-auth-stand-in.sql")!.contents);
      const first = await push(folder, url);
      expect(first.stdout + first.stderr).toMatch(/Applying migration 20260101000004_indexes\.sql/);
      const again = await push(folder, url);
      expect(again.stdout + again.stderr).toMatch(/up to date/i);

      const v2 = next(v1.bundle, adminsMayDeleteProjects(design));
      if (v2.kind !== "changed") throw new Error("expected a change");
      await writeBundleFiles(folder, v2.bundle);
      const second = await push(folder, url);
      const applied = [...(second.stdout + second.stderr).matchAll(/Applying migration (\S+)\.\.\./g)].map((m) => m[1]);
      expect(applied).toEqual([v2.migrationPath.split("/").pop()]);
      const policy = await db.query<{ qual: string }>(`select qual from pg_catalog.pg_policies where policyname = 'projects_delete'`);
      expect(policy.rows[0]!.qual).toContain("admin");
      expect(await pendingMigrations(v2.bundle, db)).toEqual([]);
      const report = await verifyBundle(v2.compiled.model, v2.bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 180_000);

  it("converges: version 1 then a random edit, pushed by the CLI, gives what a fresh apply of version 2 gives (property)", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryEdit(), { minLength: 1, maxLength: 2 }), async (edits) => {
        const v1Design = { ...template("saas"), target: "supabase" as const };
        const v2Design = edited(v1Design, edits);
        fc.pre(v2Design !== null);
        if (v2Design === null) return;
        const v1 = compiled(v1Design);
        const v2 = next(v1.bundle, v2Design);
        fc.pre(v2.kind === "changed");
        if (v2.kind !== "changed") return;
        const folder = join(root, `supabase-property-${n++}`);
        const viaCli = await createPostgresTestDatabase(adminUrl!);
        const fresh = await createPostgresTestDatabase(adminUrl!);
        try {
          const standIn = v1.bundle.find((f) => f.path === "dev/supabase-auth-stand-in.sql")!.contents;
          await viaCli.db.exec(standIn);
          await fresh.db.exec(standIn);
          await writeBundleFiles(folder, v1.bundle);
          await push(folder, viaCli.url);
          await writeBundleFiles(folder, v2.bundle);
          await push(folder, viaCli.url);
          await apply(v2.compiled.bundle, fresh.db);
          expect(await catalog(viaCli.db), edits.map((e) => e.label).join(", ")).toBe(await catalog(fresh.db));
          expect(await pendingMigrations(v2.bundle, viaCli.db)).toEqual([]);
        } finally {
          await viaCli.db.close();
          await fresh.db.close();
        }
      }),
      { numRuns: SUPABASE_CLI_RUNS, endOnFailure: true },
    );
  }, 600_000);
});
