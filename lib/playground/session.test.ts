import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template, type TemplateName } from "../design";
import { apply, type Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { claimsFor, principalsFor } from "../verify/principals";
import { runAs, viewAs, type PlaygroundPrincipal } from "./session";

function compiled(name: TemplateName) {
  const result = compileDesign(template(name));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const todos = compiled("todos");
const saas = compiled("saas");
const userA: PlaygroundPrincipal = { kind: "verify", name: "user A" };
/** The owner's own row, outside the playground: every attack must leave it, and leave nothing else. */
const REAL_ROW = "kept by the owner";

describe.each(testDatabases())("View as, on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await apply(todos.bundle, db);
    await db.query(`INSERT INTO public.todos (task, user_id) VALUES ($1, $2)`, [REAL_ROW, principalsFor(todos.model)[0].userId]);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** What the database holds outside any transaction: only the owner's row, and set_config still callable by everyone. */
  const untouched = async () => {
    expect((await db.query<{ task: string }>("SELECT task FROM public.todos")).rows).toEqual([{ task: REAL_ROW }]);
    expect((await db.query<{ may: boolean }>("select has_function_privilege('authenticated', 'pg_catalog.set_config(text,text,boolean)', 'EXECUTE') as may")).rows[0].may).toBe(true);
    expect((await db.query<{ u: string }>("select current_user::text as u")).rows[0].u).not.toBe("authenticated");
  };

  it("shows each sample row with what the principal may do, as the database did it, and agreeing with the meaning", async () => {
    const view = await viewAs(todos.model, todos.bundle, db, userA);
    expect(view.principal).toMatchObject({ name: "user A", role: "authenticated", explainable: true });
    const table = view.tables.find((t) => t.table === "todos")!;
    expect(table.rows.length).toBeGreaterThan(2);
    for (const r of table.rows) expect(r.database).toEqual(r.meaning);
    expect(table.rows.some((r) => r.database.select) && table.rows.some((r) => !r.database.select)).toBe(true);
    expect(table.inserts.some((i) => i.database.inserted) && table.inserts.some((i) => !i.database.inserted && i.database.sqlstate === "42501")).toBe(true);
    for (const i of table.inserts) expect(i.database.inserted).toBe(i.meaning);
    // The owner's real row is not among the sample rows: verify's rows replace the table's, inside the transaction.
    expect(table.rows.some((r) => r.values.task === REAL_ROW)).toBe(false);
    await untouched();
  });

  it("a signed-out visitor sees and changes nothing", async () => {
    const view = await viewAs(todos.model, todos.bundle, db, { kind: "verify", name: "signed-out visitor" });
    expect(view.principal.role).toBe("anonymous");
    const table = view.tables.find((t) => t.table === "todos")!;
    expect(table.rows.every((r) => !r.database.select && !r.database.update && !r.database.delete)).toBe(true);
  });

  it("a custom token acts as the same person as verify's principal with those claims", async () => {
    const p = principalsFor(saas.model).find((x) => x.name === "admin of org A")!;
    const other = await open();
    const [custom, known] = await (async () => {
      try {
        return [await viewAs(saas.model, saas.bundle, other, { kind: "custom", signedIn: true, claims: claimsFor(saas.model, p) }), await viewAs(saas.model, saas.bundle, other, { kind: "verify", name: p.name })];
      } finally {
        await other.close();
      }
    })();
    expect(custom.principal).toMatchObject({ explainable: false, context: { org: p.claimedOrg, role: "admin" } });
    expect(custom.tables.map((t) => t.rows.map((r) => r.database))).toEqual(known.tables.map((t) => t.rows.map((r) => r.database)));
    for (const t of custom.tables) for (const r of t.rows) expect(r.database).toEqual(r.meaning);
  });

  it("runs a statement as the principal over the sample rows, shows the rows, and rolls it back", async () => {
    const view = await viewAs(todos.model, todos.bundle, db, userA);
    const visible = view.tables[0].rows.filter((r) => r.database.select).length;
    const selected = await runAs(todos.model, todos.bundle, db, userA, "SELECT current_user AS who, count(*)::int AS n FROM public.todos");
    expect(selected).toMatchObject({ ok: true, rows: [{ who: "authenticated", n: visible }], rolledBack: true });
    const deleted = await runAs(todos.model, todos.bundle, db, userA, "DELETE FROM public.todos");
    expect(deleted).toMatchObject({ ok: true, rowCount: view.tables[0].rows.filter((r) => r.database.delete).length });
    await untouched();
  });

  it("shows a refusal with its SQLSTATE and message", async () => {
    const result = await runAs(todos.model, todos.bundle, db, userA, "SELECT * FROM public.no_such_table");
    expect(result).toMatchObject({ ok: false, sqlstate: "42P01" });
    expect(result.ok === false && result.message).toMatch(/no_such_table/);
  });

  describe("a pg_temp type the statement makes does not change what the playground reads after it", () => {
    // A function anyone may call (here the owner's; in a real database one of the app's own) that
    // makes pg_temp.text a domain whose CHECK raises, naming who evaluated it. The temporary
    // schema is searched first for types, so an unqualified `::text` after the statement would
    // run that CHECK: as the principal (the current_user check) or as the owner (the rows read
    // after RESET ROLE).
    const SHADOW = `CREATE FUNCTION public.rlsd_shadow_text() RETURNS int LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE 'CREATE OR REPLACE FUNCTION pg_temp.rlsd_tell(v pg_catalog.text) RETURNS boolean LANGUAGE plpgsql AS $t$ BEGIN RAISE EXCEPTION ''pg_temp.text ran as %'', current_user; END $t$';
  IF pg_catalog.to_regtype('pg_temp.text') IS NULL THEN
    EXECUTE 'CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.rlsd_tell(VALUE))';
  END IF;
  RETURN 1;
END $fn$;
-- Only as the principal: verify's own setup deletes the rows as the owner, and a trigger firing as the owner gains nothing.
CREATE FUNCTION public.rlsd_shadow_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_user OPERATOR(pg_catalog.=) 'authenticated' THEN PERFORM public.rlsd_shadow_text(); END IF;
  RETURN OLD;
END $fn$;`;
    beforeAll(async () => {
      await db.exec(SHADOW);
    });
    afterAll(async () => {
      await db.exec("DROP TRIGGER IF EXISTS rlsd_shadow ON public.todos; DROP FUNCTION public.rlsd_shadow_trigger(); DROP FUNCTION public.rlsd_shadow_text();");
    });

    it("the principal's statement makes one, and the role check after it still reads the role", async () => {
      const result = await runAs(todos.model, todos.bundle, db, userA, "SELECT public.rlsd_shadow_text() AS made");
      expect(result).toMatchObject({ ok: true, rows: [{ made: 1 }] });
      await untouched();
    });

    it("a trigger the principal's DELETE fires makes one, and the owner's reads after it neither run it nor fail", async () => {
      await db.exec("CREATE TRIGGER rlsd_shadow BEFORE DELETE ON public.todos FOR EACH ROW EXECUTE FUNCTION public.rlsd_shadow_trigger()");
      const view = await viewAs(todos.model, todos.bundle, db, userA);
      const table = view.tables.find((t) => t.table === "todos")!;
      expect(table.errors).toEqual({});
      expect(table.rows.some((r) => r.database.delete)).toBe(true);
      for (const r of table.rows) expect(r.database).toEqual(r.meaning);
    });
  });

  describe("a statement cannot leave the role or the transaction", () => {
    const refusedBeforeRunning = [
      "RESET ROLE",
      "SET ROLE postgres",
      "set local role postgres",
      "SET SESSION AUTHORIZATION postgres",
      "RESET SESSION AUTHORIZATION",
      "COMMIT",
      "  /* a comment */ -- and another\n commit",
      "(COMMIT)",
      "BEGIN",
      "END",
      "ROLLBACK",
      "ABORT",
      "SAVEPOINT s",
      "RELEASE SAVEPOINT rlsd_play",
      "PREPARE TRANSACTION 'x'",
      "COPY public.todos TO PROGRAM 'touch /tmp/rlsd-pwned'",
      "DO $$ BEGIN RESET ROLE; DELETE FROM public.todos; END $$",
      "CREATE FUNCTION pg_temp.f() RETURNS text LANGUAGE sql AS $$ SELECT current_user::text $$",
      "CALL some_procedure()",
      "LOCK public.todos",
      "",
    ];
    it.each(refusedBeforeRunning)("refuses %j before running anything", async (sql) => {
      const result = await runAs(todos.model, todos.bundle, db, userA, sql);
      expect(result).toMatchObject({ ok: false, refused: true, rolledBack: true });
    });

    const refusedByTheDatabase: [string, string, RegExp][] = [
      ["set_config('role') inside a SELECT", "SELECT set_config('role', 'postgres', false)", /permission denied for function set_config/],
      ["set_config qualified, in a CTE", "WITH x AS (SELECT pg_catalog.set_config('role', 'postgres', true) AS r) SELECT r FROM x", /permission denied/],
      ["new claims from inside", `SELECT set_config('request.jwt.claims', '{"sub":"someone else"}', true)`, /permission denied/],
      ["UPDATE pg_settings (its rule calls set_config)", "UPDATE pg_settings SET setting = 'postgres' WHERE name = 'role'", /permission denied/],
      ["a SET through query_to_xml", "SELECT query_to_xml('SET ROLE postgres', true, false, '')", /./],
      ["set_config through query_to_xml", "SELECT query_to_xml('select pg_catalog.set_config(''role'', ''postgres'', false)', true, false, '')", /permission denied/],
      ["a ; COMMIT; suffix", "SELECT 1; COMMIT;", /multiple commands|cannot insert multiple/],
      ["a ; RESET ROLE suffix after a write", "DELETE FROM public.todos; RESET ROLE; DELETE FROM public.todos", /multiple commands|cannot insert multiple/],
      ["reading a server file", "SELECT pg_read_file('PG_VERSION')", /permission denied/],
    ];
    it.each(refusedByTheDatabase)("%s: refused by the database, nothing kept", async (_name, sql, message) => {
      const result = await runAs(todos.model, todos.bundle, db, userA, sql);
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.message).toMatch(message);
      await untouched();
    });

    it("a CTE that writes runs as the role, on the rows the role may change, and is rolled back", async () => {
      const view = await viewAs(todos.model, todos.bundle, db, userA);
      const mayDelete = view.tables[0].rows.filter((r) => r.database.delete).length;
      const result = await runAs(todos.model, todos.bundle, db, userA, "WITH gone AS (DELETE FROM public.todos RETURNING 1) SELECT count(*)::int AS n, current_user AS who FROM gone");
      expect(result).toMatchObject({ ok: true, rows: [{ n: mayDelete, who: "authenticated" }] });
      expect(mayDelete).toBeLessThan(view.tables[0].rows.length);
      await untouched();
    });

    it("a TEMP function created in one run is gone in the next, and cannot be created as the role anyway", async () => {
      await runAs(todos.model, todos.bundle, db, userA, "CREATE FUNCTION pg_temp.escape() RETURNS text LANGUAGE sql AS $$ SELECT set_config('role', 'postgres', false) $$");
      const result = await runAs(todos.model, todos.bundle, db, userA, "SELECT pg_temp.escape()");
      expect(result).toMatchObject({ ok: false });
      await untouched();
    });
  });
});
