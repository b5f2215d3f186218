import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { template } from "../design";
import type { Database } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";
import { PROXY_ALLOWED_ADDRESS, sharedWsProxy } from "../db/test-ws-proxy";
import { startNeonStandIn, type NeonStandIn } from "../neon/test-stand-in";
import { requestApply, requestNeonBranches, requestNeonProjects, requestPlan } from "./client";
import { closeEmbedded } from "./embedded";
import { guardApi, handleTokenRequest } from "./guard";
import { handleApplyRequest, handleNeonBranchesRequest, handleNeonProjectsRequest, handlePlanRequest } from "./server";
import type { ApplyEvent } from "./types";

const adminUrl = process.env.DATABASE_URL;
const withPostgres = !!adminUrl && new URL(adminUrl).host === PROXY_ALLOWED_ADDRESS;
const ORIGIN = "http://localhost:3210";
const API_KEY = "napi_routetest0123456789abcdefghijklmnopqrstuv";
const NEON_PASSWORD = "npg_RouteStandInPw42";
const DB_PASSWORD = "Db-Passw0rd-for-routes";
const design = template("todos");

function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function events(response: Response): Promise<{ text: string; events: ApplyEvent[] }> {
  const text = await response.text();
  return { text, events: text.trim().split("\n").map((line) => JSON.parse(line) as ApplyEvent) };
}

describe("API requests are checked before anything happens", () => {
  const valid = { design, destination: { kind: "embedded" } };

  it("answers other origins with 403", async () => {
    const foreign: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }, { origin: "null" }];
    for (const headers of foreign) {
      const response = await handlePlanRequest(post("/api/plan", valid, headers));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: "cross-origin" } });
    }
    const noOrigin = new Request(`${ORIGIN}/api/plan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(valid) });
    expect((await handleApplyRequest(noOrigin)).status).toBe(403);
  });

  it("answers bodies over 1 MB with 413, whatever Content-Length says", async () => {
    const big = JSON.stringify({ ...valid, design: { ...design, name: "x".repeat(1_100_000) } });
    expect((await handleApplyRequest(post("/api/apply", big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 12; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(100_000)));
        controller.close();
      },
    });
    const lying = new Request(`${ORIGIN}/api/plan`, { method: "POST", headers: { host: "localhost:3210", origin: ORIGIN, "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
    expect((await handlePlanRequest(lying)).status).toBe(413);
  });

  it("answers what is not JSON with 415 or 400", async () => {
    expect((await handlePlanRequest(post("/api/plan", valid, { "content-type": "text/plain" }))).status).toBe(415);
    const response = await handlePlanRequest(post("/api/plan", "{ not json"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid-json" } });
  });

  it("answers an invalid request with 400 and the path of each field at fault, secrets left out", async () => {
    const secretUrl = `mysql://root:${DB_PASSWORD}@db.example.com/app`;
    const response = await handleApplyRequest(post("/api/apply", { design, destination: { kind: "postgres", url: secretUrl }, confirmDestructive: "yes" }));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(DB_PASSWORD);
    const body = JSON.parse(text);
    expect(body.error.code).toBe("invalid-request");
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["confirmDestructive", "destination.url"]);

    const neon = await handlePlanRequest(post("/api/plan", { destination: { kind: "neon", projectId: "Not An Id" } }));
    const paths = (await neon.json()).error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(["design", "destination.apiKey", "destination.projectId"]);

    const projects = await handleNeonProjectsRequest(post("/api/neon/projects", { apiKey: "" }));
    expect(projects.status).toBe(400);
  });

  it("answers an invalid design with 400 and each problem's path in the design", async () => {
    const bad = structuredClone(design) as typeof design;
    bad.tables[0].columns[0].type = "strng" as never;
    const response = await handlePlanRequest(post("/api/plan", { design: bad, destination: { kind: "embedded" } }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("invalid-design");
    expect(body.error.issues[0].path).toBe("design.tables[0].columns[0].type");
  });
});

describe("applying through the API", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "rlsd-api-pglite-"));
    vi.stubEnv("RLSD_PGLITE_DIR", dataDir);
  });
  afterAll(async () => {
    await closeEmbedded();
    vi.unstubAllEnvs();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("applies to the embedded database and streams each step, ending verified", async () => {
    const response = await handleApplyRequest(post("/api/apply", { design, destination: { kind: "embedded" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const { events: all } = await events(response);
    const last = all.at(-1)!;
    expect(last).toMatchObject({ step: "done", status: "done", outcome: { ok: true } });
    expect(last.detail).toMatch(/verified$/);
    expect(last.detail).toContain(dataDir);
    expect(all.filter((e) => e.step === "migration" && e.index).map((e) => `${e.index}/${e.total}`)).toEqual(["1/4", "2/4", "3/4", "4/4"]);

    // One embedded database per process: a plan waits for the apply, then sees it.
    const plan = await handlePlanRequest(post("/api/plan", { design, destination: { kind: "embedded" } }));
    expect((await plan.json()).outcome.plan.pending).toEqual([]);
  });
});

describe.skipIf(!withPostgres)("the API on PostgreSQL and Neon, keeping secrets", () => {
  let db: Database;
  let url: string;
  let standIn: NeonStandIn;
  const written: string[] = [];
  const spies: { mockRestore(): void }[] = [];

  beforeAll(async () => {
    const created = await createPostgresTestDatabase(adminUrl!);
    db = created.db;
    const withPassword = new URL(created.url);
    withPassword.password = DB_PASSWORD;
    url = withPassword.toString();
    standIn = await startNeonStandIn({ adminUrl: adminUrl!, apiKey: API_KEY, password: NEON_PASSWORD });
    vi.stubEnv("RLSD_NEON_API_URL", standIn.baseURL);
    vi.stubEnv("RLSD_NEON_WS_PROXY", (await sharedWsProxy()).url);
    // Everything the process prints while the API works.
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(" "))));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      spies.push(
        vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
          written.push(String(chunk));
          return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write),
      );
    }
  });
  afterAll(async () => {
    for (const spy of spies) spy.mockRestore();
    vi.unstubAllEnvs();
    await standIn?.close();
    await db?.close();
  });
  afterEach(() => {
    const printed = written.join("\n");
    for (const secret of [API_KEY, NEON_PASSWORD, DB_PASSWORD]) expect(printed).not.toContain(secret);
  });

  it("plans and applies to a PostgreSQL URL; the password never comes back", async () => {
    const plan = await handlePlanRequest(post("/api/plan", { design, destination: { kind: "postgres", url } }));
    const planText = await plan.text();
    expect(plan.status).toBe(200);
    expect(JSON.parse(planText).outcome.plan.pending).toHaveLength(4);
    expect(planText).toContain("postgres:***@127.0.0.1");

    // Without a password there is nothing to hide: the destination stays readable, not "***".
    const passwordless = new URL(url);
    passwordless.password = "";
    const open = await (await handlePlanRequest(post("/api/plan", { design, destination: { kind: "postgres", url: passwordless.toString() } }))).json();
    expect(open.outcome.plan.location).toBe(passwordless.toString());

    const response = await handleApplyRequest(post("/api/apply", { design, destination: { kind: "postgres", url } }));
    const { text, events: all } = await events(response);
    expect(all.at(-1)).toMatchObject({ step: "done", status: "done" });
    expect(all.at(-1)!.detail).toMatch(/verified$/);
    expect(all.find((e) => e.step === "verify" && e.status === "done")!.matrix).toMatch(/verified: 1 tables/);
    for (const secret of [DB_PASSWORD, encodeURIComponent(DB_PASSWORD)]) {
      expect(planText).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
  });

  it("serves the browser helpers of lib/apply/client.ts", async () => {
    // The routes of app/api/**: each behind the guard, and the page's token.
    const handlers: Record<string, (r: Request) => Promise<Response>> = {
      "/api/token": async (r) => handleTokenRequest(r),
      "/api/plan": guardApi((r) => handlePlanRequest(r)),
      "/api/apply": guardApi((r) => handleApplyRequest(r)),
      "/api/neon/projects": guardApi((r) => handleNeonProjectsRequest(r)),
      "/api/neon/branches": guardApi((r) => handleNeonBranchesRequest(r)),
    };
    // The page's fetch: same origin, with the headers the helper set, straight to the route.
    const pageFetch = (path: string, init: RequestInit) =>
      new Request(`${ORIGIN}${path}`, { method: init.method, headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", ...(init.headers as Record<string, string>) }, body: init.body });
    vi.stubGlobal("fetch", (path: string, init: RequestInit) => handlers[path](pageFetch(path, init)));
    try {
      const fresh = await createPostgresTestDatabase(adminUrl!);
      try {
        const destination = { kind: "postgres" as const, url: fresh.url };
        expect((await requestPlan({ design, destination })).plan!.pending).toHaveLength(4);
        const seen: string[] = [];
        const outcome = await requestApply({ design, destination }, (e) => seen.push(`${e.step}:${e.status}`));
        expect(outcome).toMatchObject({ ok: true, applied: ["0000_neon_setup", "0001_tables", "0002_policies", "0003_indexes"] });
        expect(seen.at(-1)).toBe("done:done");
        await expect(requestApply({ design: {}, destination }, () => {})).rejects.toMatchObject({ status: 400, body: { error: { code: "invalid-design" } } });
        expect((await requestNeonProjects(API_KEY)).map((p) => p.id)).toEqual([standIn.projectId]);
        expect((await requestNeonBranches(API_KEY, standIn.projectId))[0].isDefault).toBe(true);
      } finally {
        await fresh.db.close();
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("reports a failure with its step and fix, without the password", async () => {
    const unreachable = `postgres://someone:${DB_PASSWORD}@127.0.0.1:1/nowhere`;
    const plan = await handlePlanRequest(post("/api/plan", { design, destination: { kind: "postgres", url: unreachable } }));
    expect(plan.status).toBe(200);
    expect(JSON.parse(await plan.clone().text()).ok).toBe(false);
    const body = await plan.text();
    expect(JSON.parse(body).outcome.error).toMatchObject({ step: "connect", code: "connection" });
    expect(JSON.parse(body).outcome.error.fix).toMatch(/Nothing answers/);
    const { text, events: all } = await events(await handleApplyRequest(post("/api/apply", { design, destination: { kind: "postgres", url: unreachable } })));
    expect(all.map((e) => `${e.step}:${e.status}`)).toEqual(["connect:running", "connect:failed", "done:failed"]);
    for (const secret of [DB_PASSWORD, encodeURIComponent(DB_PASSWORD)]) {
      expect(body).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
  });

  it("lists Neon projects and branches, creates a branch, applies and verifies there; the key and the password never come back", async () => {
    const projects = await handleNeonProjectsRequest(post("/api/neon/projects", { apiKey: API_KEY }));
    const projectsText = await projects.text();
    expect(JSON.parse(projectsText)).toEqual({ ok: true, projects: [{ id: standIn.projectId, name: "Stand-in project", regionId: "local" }] });
    const branches = await handleNeonBranchesRequest(post("/api/neon/branches", { apiKey: API_KEY, projectId: standIn.projectId }));
    const branchesText = await branches.text();
    expect(JSON.parse(branchesText).branches[0]).toMatchObject({ id: standIn.defaultBranchId, isDefault: true });
    const refused = await handleNeonProjectsRequest(post("/api/neon/projects", { apiKey: "napi_wrong0123456789" }));
    expect(refused.status).toBe(200);
    expect((await refused.json()).error.fix).toMatch(/API key/);

    const destination = { kind: "neon", apiKey: API_KEY, projectId: standIn.projectId, parentBranchId: standIn.defaultBranchId, branchName: "rls/route-test" };
    const response = await handleApplyRequest(post("/api/apply", { design, destination }));
    const { text, events: all } = await events(response);
    expect(all.map((e) => e.step).filter((s, i, a) => a.indexOf(s) === i)).toEqual([
      "create-branch",
      "wait-endpoint",
      "connection-string",
      "connect",
      "lock",
      "plan",
      "migration",
      "stand-in",
      "verify",
      "done",
    ]);
    expect(all.at(-1)).toMatchObject({ step: "done", status: "done", outcome: { ok: true, branch: { branchName: "rls/route-test" } } });
    expect(all.at(-1)!.detail).toMatch(/verified$/);
    for (const body of [projectsText, branchesText, text]) {
      expect(body).not.toContain(API_KEY);
      expect(body).not.toContain(NEON_PASSWORD);
    }
  });
});
