import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apply, openDatabase, type Database } from "../db";
import { dumpState } from "../db/test-bundles";
import { freshPglite } from "../db/pglite-template";
import { createServerlessTestDatabase, serverlessTestDatabases } from "../db/test-serverless";
import { collect, compiledDesign, lend, migrationFiles, statementCount, withFailureAt, withMigration } from "./test-helpers";
import type { ApplyEvent } from "./types";
import { runApply } from "./workflow";

const adminUrl = process.env.DATABASE_URL;
const saas = compiledDesign("saas");
const todos = compiledDesign("todos");
const EMBEDDED = { kind: "embedded" } as const;

/** The steps as `step:status`, without the per-table and per-migration repeats. */
function steps(events: ApplyEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const label = `${e.step}:${e.status}`;
    if (out.at(-1) !== label) out.push(label);
  }
  return out;
}

// The Neon serverless driver through the test proxy (DATABASE_URL), and PGlite, the embedded default.
// PGlite is ~5x slower to verify: it gets the one-table template.
const databases = [
  ...serverlessTestDatabases().map((f) => ({ name: f.name, open: f.open, design: saas })),
  { name: "pglite", open: freshPglite, design: todos },
];

describe.each(databases)("the apply workflow on $name", ({ name, open, design }) => {
  const tags = migrationFiles(design.bundle).map((f) => f.path.replace(/^drizzle\/|\.sql$/g, ""));
  const n = tags.length;
  let db: Database;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(async () => {
    await db?.close();
  });

  it("plans, applies every migration, verifies there, and does nothing when applied again", async () => {
    const first = collect();
    const outcome = await runApply({ ...design, destination: EMBEDDED, mode: "apply" }, lend(db), first.onEvent);

    expect(outcome).toMatchObject({ ok: true, mode: "apply", applied: tags, alreadyApplied: [] });
    expect(outcome.report?.ok).toBe(true);
    expect(steps(first.events)).toEqual([
      "connect:running",
      "connect:done",
      "lock:running",
      "lock:done",
      "plan:running",
      "plan:done",
      "migration:running",
      "stand-in:running",
      "migration:running",
      "stand-in:done",
      "migration:done",
      "verify:running",
      "verify:done",
      "done:done",
    ]);
    const plan = first.events.find((e) => e.step === "plan" && e.status === "done")!.plan!;
    expect(plan.pending).toEqual(tags);
    expect(plan.migrations.map((m) => m.status)).toEqual(tags.map(() => "pending"));
    const migrations = first.events.filter((e) => e.step === "migration" && e.index !== undefined);
    expect(migrations.map((e) => [e.index, e.total])).toEqual(tags.map((_, i) => [i + 1, n]));
    expect(first.events.at(-2)!.matrix).toMatch(/^table \w+/);
    expect(first.events.at(-1)!.detail).toBe(`applied ${n} migrations to ${db.location}; verified`);

    const before = await dumpState(db);
    const again = collect();
    const second = await runApply({ ...design, destination: EMBEDDED, mode: "apply" }, lend(db), again.onEvent);
    expect(second).toMatchObject({ ok: true, applied: [], alreadyApplied: tags });
    expect(again.events.find((e) => e.step === "plan" && e.status === "done")!.detail).toBe(`nothing to apply: all ${n} migrations are already applied`);
    expect(again.events.find((e) => e.step === "migration" && e.status !== "running")!.status).toBe("skipped");
    expect(again.events.at(-1)!.detail).toMatch(/^nothing to apply to .*; verified$/);
    expect(await dumpState(db)).toBe(before);
  });

  it("leaves schema and data exactly as they were when statement k fails", async () => {
    await db.exec(`CREATE TABLE "kept" ("id" int PRIMARY KEY, "note" text); INSERT INTO "kept" VALUES (1, 'one'), (2, 'two');`);
    const before = await dumpState(db, ["kept"]);
    const total = statementCount(design.bundle);
    for (const k of [1, 2, Math.floor(total / 2), total]) {
      const broken = withFailureAt(design.bundle, k);
      const { events, onEvent } = collect();
      const outcome = await runApply({ ...design, bundle: broken.bundle, destination: EMBEDDED, mode: "apply" }, lend(db), onEvent);
      expect(outcome.ok, `k = ${k}`).toBe(false);
      expect(outcome.error).toMatchObject({ step: "migration", sqlstate: "22012", file: broken.file, statementNumber: broken.statement, statement: "SELECT 1/0;" });
      expect(outcome.error!.message).toMatch(/nothing was changed$/);
      expect(events.filter((e) => e.status === "failed").map((e) => e.step)).toEqual(["migration", "done"]);
      expect(await dumpState(db, ["kept"]), `k = ${k}`).toBe(before);
    }

    // And once some migrations are in: a failing new one changes nothing, data included.
    await runApply({ ...design, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    const table = design.model.tables[0].name;
    await db.exec(`INSERT INTO "kept" VALUES (3, 'three');`);
    const applied = await dumpState(db, ["kept"]);
    const next = withMigration(design.bundle, "0009_more", [`ALTER TABLE "${table}" ADD COLUMN "archived" boolean;`, `UPDATE "kept" SET "note" = 'changed' WHERE true;`, `SELECT 1/0;`]);
    const outcome = await runApply({ ...design, bundle: next, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    expect(outcome.error).toMatchObject({ step: "migration", file: "drizzle/0009_more.sql", statementNumber: 3, sqlstate: "22012" });
    expect(await dumpState(db, ["kept"])).toBe(applied);
  });

  // The plan does not depend on the driver: once is enough.
  it.skipIf(name === "pglite")("refuses a change that drops or rewrites data unless it is confirmed", async () => {
    await runApply({ ...todos, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    const wipe = withMigration(todos.bundle, "0005_wipe", [`DELETE FROM "todos";`]);
    const before = await dumpState(db);

    const planned = await runApply({ ...todos, bundle: wipe, destination: EMBEDDED, mode: "plan" }, lend(db), () => {});
    expect(planned.ok).toBe(true);
    expect(planned.plan!.pending).toEqual(["0005_wipe"]);
    expect(planned.plan!.destructive).toMatchObject([{ kind: "delete without where", target: "todos", file: "drizzle/0005_wipe.sql", statement: 1 }]);

    const refused = await runApply({ ...todos, bundle: wipe, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    expect(refused.error).toMatchObject({ step: "plan", code: "needs-confirmation" });
    expect(refused.error!.message).toContain("delete without where todos");
    expect(refused.plan!.destructive).toHaveLength(1);
    expect(await dumpState(db)).toBe(before);

    const confirmed = await runApply({ ...todos, bundle: wipe, destination: EMBEDDED, mode: "apply", confirmDestructive: true }, lend(db), () => {});
    expect(confirmed).toMatchObject({ ok: true, applied: ["0005_wipe"] });
  });

  it.skipIf(name === "pglite")("refuses a bundle whose migrations differ from those applied here (without the design to compile against)", async () => {
    await runApply({ ...todos, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    const edited = todos.bundle.map((f) => (f.path === "drizzle/0002_policies.sql" ? { ...f, contents: `${f.contents}-- edited\n` } : f));
    const planned = await runApply({ ...todos, design: undefined, bundle: edited, destination: EMBEDDED, mode: "plan" }, lend(db), () => {});
    expect(planned.plan!.migrations.map((m) => m.status)).toEqual(["applied", "applied", "changed", "applied"]);
    expect(planned.plan!.conflicts).toHaveLength(1);
    const refused = await runApply({ ...todos, design: undefined, bundle: edited, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    expect(refused.error).toMatchObject({ step: "plan", code: "conflict" });
    expect(refused.error!.message).toContain("0002_policies");
  });

  it("applies a changed design as the next version of what the database holds, keeping its rows", async () => {
    await runApply({ ...design, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    const first = design.model.tables[0]!.name;
    const changed = structuredClone(design.design);
    changed.tables[0]!.columns.push({ name: "note", type: "text" });
    const v2 = compiledDesign(changed);
    await db.query(name === "pglite" ? `insert into public."todos" ("user_id", "task") values ('u', 'kept')` : `insert into public."projects" ("organization_id", "name") values ('o', 'kept')`);
    const planned = await runApply({ ...v2, destination: EMBEDDED, mode: "plan" }, lend(db), () => {});
    expect(planned.plan).toMatchObject({ pending: [`${String(n).padStart(4, "0")}_v2`], conflicts: [] });
    const events = collect();
    const outcome = await runApply({ ...v2, destination: EMBEDDED, mode: "apply" }, lend(db), events.onEvent);
    expect(outcome).toMatchObject({ ok: true, applied: [`${String(n).padStart(4, "0")}_v2`] });
    expect(outcome.report?.ok).toBe(true);
    expect(events.events.map((e) => e.detail)).toContain(`1 of ${n + 1} migrations to apply; this database holds version 1 of this design: the change is applied as version 2 (column ${first}.note added)`);
    expect((await db.query(`select count(*)::int as n from public."${first}"`)).rows).toEqual([{ n: 1 }]);
    const again = await runApply({ ...v2, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    expect(again).toMatchObject({ ok: true, applied: [] });
  });

  it("asks for a yes before a new version that widens access, and names what it opens", async () => {
    await runApply({ ...design, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    const wider = structuredClone(design.design);
    const first = wider.tables[0]!;
    first.anonymous = { select: {} };
    const v2 = compiledDesign(wider);
    const refused = await runApply({ ...v2, destination: EMBEDDED, mode: "apply" }, lend(db), () => {});
    expect(refused.error).toMatchObject({ step: "plan", code: "needs-confirmation" });
    expect(refused.error!.message).toMatch(new RegExp(`^this change widens access: (.*; )?signed-out visitor may now read ${first.name} .*Nothing was changed\\.$`));
    expect(refused.plan!.widens!.length).toBeGreaterThan(0);
    expect(refused.applied).toEqual([]);
    const confirmed = await runApply({ ...v2, destination: EMBEDDED, mode: "apply", confirmDestructive: true }, lend(db), () => {});
    expect(confirmed).toMatchObject({ ok: true, applied: [`${String(n).padStart(4, "0")}_v2`] });
  });

  it.skipIf(name === "pglite")("plans a Supabase bundle against Supabase's ledger", async () => {
    const supabase = compiledDesign({ ...compiledDesign("todos").design, target: "supabase" });
    const planned = await runApply({ ...supabase, destination: EMBEDDED, mode: "plan" }, lend(db), () => {});
    expect(planned.ok).toBe(true);
    expect(planned.plan!.migrations.every((m) => m.status === "pending" && m.file.startsWith("supabase/migrations/"))).toBe(true);
  });
});

describe.skipIf(serverlessTestDatabases().length === 0)("applies to one database through two connections", () => {
  let url: string;
  let db: Database;
  let proxy: string;
  beforeEach(async () => {
    ({ url, db, proxy } = await createServerlessTestDatabase(adminUrl!));
  });
  afterEach(async () => {
    await db?.close();
  });

  it("serialises concurrent applies: one applies, the other finds nothing to do, both verify", async () => {
    const other = await openDatabase({ url, driver: "neon-serverless", neon: { proxy } });
    try {
      const order: string[] = [];
      const run = (name: string, on: Database) =>
        runApply({ ...saas, destination: EMBEDDED, mode: "apply" }, lend(on), (e) => {
          if (e.step === "lock" && e.status === "done") order.push(`${name} lock`);
          if (e.step === "migration" && e.index) order.push(`${name} migration`);
        });
      const outcomes = await Promise.all([run("a", db), run("b", other)]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, 5]);
      // Whoever takes the lock first runs all its migrations before the other gets the lock.
      const first = order[0].slice(0, 1);
      const second = first === "a" ? "b" : "a";
      expect(order).toEqual([`${first} lock`, ...Array(5).fill(`${first} migration`), `${second} lock`]);
      expect((await db.query("select count(*)::int as n from drizzle.__rls_designer_migrations")).rows).toEqual([{ n: 5 }]);
    } finally {
      await other.close();
    }
  });

  it("takes the same lock as lib/db's apply", async () => {
    const other = await openDatabase({ url });
    try {
      const [outcome, result] = await Promise.all([runApply({ ...saas, destination: EMBEDDED, mode: "apply" }, lend(db), () => {}), apply(saas.bundle, other)]);
      expect(outcome.ok).toBe(true);
      expect([outcome.applied.length, result.applied.length].sort()).toEqual([0, 5]);
    } finally {
      await other.close();
    }
  });
});
