import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApply, type ApplyEnvironment, type ApplyEvent, type ApplyOutcome, type Destination } from "../apply";
import { handleApplyRequest, handleNeonDatabasesRequest, handlePlanRequest } from "../apply/server";
import { collect, compiledDesign } from "../apply/test-helpers";
import { runCliIn } from "../cli/test-cli";
import { openDatabase } from "../db";
import { sharedWsProxy, PROXY_ALLOWED_ADDRESS } from "../db/test-ws-proxy";
import { template, type Design } from "../design";
import { listBranchDatabases, neonApi } from "./index";
import { startNeonStandIn, type NeonStandIn } from "./test-stand-in";

/**
 * A connected Neon branch: plan against it, rehearse on a child branch of it, then apply the same
 * migrations to it. Against the local stand-in of the Neon API, whose branches are real
 * databases (a child is CREATE DATABASE ... TEMPLATE its parent), through the WebSocket proxy.
 */

const adminUrl = process.env.DATABASE_URL;
const API_KEY = "napi_connectedStandIn0123456789abcdefghijklmnop";
const PASSWORD = "npg_ConnectedStandInPassw0rd";
const NOW = new Date(Date.UTC(2026, 2, 14, 9, 15, 0));

const v1 = template("todos");
/** v2: a column every row must have, with no default: fine on an empty branch, fails where rows exist. */
const v2Strict: Design = {
  ...v1,
  tables: v1.tables.map((t, i) => (i === 0 ? { ...t, columns: [...t.columns, { name: "priority", type: "integer", notNull: true }] } : t)),
} as Design;
/** v2: a column with a default, which every branch takes. */
const v2: Design = {
  ...v1,
  tables: v1.tables.map((t, i) => (i === 0 ? { ...t, columns: [...t.columns, { name: "priority", type: "integer", notNull: true, default: "0" }] } : t)),
} as Design;

function job(design: Design) {
  const c = compiledDesign(design);
  return { model: c.model, bundle: c.bundle, design: c.design };
}

describe.skipIf(!adminUrl || new URL(adminUrl).host !== PROXY_ALLOWED_ADDRESS)("a connected Neon branch, rehearsed on a child branch first", () => {
  let standIn: NeonStandIn;
  let env: ApplyEnvironment;
  let connected: Destination;
  const everything: unknown[] = [];

  const run = async (design: Design, mode: "plan" | "rehearse" | "apply", extra: { rehearsal?: string; destination?: Destination } = {}) => {
    const { events, onEvent } = collect();
    const outcome = await runApply({ ...job(design), destination: extra.destination ?? connected, mode, ...(extra.rehearsal ? { rehearsal: extra.rehearsal } : {}) }, env, onEvent);
    everything.push(events, outcome);
    return { outcome, events };
  };
  /** The parent's catalog as text: relations, columns, policies, functions and the ledger. */
  const catalog = async (branchId: string) => {
    const db = await openDatabase({ url: `postgres://postgres@127.0.0.1:5432/${standIn.databaseOf(branchId)}` });
    try {
      const rows = await db.query<{ line: string }>(`
        select format('%s.%s %s', n.nspname, c.relname, c.relkind) as line from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        union all select format('%s.%s.%s %s', table_schema, table_name, column_name, data_type) from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
        union all select format('policy %s.%s %s', schemaname, tablename, policyname) from pg_policies
        union all select format('function %s.%s', n.nspname, p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ('pg_catalog', 'information_schema')
        order by 1`);
      const ledger = await db.query<{ line: string }>(`select coalesce(string_agg(hash, ',' order by id), '') as line from drizzle.__rls_designer_migrations`).catch(() => ({ rows: [{ line: "no ledger" }] }));
      return [...rows.rows.map((r) => r.line), `ledger ${ledger.rows[0]?.line}`].join("\n");
    } finally {
      await db.close();
    }
  };
  const onParent = async <T,>(branchId: string, sql: string) => {
    const db = await openDatabase({ url: `postgres://postgres@127.0.0.1:5432/${standIn.databaseOf(branchId)}` });
    try {
      return (await db.query<T & Record<string, unknown>>(sql)).rows;
    } finally {
      await db.close();
    }
  };
  const steps = (events: ApplyEvent[]) => events.map((e) => `${e.step}:${e.status}`);

  beforeAll(async () => {
    standIn = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: PASSWORD });
    const { url: proxy } = await sharedWsProxy();
    env = { embedded: () => Promise.reject(new Error("not used")), neon: { baseURL: standIn.baseURL, proxy, pollIntervalMs: 10 }, now: () => NOW };
    connected = { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId, branchId: standIn.defaultBranchId, databaseName: "neondb", roleName: "postgres" };
  });
  afterAll(async () => {
    // The key and the role's password never came back: in no event, outcome or CLI output of this file.
    const text = JSON.stringify(everything);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(PASSWORD);
    await standIn?.close();
  });

  it("lists a branch's databases and roles for the pickers", async () => {
    const found = await listBranchDatabases(neonApi({ apiKey: API_KEY, baseURL: standIn.baseURL }), standIn.projectId, standIn.defaultBranchId);
    expect(found).toEqual({ databases: [{ name: "neondb", ownerName: "postgres" }], roles: ["postgres"] });
  });

  it("connects, rehearses on a child branch, and on confirmation applies the same migrations to the branch", async () => {
    const parent = standIn.defaultBranchId;
    // Connect: the plan is made on the connected branch itself, which holds no version yet.
    const planned = await run(v1, "plan");
    expect(planned.outcome).toMatchObject({ ok: true, mode: "plan", branch: { branchId: parent, branchName: "main" } });
    expect(planned.outcome.plan!.pending).toHaveLength(4);
    expect(planned.outcome.plan!.held).toBeUndefined();

    // Applying to a connected branch without a rehearsal is refused before anything happens.
    const unrehearsed = await run(v1, "apply");
    expect(unrehearsed.outcome.error).toMatchObject({ code: "needs-rehearsal" });
    const before = await catalog(parent);

    // Rehearse: a child of the branch, applied and verified there, then deleted; the branch unchanged.
    const rehearsed = await run(v1, "rehearse");
    expect(rehearsed.outcome.error).toBeUndefined();
    const child = rehearsed.outcome.rehearsal!;
    expect(rehearsed.outcome).toMatchObject({ ok: true, mode: "rehearse", applied: ["0000_neon_setup", "0001_tables", "0002_policies", "0003_indexes"], branch: { branchId: parent } });
    expect(child).toMatchObject({ kept: false, branch: { branchName: "rls/rehearsal-todos-20260314-091500" } });
    expect(child.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(rehearsed.outcome.report?.ok).toBe(true);
    expect(steps(rehearsed.events)).toEqual(expect.arrayContaining(["create-branch:done", "wait-endpoint:done", "migration:done", "verify:done", "delete-branch:running", "delete-branch:done"]));
    expect(steps(rehearsed.events).indexOf("delete-branch:done")).toBeGreaterThan(steps(rehearsed.events).indexOf("verify:done"));
    const create = standIn.requests.find((r) => r.method === "POST" && r.path.endsWith("/branches"))!;
    expect(create.body).toEqual({ branch: { name: child.branch.branchName, parent_id: parent }, endpoints: [{ type: "read_write" }] });
    expect(standIn.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/branches/${child.branch.branchId}`))).toBe(true);
    expect(standIn.deleted).toContain(child.branch.branchId);
    expect(standIn.branches().map((b) => b.id)).toEqual([parent]);
    expect(await catalog(parent)).toBe(before);
    expect(rehearsed.events.at(-1)!.detail).toBe("rehearsed on rls/rehearsal-todos-20260314-091500 (deleted): applied 4 migrations; verified; main is unchanged");

    // Confirm: the rehearsed migrations go to the branch, and it is verified again.
    const applied = await run(v1, "apply", { rehearsal: child.fingerprint });
    expect(applied.outcome.error).toBeUndefined();
    expect(applied.outcome).toMatchObject({ ok: true, mode: "apply", applied: rehearsed.outcome.applied, branch: { branchId: parent, branchName: "main" } });
    expect(applied.outcome.report?.ok).toBe(true);
    expect(await onParent<{ n: number }>(parent, "select count(*)::int as n from drizzle.__rls_designer_migrations")).toEqual([{ n: 4 }]);

    // What the branch holds now: version 1 of this design, the one on screen.
    const again = await run(v1, "plan");
    expect(again.outcome.plan).toMatchObject({ pending: [], held: { version: 1, matches: true } });
  });

  it("a failed rehearsal leaves the branch's catalog unchanged, deletes the child and says why", async () => {
    const parent = standIn.defaultBranchId;
    await onParent(parent, "insert into public.todos (user_id, task) values ('user_1', 'a row the new column cannot fill')");
    const before = await catalog(parent);
    const children = standIn.deleted.length;

    const planned = await run(v2Strict, "plan");
    expect(planned.outcome.plan).toMatchObject({ held: { version: 1, matches: false }, pending: ["0004_v2"] });
    const rehearsed = await run(v2Strict, "rehearse");
    expect(rehearsed.outcome.ok).toBe(false);
    expect(rehearsed.outcome.error).toMatchObject({ step: "migration", sqlstate: "23502" });
    expect(rehearsed.outcome.error!.message).toMatch(/priority/);
    expect(rehearsed.outcome.rehearsal).toMatchObject({ kept: false });
    expect(standIn.deleted.length).toBe(children + 1);
    expect(standIn.branches().map((b) => b.id)).toEqual([parent]);
    expect(await catalog(parent)).toBe(before);

    // A fingerprint from another rehearsal (or none that matches) changes nothing either.
    const forged = await run(v2Strict, "apply", { rehearsal: "0".repeat(64) });
    expect(forged.outcome.error).toMatchObject({ code: "rehearsal-outdated" });
    expect(await catalog(parent)).toBe(before);
  });

  it("keeps the child branch when asked, and shows its name", async () => {
    const destination = { ...connected, keepRehearsal: true, branchName: "rls/keep-me" } as Destination;
    const rehearsed = await run(v2, "rehearse", { destination });
    expect(rehearsed.outcome.error).toBeUndefined();
    expect(rehearsed.outcome.plan).toMatchObject({ held: { version: 1, matches: false }, pending: ["0004_v2"] });
    expect(rehearsed.outcome.plan!.access).toBeUndefined();
    expect(rehearsed.outcome.rehearsal).toMatchObject({ kept: true, branch: { branchName: "rls/keep-me" } });
    expect(standIn.branches().map((b) => b.name)).toContain("rls/keep-me");
    expect(steps(rehearsed.events)).toContain("delete-branch:skipped");
    const kept = rehearsed.outcome.rehearsal!.branch.branchId;
    expect(await onParent<{ n: number }>(kept, "select count(*)::int as n from public.todos where priority = 0")).toEqual([{ n: 1 }]);
  });

  it("npm run cli -- apply --neon-project --neon-branch: rehearses, applies to the branch, verifies; the key never printed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rlsd-connected-"));
    try {
      await writeFile(join(dir, "design.json"), JSON.stringify(v2));
      const cliEnv = { NEON_API_KEY: API_KEY, RLSD_NEON_API_URL: standIn.baseURL, RLSD_NEON_WS_PROXY: (await sharedWsProxy()).url, RLSD_NEON_POLL_MS: "10" };
      const args = ["apply", "design.json", "--neon-project", standIn.projectId, "--neon-branch", standIn.defaultBranchId];
      const rehearsedOnly = await runCliIn(dir, [...args, "--rehearse-only"], cliEnv);
      everything.push(rehearsedOnly.all);
      expect(rehearsedOnly.exitCode).toBe(0);
      expect(rehearsedOnly.stdout).toMatch(/^rehearsal branch: rls\/rehearsal-todos-\d{8}-\d{6} \(br-\w+\), deleted$/m);
      expect(rehearsedOnly.stdout).toContain("rehearsed only: main was not changed");
      expect(await onParent<{ found: boolean }>(standIn.defaultBranchId, "select count(*) > 0 as found from information_schema.columns where column_name = 'priority'")).toEqual([{ found: false }]);

      const { exitCode, stdout, all } = await runCliIn(dir, args, cliEnv);
      everything.push(all);
      if (process.env.SHOW_CLI) console.log(all);
      expect(all).not.toContain(API_KEY);
      expect(exitCode).toBe(0);
      expect(stdout).toContain("this database holds version 1 of this design: the change is applied as version 2");
      expect(stdout).toMatch(/applying the rehearsed migrations to main\n/);
      expect(stdout).toMatch(/^Neon branch: main \(br-\w+\) in project /m);
      expect(await onParent<{ n: number }>(standIn.defaultBranchId, "select count(*)::int as n from public.todos where priority = 0")).toEqual([{ n: 1 }]);
      expect(standIn.branches().filter((b) => b.name.startsWith("rls/rehearsal-"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the API: plan, rehearse, then apply with the rehearsal's fingerprint; no answer carries the key", async () => {
    const post = (path: string, body: unknown) =>
      new Request(`http://localhost:3210${path}`, { method: "POST", headers: { host: "localhost:3210", origin: "http://localhost:3210", "sec-fetch-site": "same-origin", "content-type": "application/json" }, body: JSON.stringify(body) });
    const outcomeOf = async (response: Response) => {
      const text = await response.text();
      everything.push(text);
      return (JSON.parse(text.trim().split("\n").at(-1)!) as { outcome: ApplyOutcome }).outcome;
    };
    const databases = await handleNeonDatabasesRequest(post("/api/neon/databases", { apiKey: API_KEY, projectId: standIn.projectId, branchId: standIn.defaultBranchId }), env);
    expect(await databases.json()).toEqual({ ok: true, databases: [{ name: "neondb", ownerName: "postgres" }], roles: ["postgres"] });
    const planned = await outcomeOf(await handlePlanRequest(post("/api/plan", { design: v2, destination: connected }), env));
    expect(planned.plan).toMatchObject({ held: { version: 2, matches: true }, pending: [] });
    const rehearsed = await outcomeOf(await handleApplyRequest(post("/api/apply", { design: v2, destination: connected }), env));
    expect(rehearsed).toMatchObject({ ok: true, mode: "rehearse", rehearsal: { kept: false } });
    const applied = await outcomeOf(await handleApplyRequest(post("/api/apply", { design: v2, destination: connected, rehearsal: rehearsed.rehearsal!.fingerprint }), env));
    expect(applied).toMatchObject({ ok: true, mode: "apply", applied: [], branch: { branchId: standIn.defaultBranchId } });
  });

  it("refuses a rehearsal without a connected branch", async () => {
    const outcome: ApplyOutcome = (await run(v1, "rehearse", { destination: { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId } })).outcome;
    expect(outcome.error).toMatchObject({ code: "bad-request" });
  });
});
