import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApply } from "../apply";
import { collect, compiledDesign } from "../apply/test-helpers";
import type { ApplyEnvironment } from "../apply";
import { openDatabase } from "../db";
import { sharedWsProxy, PROXY_ALLOWED_ADDRESS } from "../db/test-ws-proxy";
import { createBranchWithEndpoint, defaultBranchName, listBranches, listProjects, neonApi, NeonApiError } from "./index";
import { startNeonStandIn, type NeonStandIn } from "./test-stand-in";

const adminUrl = process.env.DATABASE_URL;
const API_KEY = "napi_standin0123456789abcdefghijklmnopqrstuvwxyz";
const PASSWORD = "npg_StandInPassw0rd";
const todos = compiledDesign("todos");

describe("defaultBranchName", () => {
  it("is rls/<design>-<UTC time>, safe for any design name", () => {
    expect(defaultBranchName("acme", new Date(Date.UTC(2026, 2, 14, 9, 15, 0)))).toBe("rls/acme-20260314-091500");
    expect(defaultBranchName("Mon Projet: été", new Date(Date.UTC(2026, 0, 1)))).toBe("rls/mon-projet-t-20260101-000000");
    expect(defaultBranchName("???", new Date(Date.UTC(2026, 0, 1)))).toBe("rls/design-20260101-000000");
  });
});

describe.skipIf(!adminUrl || new URL(adminUrl).host !== PROXY_ALLOWED_ADDRESS)("the Neon branch flow, against a local stand-in of the Neon API", () => {
  let standIn: NeonStandIn;
  let env: ApplyEnvironment;
  beforeAll(async () => {
    standIn = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: PASSWORD });
    const { url: proxy } = await sharedWsProxy();
    env = {
      embedded: () => Promise.reject(new Error("not used")),
      neon: { baseURL: standIn.baseURL, proxy, pollIntervalMs: 20 },
      now: () => new Date(Date.UTC(2026, 2, 14, 9, 15, 0)),
    };
  });
  afterAll(() => standIn?.close());

  it("creates a branch with a read-write endpoint, waits for it, applies there and verifies", async () => {
    const { events, onEvent } = collect();
    const destination = { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId } as const;
    const outcome = await runApply({ ...todos, destination, mode: "apply" }, env, onEvent);

    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, applied: ["0000_neon_setup", "0001_tables", "0002_policies", "0003_indexes"], branch: { branchName: "rls/todos-20260314-091500" } });
    const steps = events.map((e) => `${e.step}:${e.status}`);
    expect(steps.slice(0, 8)).toEqual([
      "create-branch:running",
      "create-branch:done",
      "wait-endpoint:running",
      "wait-endpoint:done",
      "connection-string:running",
      "connection-string:done",
      "connect:running",
      "connect:done",
    ]);
    expect(steps).toContain("verify:done");
    expect(events.at(-1)!.detail).toMatch(/verified$/);

    // What the stand-in was asked, in order: create (with a read-write endpoint), poll, connection string.
    const asked = standIn.requests.map((r) => `${r.method} ${r.path.replace(standIn.projectId, "P").replace(/[0-9a-f-]{36}/, "OP")}`);
    expect(asked[0]).toBe("POST /projects/P/branches");
    expect(standIn.requests[0].body).toEqual({ branch: { name: "rls/todos-20260314-091500" }, endpoints: [{ type: "read_write" }] });
    expect(asked.filter((a) => a === "GET /projects/P/operations/OP").length).toBeGreaterThanOrEqual(2);
    expect(asked.at(-1)).toBe("GET /projects/P/connection_uri");
    expect(standIn.requests.at(-1)!.query).toMatchObject({ branch_id: outcome.branch!.branchId, database_name: "neondb", role_name: "postgres" });

    // The branch's own database holds the tables; its parent does not.
    const branchDb = await openDatabase({ url: `postgres://postgres@127.0.0.1:5432/${standIn.databaseOf(outcome.branch!.branchId)}` });
    const parentDb = await openDatabase({ url: `postgres://postgres@127.0.0.1:5432/${standIn.databaseOf(standIn.defaultBranchId)}` });
    try {
      expect((await branchDb.query("select count(*)::int as n from drizzle.__rls_designer_migrations")).rows).toEqual([{ n: 4 }]);
      expect((await parentDb.query("select to_regclass('public.todos') is null as absent")).rows).toEqual([{ absent: true }]);
    } finally {
      await branchDb.close();
      await parentDb.close();
    }

    // Neither the key nor the password shows anywhere.
    const everything = JSON.stringify([events, outcome]);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(PASSWORD);
  });

  it("plans against the parent branch without creating anything", async () => {
    const before = standIn.branches().length;
    const outcome = await runApply({ ...todos, destination: { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId }, mode: "plan" }, env, () => {});
    expect(outcome).toMatchObject({ ok: true, mode: "plan", branch: { branchId: standIn.defaultBranchId, branchName: "main" } });
    expect(outcome.plan!.pending).toHaveLength(4);
    expect(standIn.branches()).toHaveLength(before);
  });

  it("lists projects and branches for the pickers, the default branch first", async () => {
    const api = neonApi({ apiKey: API_KEY, baseURL: standIn.baseURL });
    expect(await listProjects(api)).toEqual([{ id: standIn.projectId, name: "Stand-in project", regionId: "local" }]);
    const branches = await listBranches(api, standIn.projectId);
    expect(branches[0]).toMatchObject({ id: standIn.defaultBranchId, name: "main", isDefault: true });
  });

  it("lists each organization's projects when the key must name one", async () => {
    const strict = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: PASSWORD, requireOrgId: true });
    try {
      const projects = await listProjects(neonApi({ apiKey: API_KEY, baseURL: strict.baseURL }));
      expect(projects.map((p) => p.id)).toEqual([strict.projectId]);
      expect(strict.requests.map((r) => `${r.path} ${r.query.org_id ?? ""}`.trim())).toEqual(["/projects", "/users/me/organizations", "/projects org-stand-in"]);
    } finally {
      await strict.close();
    }
  });

  it("says what to do when the key is refused or the endpoint does not start, without the key", async () => {
    const { events, onEvent } = collect();
    const wrongKey = "napi_wrongwrongwrongwrongwrong0123456789";
    const refused = await runApply({ ...todos, destination: { kind: "neon", apiKey: wrongKey, projectId: standIn.projectId }, mode: "apply" }, env, onEvent);
    expect(refused.error).toMatchObject({ step: "create-branch", code: "neon-api" });
    expect(refused.error!.message).toContain("HTTP 401");
    expect(refused.error!.fix).toMatch(/API key/);
    expect(JSON.stringify(events)).not.toContain(wrongKey);

    const failing = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: PASSWORD, failStart: true });
    try {
      const api = neonApi({ apiKey: API_KEY, baseURL: failing.baseURL });
      const error = await createBranchWithEndpoint(api, { projectId: failing.projectId, branchName: "rls/x", pollIntervalMs: 10 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeonApiError);
      expect((error as Error).message).toMatch(/start_compute failed: compute failed to start/);
    } finally {
      await failing.close();
    }
  });
});
