import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from ".";
import { TARGETS, template, validateDesign, type Design, type Target } from "../design";
import { apply, type Database, type Session } from "../db";
import { asNonSuperuserOwner, inRolledBackTransaction, resetBundleSchemas, testDatabases } from "../db/test-databases";
import { dialectFor } from "../targets";
import { formatReport, privilegeWarnings, verifyBundle } from "../verify";

/**
 * Attacks on the applied bundle, performed as the database's signed-in role. Each one worked
 * against an earlier version of the generated SQL (see docs/design-file.md, "Hardening").
 */

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

/** `tables` tenancy: the helpers are SECURITY DEFINER, so they are what an attacker aims at. */
function tablesTenancyDesign(target: Target): Design {
  return {
    version: 1,
    name: "attacked",
    target,
    auth: { provider: "custom", tenancy: { source: "tables" } },
    roles: ["owner", "member"],
    tables: [
      {
        name: "documents",
        columns: [
          { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
          { name: "organization_id", type: "text", notNull: true },
          { name: "user_id", type: "text", notNull: true },
          { name: "title", type: "text", notNull: true },
        ],
        firewall: { organization: { column: "organization_id" }, owner: { column: "user_id", mode: "optional", bypassRoles: ["owner"] } },
        access: { select: {}, insert: {}, update: {}, delete: { roles: ["owner"] } },
      },
    ],
  };
}

async function signIn(tx: Session, role: string, claims: Record<string, unknown>) {
  await tx.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [role, JSON.stringify(claims)]);
}

/**
 * A function of the attacker's that, if it ever runs as the helpers' owner, makes the attacker
 * `owner` of organization B (the membership table's own policies refuse this to the attacker).
 */
const EVIL = `CREATE FUNCTION pg_temp.evil(v pg_catalog.text) RETURNS boolean LANGUAGE plpgsql AS $evil$
BEGIN
  BEGIN
    INSERT INTO public."members" ("organization_id", "user_id", "role") VALUES ('org-b', 'attacker', 'owner');
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
  PERFORM pg_catalog.set_config('attack.ran_as', current_user::pg_catalog.text, true);
  RETURN true;
END
$evil$`;

/** Every type a function body might name without its schema, shadowed in pg_temp. */
const SHADOWED_TYPES = ["text", "jsonb", "uuid", "bool", "boolean", "int4", "integer", "varchar"];

describe.each(testDatabases())("attacks on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  describe.each(TARGETS)("target %s", (target) => {
    const { model, bundle } = compiled(tablesTenancyDesign(target));
    const dialect = dialectFor(model);

    beforeAll(async () => {
      await resetBundleSchemas(db);
      await apply(bundle, db);
    });

    it("types shadowed in pg_temp never run the signed-in user's code as the helpers' owner", async () => {
      const outcome = await inRolledBackTransaction(db, async (tx) => {
        await tx.query(`insert into public."members" ("organization_id", "user_id", "role") values ('org-a', 'attacker', 'member')`);
        await tx.query(`insert into public."user_sessions" ("user_id", "active_organization_id") values ('attacker', 'org-a')`);
        await tx.query(`insert into public."documents" ("organization_id", "user_id", "title") values ('org-b', 'victim', 'secret')`);
        await signIn(tx, dialect.signedInRole, { sub: "attacker" });
        await tx.query(EVIL);
        // Every function the bundle created that the signed-in role may call (the policies call the same ones).
        const callable = await tx.query<{ call: string }>(
          `select format('select %I.%I(%s)', n.nspname, p.proname, case when p.pronargs = 0 then '' else 'array[''owner'']::pg_catalog.text[]' end) as call
             from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
            where n.nspname in ('rls', 'auth') and p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
              and pg_catalog.has_function_privilege(p.oid, 'EXECUTE') and p.pronargs <= 1`,
        );
        expect(callable.rows.length).toBeGreaterThanOrEqual(3);
        const calls = [...callable.rows.map((r) => r.call), `select count(*) from public."documents"`];
        const escalations: string[] = [];
        // One shadowed type at a time: a call that fails rolls back what the attacker's code did.
        for (const type of SHADOWED_TYPES) {
          await tx.query("savepoint shadow");
          await tx.query(`CREATE DOMAIN pg_temp.${type} AS pg_catalog.text CHECK (pg_temp.evil(VALUE))`);
          for (const call of calls) {
            await tx.query("savepoint call");
            await tx.query("select set_config('attack.ran_as', '', true)");
            try {
              await tx.query(call);
              const ranAs = await tx.query<{ ran_as: string | null }>("select nullif(current_setting('attack.ran_as', true), '') as ran_as");
              const who = ranAs.rows[0]?.ran_as ?? null;
              if (who !== null && who !== dialect.signedInRole) escalations.push(`${call} with pg_temp.${type} ran the attacker's code as ${who}`);
              await tx.query("release savepoint call");
            } catch {
              await tx.query("rollback to savepoint call");
            }
          }
          await tx.query("release savepoint shadow");
          await tx.query("drop domain pg_temp." + type);
        }
        await tx.query("reset role");
        const memberships = await tx.query<{ n: string }>(`select count(*) as n from public."members" where "user_id" = 'attacker' and "organization_id" = 'org-b'`);
        return { escalations, memberships: Number(memberships.rows[0]?.n) };
      });
      // The attacker's function may run as the attacker (that grants nothing), never as anyone else.
      expect(outcome.escalations).toEqual([]);
      expect(outcome.memberships).toBe(0);
    });

    it("every function the bundle creates pins search_path to pg_catalog, pg_temp", async () => {
      const functions = await db.query<{ name: string; config: string[] | null }>(
        `select n.nspname || '.' || p.proname as name, p.proconfig as config
           from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
          where n.nspname in ('rls', 'auth') order by 1`,
      );
      expect(functions.rows.length).toBeGreaterThan(0);
      for (const f of functions.rows) expect(f.config, f.name).toEqual(["search_path=pg_catalog, pg_temp"]);
    });
  });

  describe.each(TARGETS)("references across organizations, target %s", (target) => {
    const saas = { ...template("saas"), target };
    const { bundle } = compiled(saas);
    const dialect = dialectFor(compiled(saas).model);
    const PROJECT_A = "00000000-0000-4000-8000-00000000000a";
    const PROJECT_B = "00000000-0000-4000-8000-00000000000b";
    const memberOf = (org: string) => ({ sub: `00000000-0000-4000-8000-0000000000${org === "org-a" ? "1a" : "1b"}`, org_id: org, org_role: "member" });

    beforeAll(async () => {
      await resetBundleSchemas(db);
      await apply(bundle, db);
    });

    async function withProjects<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
      return inRolledBackTransaction(db, async (tx) => {
        await tx.query(`insert into public."projects" ("id", "organization_id", "name") values ($1, 'org-a', 'A'), ($2, 'org-b', 'B')`, [PROJECT_A, PROJECT_B]);
        return fn(tx);
      });
    }

    async function sqlstateOf(tx: Session, sql: string, params: unknown[]): Promise<string | null> {
      await tx.query("savepoint attempt");
      try {
        await tx.query(sql, params);
        await tx.query("release savepoint attempt");
        return null;
      } catch (error) {
        await tx.query("rollback to savepoint attempt");
        return (error as { sqlstate?: string }).sqlstate ?? "unknown";
      }
    }

    it("refuses a row of organization B that references organization A's project, on insert and on update", async () => {
      const outcome = await withProjects(async (tx) => {
        const member = memberOf("org-b");
        await signIn(tx, dialect.signedInRole, member);
        const insert = `insert into public."documents" ("organization_id", "user_id", "title", "project_id") values ('org-b', $1, 'mine', $2)`;
        const intoA = await sqlstateOf(tx, insert, [member.sub, PROJECT_A]);
        const intoB = await sqlstateOf(tx, insert, [member.sub, PROJECT_B]);
        const moved = await sqlstateOf(tx, `update public."documents" set "project_id" = $1`, [PROJECT_A]);
        return { intoA, intoB, moved };
      });
      // 23503 whether or not A's project exists: the error tells nothing about other tenants' keys.
      expect(outcome).toEqual({ intoA: "23503", intoB: null, moved: "23503" });
    });

    it("refuses a cross-organization reference even from the owner's connection, so no delete cascades across tenants", async () => {
      const outcome = await withProjects(async (tx) => {
        const cross = await sqlstateOf(tx, `insert into public."documents" ("organization_id", "user_id", "title", "project_id") values ('org-b', 'u', 'x', $1)`, [PROJECT_A]);
        await tx.query(`insert into public."documents" ("organization_id", "user_id", "title", "project_id") values ('org-a', 'u', 'a', $1), ('org-b', 'u', 'b', $2)`, [PROJECT_A, PROJECT_B]);
        await tx.query(`delete from public."projects" where "id" = $1`, [PROJECT_A]);
        const left = await tx.query<{ title: string }>(`select "title" from public."documents" order by 1`);
        return { cross, left: left.rows.map((r) => r.title) };
      });
      expect(outcome).toEqual({ cross: "23503", left: ["b"] });
    });

    it("keeps a row's organization when its parent is deleted under SET NULL", async () => {
      const design = { ...template("saas"), target };
      design.tables.find((t) => t.name === "documents")!.columns.find((c) => c.name === "project_id")!.references!.onDelete = "set null";
      const tables = compiled(design).bundle.find((f) => f.path.endsWith("_tables.sql"))!.contents;
      const foreignKey = tables.split("\n").find((line) => line.includes("SET NULL"))!;
      expect(foreignKey).toContain(`REFERENCES public."projects" ("organization_id", "id") ON DELETE SET NULL ("project_id");`);
      const left = await withProjects(async (tx) => {
        const fk = await tx.query<{ name: string }>(`select conname as name from pg_catalog.pg_constraint where conrelid = 'public.documents'::regclass and contype = 'f'`);
        await tx.query(`alter table public."documents" drop constraint "${fk.rows[0]!.name}"`);
        await tx.query(foreignKey);
        await tx.query(`insert into public."documents" ("organization_id", "user_id", "title", "project_id") values ('org-a', 'u', 'a', $1)`, [PROJECT_A]);
        await tx.query(`delete from public."projects" where "id" = $1`, [PROJECT_A]);
        return (await tx.query(`select "organization_id", "project_id" from public."documents"`)).rows;
      });
      expect(left).toEqual([{ organization_id: "org-a", project_id: null }]);
    });

    it('allows references into other organizations where the design says "crossOrganization": true', () => {
      const design = template("saas");
      const documents = design.tables.find((t) => t.name === "documents")!;
      const projectId = documents.columns.find((c) => c.name === "project_id")!;
      projectId.references = { ...projectId.references!, crossOrganization: true };
      const tables = compiled({ ...design, target }).bundle.find((f) => f.path.endsWith("_tables.sql"))!.contents;
      expect(tables).toContain(`ADD CONSTRAINT "documents_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES public."projects" ("id") ON DELETE CASCADE;`);
      expect(tables).not.toContain("UNIQUE");
    });
  });
});

describe.each(testDatabases())("the firewall per command on $name", ({ open }) => {
  // saas: one select rule per table, so each table's firewall is four policies, one per command,
  // and only statements that read the rows meet the select one. A statement that reads nothing
  // (UPDATE ... SET constant, DELETE with no WHERE, an upsert) must meet the firewall all the same.
  let db: Database;
  const { bundle, model } = compiled(template("saas"));
  const dialect = dialectFor(model);
  const USER = "00000000-0000-4000-8000-0000000000aa";
  const A_OWN = "00000000-0000-4000-8000-00000000a001";
  const rowsSql = `insert into public."documents" ("id", "organization_id", "user_id", "title") values
    ('${A_OWN}', 'org-a', '${USER}', 'of org-a'), (gen_random_uuid(), 'org-b', '${USER}', 'of org-b'), (gen_random_uuid(), 'org-a', 'someone-else', 'theirs')`;
  beforeAll(async () => {
    db = await open();
    await resetBundleSchemas(db);
    await apply(bundle, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** As USER with `role` in org-b, `sql`; then, read as the owner, every row as organization:title. */
  async function after(role: string, sql: string): Promise<{ rows: string[]; sqlstate: string | null }> {
    return inRolledBackTransaction(db, async (tx) => {
      await tx.query(rowsSql);
      await tx.query("savepoint attempt");
      await signIn(tx, dialect.signedInRole, { sub: USER, org_id: "org-b", org_role: role });
      let sqlstate: string | null = null;
      try {
        await tx.query(sql);
        await tx.query("release savepoint attempt");
      } catch (error) {
        sqlstate = (error as { sqlstate?: string }).sqlstate ?? "unknown";
        await tx.query("rollback to savepoint attempt");
      }
      await tx.query("reset role");
      const rows = await tx.query<{ r: string }>(`select "organization_id" || ':' || "title" as r from public."documents" order by 1`);
      return { rows: rows.rows.map((r) => r.r), sqlstate };
    });
  }

  const untouched = ["org-a:of org-a", "org-a:theirs", "org-b:of org-b"];
  it.each([
    ["a blind update that pulls the user's own row of organization A into B", "member", `update public."documents" set "organization_id" = 'org-b'`, untouched, null],
    ["the same by a bypass role", "owner", `update public."documents" set "organization_id" = 'org-b'`, untouched, null],
    ["a blind update of every title", "member", `update public."documents" set "title" = 'x'`, ["org-a:of org-a", "org-a:theirs", "org-b:x"], null],
    ["a blind update by a viewer, who may select but not update", "viewer", `update public."documents" set "title" = 'x'`, untouched, null],
    ["a blind delete", "owner", `delete from public."documents"`, ["org-a:of org-a", "org-a:theirs"], null],
    ["an upsert onto the user's own row of organization A", "member", `insert into public."documents" ("id", "organization_id", "user_id", "title") values ('${A_OWN}', 'org-b', '${USER}', 'up') on conflict ("id") do update set "organization_id" = 'org-b', "title" = 'up'`, untouched, "42501"],
  ] as const)("keeps %s inside the active organization", async (_label, role, sql, rows, sqlstate) => {
    expect(await after(role, sql)).toEqual({ rows, sqlstate });
  });

  it("admits the select firewall's rows exactly: the user's own, or the tenant's for a bypass role, never with a role outside the select rule", async () => {
    const seen = async (claims: Record<string, unknown>) =>
      inRolledBackTransaction(db, async (tx) => {
        await tx.query(rowsSql);
        await tx.query(`insert into public."documents" ("organization_id", "user_id", "title") values ('org-b', 'someone-else', 'theirs')`);
        await signIn(tx, dialect.signedInRole, claims);
        const rows = await tx.query<{ r: string }>(`select "organization_id" || ':' || "title" as r from public."documents" order by 1`);
        return rows.rows.map((r) => r.r);
      });
    expect(await seen({ sub: USER, org_id: "org-b", org_role: "member" })).toEqual(["org-b:of org-b"]);
    expect(await seen({ sub: USER, org_id: "org-b", org_role: "admin" })).toEqual(["org-b:of org-b", "org-b:theirs"]);
    expect(await seen({ sub: USER, org_id: "org-a", org_role: "viewer" })).toEqual(["org-a:of org-a"]);
    expect(await seen({ sub: USER, org_id: "org-b", org_role: "guest" })).toEqual([]);
    expect(await seen({ sub: USER, org_id: "org-b" })).toEqual([]);
    expect(await seen({ sub: USER, org_role: "owner" })).toEqual([]);
  });
});

describe.each(testDatabases())("functions of the shapes (parents, shared rows, update columns) on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  // The parent and sharing helpers and the columns trigger are written apart from the organization helpers.
  it.each((["tracker", "documents", "marketplace"] as const).flatMap((name) => TARGETS.map((target) => [name, target] as const)))(
    "every function the %s template creates pins search_path to pg_catalog, pg_temp (target %s)",
    async (name, target) => {
      await resetBundleSchemas(db);
      await apply(compiled({ ...template(name), target }).bundle, db);
      const functions = await db.query<{ name: string; trigger: boolean; config: string[] | null }>(
        `select n.nspname || '.' || p.proname as name, p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype as trigger, p.proconfig as config
           from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
          where n.nspname in ('rls', 'auth', 'public') order by 1`,
      );
      expect(functions.rows.length).toBeGreaterThan(3);
      for (const f of functions.rows) expect(f.config, f.name).toEqual(["search_path=pg_catalog, pg_temp"]);
      if (name === "tracker") expect(functions.rows.some((f) => f.trigger), "tracker's update columns are kept by a trigger").toBe(true);
    },
  );
});

describe.each(testDatabases())("privileges around the policies on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function fresh(design: Design) {
    await resetBundleSchemas(db);
    const result = compiled(design);
    await apply(result.bundle, db);
    return result;
  }

  /** As a signed-in owner of another organization: a table and a view the owner created after the bundle, read and written. */
  async function createdLaterOutcome(dialect: ReturnType<typeof dialectFor>) {
    return inRolledBackTransaction(db, async (tx) => {
      await tx.query(`insert into public."projects" ("organization_id", "name") values ('org-a', 'secret')`);
      await tx.query(`create table public."created_later" ("id" integer primary key, "secret" text)`);
      await tx.query(`insert into public."created_later" values (1, 'org-a only')`);
      await tx.query(`create view public."projects_view" as select * from public."projects"`);
      await signIn(tx, dialect.signedInRole, { sub: "u-b", org_id: "org-b", org_role: "owner" });
      const attempt = async (sql: string) => {
        await tx.query("savepoint attempt");
        try {
          const rows = (await tx.query(sql)).rows.length;
          await tx.query("release savepoint attempt");
          return `${rows} rows`;
        } catch (error) {
          await tx.query("rollback to savepoint attempt");
          return (error as { sqlstate?: string }).sqlstate ?? "unknown";
        }
      };
      return {
        table: await attempt(`select * from public."created_later"`),
        view: await attempt(`select * from public."projects_view"`),
        write: await attempt(`insert into public."created_later" values (2, 'mine')`),
      };
    });
  }

  it.each(TARGETS)("keeps tables and views the owner creates later closed to signed-in users (target %s)", async (target) => {
    const { model } = await fresh({ ...template("saas"), target });
    expect(await createdLaterOutcome(dialectFor(model))).toEqual({ table: "42501", view: "42501", write: "42501" });
  });

  it.each(TARGETS)("keeps tables created later closed where the database granted new tables to the roles, as a Supabase project does (target %s)", async (target) => {
    const design: Design = { ...template("saas"), target };
    const dialect = dialectFor(compiled(design).model);
    await resetBundleSchemas(db);
    // What Supabase's own setup does for the role that owns the tables (and Neon's guides once did).
    for (const role of [dialect.signedInRole, dialect.anonymousRole]) {
      await db.exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN CREATE ROLE "${role}" NOLOGIN; END IF; END $$;`);
    }
    await db.exec(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO "${dialect.signedInRole}", "${dialect.anonymousRole}";`);
    await apply(compiled(design).bundle, db);
    expect(await createdLaterOutcome(dialect)).toEqual({ table: "42501", view: "42501", write: "42501" });
  });

  it("forces row-level security on the design's tables when asked, and verify still proves the policies", async () => {
    const design: Design = { ...template("saas"), forceRowLevelSecurity: true };
    const { model, bundle } = await fresh(design);
    const forced = await db.query<{ relname: string; forced: boolean }>(
      `select relname, relforcerowsecurity as forced from pg_catalog.pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`,
    );
    expect(forced.rows).toEqual([
      { relname: "documents", forced: true },
      { relname: "projects", forced: true },
    ]);
    const report = await verifyBundle(model, bundle, db);
    expect(report.mismatches, formatReport(report)).toEqual([]);
    // verify lifted FORCE only inside its rolled-back transaction.
    expect((await db.query<{ n: string }>(`select count(*) as n from pg_catalog.pg_class where relnamespace = 'public'::regnamespace and relforcerowsecurity`)).rows[0]?.n).toBe("2");
  });

  it("does not force the membership tables that the SECURITY DEFINER helpers read", () => {
    const tables = compiled({ ...tablesTenancyDesign("neon"), forceRowLevelSecurity: true }).bundle.find((f) => f.path.endsWith("_tables.sql"))!.contents;
    expect(tables).toContain(`ALTER TABLE public."documents" FORCE ROW LEVEL SECURITY;`);
    expect(tables).not.toContain(`ALTER TABLE public."members" FORCE`);
    expect(tables).not.toContain(`ALTER TABLE public."user_sessions" FORCE`);
  });

  it("warns when a role the application connects as is a superuser, has BYPASSRLS or owns the tables", async () => {
    const { model } = await fresh(template("saas"));
    const suffix = Math.random().toString(36).slice(2, 10);
    const roles = { superuser: `rlsd_super_${suffix}`, bypass: `rlsd_bypass_${suffix}`, owner: `rlsd_owner_${suffix}`, plain: `rlsd_plain_${suffix}` };
    await db.exec(`CREATE ROLE "${roles.superuser}" SUPERUSER; CREATE ROLE "${roles.bypass}" BYPASSRLS; CREATE ROLE "${roles.owner}"; CREATE ROLE "${roles.plain}";`);
    try {
      await db.exec(`ALTER TABLE public."documents" OWNER TO "${roles.owner}"`);
      const warnings = await privilegeWarnings(model, db, Object.values(roles));
      expect(warnings.find((w) => w.includes(roles.superuser))).toMatch(/is a superuser/);
      expect(warnings.find((w) => w.includes(roles.bypass))).toMatch(/has BYPASSRLS.*NOBYPASSRLS/);
      expect(warnings.find((w) => w.includes(roles.owner))).toMatch(/owns .*documents.*forceRowLevelSecurity/);
      // The superuser is a member of every role, so it "owns" the tables too; the plain role and the target's roles are fine.
      expect(warnings.some((w) => w.includes(roles.plain))).toBe(false);
      expect(warnings.some((w) => w.includes(`"authenticated"`) || w.includes(`"anonymous"`))).toBe(false);
      const report = await verifyBundle(model, compiled(template("saas")).bundle, db, undefined, [roles.bypass]);
      expect(formatReport(report)).toContain(`warning: role "${roles.bypass}" (the application's connection) has BYPASSRLS`);
    } finally {
      await db.exec(`ALTER TABLE public."documents" OWNER TO CURRENT_USER`);
      for (const role of Object.values(roles)) await db.exec(`DROP ROLE IF EXISTS "${role}"`);
    }
  });
});

describe("same-organization references in the design", () => {
  it("refuses organization columns of different types, naming the reference", () => {
    const design = template("saas");
    const projects = design.tables.find((t) => t.name === "projects")!;
    projects.columns.find((c) => c.name === "organization_id")!.type = "uuid";
    const result = validateDesign(design);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toContain("tables[1].columns[3].references");
  });
});

const adminUrl = process.env.DATABASE_URL;

/** As on Neon: the tables' owner may log in and is no superuser, so FORCE really holds it. */
describe.skipIf(!adminUrl)("FORCE ROW LEVEL SECURITY as the tables' owner", () => {
  it("holds the owner's own connection to the policies, and verify still proves them", async () => {
    await asNonSuperuserOwner(adminUrl!, async (db, role) => {
      const { model, bundle } = compiled({ ...template("saas"), forceRowLevelSecurity: true });
      await apply(bundle, db);
      const insert = await db.query(`insert into public."projects" ("organization_id", "name") values ('org-a', 'x')`).then(
        () => null,
        (error: { sqlstate?: string }) => error.sqlstate,
      );
      expect(insert).toBe("42501");
      const report = await verifyBundle(model, bundle, db, undefined, [role]);
      expect(report.mismatches, formatReport(report)).toEqual([]);
      expect(report.warnings.join("\n")).toMatch(new RegExp(`role "${role}" \\(the application's connection\\) owns .*forced`));
    });
  }, 120_000);
});
