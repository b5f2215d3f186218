import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest, createServer, type Server } from "node:http";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, expect, test, type Browser } from "@playwright/test";
import { template } from "@/lib/design";

/**
 * Only the designer's own page may drive the app's server (lib/apply/guard.ts), tried against the
 * production server the browser tests start (`npm run start`, see playwright.config.ts):
 * rebinding requests (a foreign Host with a matching Origin), foreign and missing Origins,
 * simple `text/plain` posts and requests without the page's token are refused by every route of
 * app/api/**, found on disk so that a new route cannot be forgotten; the page's own requests
 * still work; the server listens on loopback only; and `npm run dev` does too, without telemetry.
 *
 * Forged Hosts go through node:http (fetch may not set Host); the browser attacks run in
 * Chromium with evil.example mapped to 127.0.0.1, which is what DNS rebinding amounts to.
 */

const TOKEN_HEADER = "x-rlsd-page-token";
const design = template("todos");

/** app/api/**\/route.ts and the methods each serves (its own handlers; the refusals of otherMethods, `export const { ... }`, are not counted). */
function apiRoutes(): { path: string; methods: string[] }[] {
  const files = readdirSync("app/api", { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith("route.ts"));
  return files.map((file) => {
    const source = readFileSync(join("app/api", file), "utf8");
    const methods = [...source.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
    return { path: `/api/${file.replace(/\\/g, "/").replace(/\/?route\.ts$/, "")}`, methods };
  });
}

/** A body each POST route accepts: had a forged request got through, it would have been carried out. */
const VALID_BODY: Record<string, unknown> = {
  "/api/plan": { design, destination: { kind: "embedded" } },
  "/api/apply": { design, destination: { kind: "embedded" } },
  "/api/embedded/empty": {},
  "/api/neon/projects": { apiKey: "napi_guardtest0123456789abcdefghijklmnop" },
  "/api/neon/branches": { apiKey: "napi_guardtest0123456789abcdefghijklmnop", projectId: "soft-dew-12345678" },
  "/api/neon/databases": { apiKey: "napi_guardtest0123456789abcdefghijklmnop", projectId: "soft-dew-12345678", branchId: "br-small-term-683261" },
  "/api/explain": { design, destination: { kind: "embedded" }, table: "todos", principal: "owner", operation: "select" },
  "/api/import": { source: { kind: "sql", text: "create table t (id int primary key);" } },
  "/api/import/verify": { source: { kind: "sql", text: "create table todos (id uuid primary key);" }, design },
  "/api/lint": { source: { kind: "embedded" } },
  "/api/playground/view": { design },
  "/api/playground/run": { design, sql: "select 1" },
};

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: { ok?: boolean; token?: string; error?: { code: string; message?: string } } | null };

/** The methods a route may be asked for with an answer that has a body (HEAD never has one). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** An HTTP request to the server with exactly these headers, Host included. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, setHost: false, headers: { ...headers, ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        let parsed: Answer["body"] = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portOf(baseURL: string | undefined): number {
  return Number(new URL(baseURL ?? "http://127.0.0.1:3123").port);
}

/** The token the server hands its own page. */
async function pageToken(port: number): Promise<string> {
  const answer = await send(port, "GET", "/api/token", { host: `127.0.0.1:${port}`, "sec-fetch-site": "same-origin" });
  expect(answer.status).toBe(200);
  return answer.body!.token!;
}

/** What the designer's page sends with a POST. */
function pageHeaders(port: number, token: string): Record<string, string> {
  return { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin", "content-type": "application/json", [TOKEN_HEADER]: token };
}

test.describe("the app's server answers its own page only", () => {
  test("every API route is guarded: rebinding, foreign or missing Origin, text/plain, no or a wrong token are all refused", async ({ baseURL }) => {
    test.setTimeout(120_000);
    const port = portOf(baseURL);
    const token = await pageToken(port);
    const routes = apiRoutes();
    const posts = routes.filter((r) => r.methods.includes("POST")).map((r) => r.path);
    expect(posts.sort()).toEqual(Object.keys(VALID_BODY).sort());
    expect(routes.filter((r) => !r.methods.includes("POST"))).toEqual([{ path: "/api/token", methods: ["GET"] }]);

    const page = pageHeaders(port, token);
    const rebinding = `evil.example:${port}`;
    const attacks: { name: string; headers: Record<string, string>; status: number; code: string }[] = [
      // A page on a rebinding domain is same-origin with the server: it can send Origin = Host, JSON, and even a token it somehow learnt.
      { name: "rebinding", headers: { ...page, host: rebinding, origin: `http://${rebinding}` }, status: 403, code: "host-not-allowed" },
      { name: "rebinding, no token", headers: { host: rebinding, origin: `http://${rebinding}`, "sec-fetch-site": "same-origin", "content-type": "application/json" }, status: 403, code: "host-not-allowed" },
      { name: "rebinding by IP-looking name", headers: { ...page, host: `127.0.0.1.evil.example:${port}`, origin: `http://127.0.0.1.evil.example:${port}` }, status: 403, code: "host-not-allowed" },
      { name: "foreign Origin", headers: { ...page, origin: "http://evil.example" }, status: 403, code: "cross-origin" },
      { name: "another local origin", headers: { ...page, origin: `http://127.0.0.1:${port + 7}`, "sec-fetch-site": "same-site" }, status: 403, code: "cross-origin" },
      { name: "opaque Origin", headers: { ...page, origin: "null" }, status: 403, code: "cross-origin" },
      { name: "cross-site fetch", headers: { ...page, "sec-fetch-site": "cross-site" }, status: 403, code: "cross-origin" },
      { name: "missing Origin", headers: Object.fromEntries(Object.entries(page).filter(([k]) => k !== "origin" && k !== "sec-fetch-site")), status: 403, code: "cross-origin" },
      // A simple post (no preflight) cannot carry a custom header, so it has no token.
      { name: "simple text/plain post", headers: { host: page.host, origin: page.origin, "sec-fetch-site": "same-origin", "content-type": "text/plain;charset=UTF-8" }, status: 403, code: "invalid-token" },
      { name: "text/plain with the token", headers: { ...page, "content-type": "text/plain;charset=UTF-8" }, status: 415, code: "unsupported-media-type" },
      { name: "form post with the token", headers: { ...page, "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported-media-type" },
      { name: "no token", headers: Object.fromEntries(Object.entries(page).filter(([k]) => k !== TOKEN_HEADER)), status: 403, code: "invalid-token" },
      { name: "a wrong token", headers: { ...page, [TOKEN_HEADER]: `${token.slice(0, -2)}xx` }, status: 403, code: "invalid-token" },
    ];
    for (const path of posts) {
      const body = JSON.stringify(VALID_BODY[path]);
      for (const attack of attacks) {
        const answer = await send(port, "POST", path, attack.headers, body);
        expect({ path, attack: attack.name, status: answer.status, code: answer.body?.error?.code }).toEqual({ path, attack: attack.name, status: attack.status, code: attack.code });
      }
    }

    // The token itself: for this host's own pages only.
    for (const [name, headers, code] of [
      ["rebinding", { host: rebinding, "sec-fetch-site": "same-origin" }, "host-not-allowed"],
      ["cross-site", { host: page.host, "sec-fetch-site": "cross-site" }, "cross-origin"],
      ["no Sec-Fetch-Site", { host: page.host }, "cross-origin"],
    ] as const) {
      const answer = await send(port, "GET", "/api/token", { ...headers });
      expect({ name, status: answer.status, code: answer.body?.error?.code, token: answer.body?.token }).toEqual({ name, status: 403, code, token: undefined });
    }
  });

  test("every API route answers a method it does not serve with the API's JSON error (405), even from the page", async ({ baseURL }) => {
    const port = portOf(baseURL);
    const headers = pageHeaders(port, await pageToken(port));
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(1);
    for (const route of routes) {
      expect(route.methods, `${route.path} serves one method`).toHaveLength(1);
      for (const method of METHODS.filter((m) => !route.methods.includes(m))) {
        const body = method === "GET" || method === "OPTIONS" ? undefined : JSON.stringify(VALID_BODY[route.path] ?? {});
        const answer = await send(port, method, route.path, headers, body);
        expect({
          route: route.path,
          method,
          status: answer.status,
          type: answer.headers["content-type"],
          allow: answer.headers.allow,
          ok: answer.body?.ok,
          code: answer.body?.error?.code,
          message: answer.body?.error?.message,
        }).toEqual({
          route: route.path,
          method,
          status: 405,
          type: "application/json; charset=utf-8",
          allow: route.methods[0],
          ok: false,
          code: "method-not-allowed",
          message: `this route answers ${route.methods[0]} only, not ${method}`,
        });
      }
    }
  });

  test("the page's own requests go through, with the same bodies", async ({ baseURL }) => {
    const port = portOf(baseURL);
    const headers = pageHeaders(port, await pageToken(port));
    const plan = await send(port, "POST", "/api/plan", headers, JSON.stringify(VALID_BODY["/api/plan"]));
    expect(plan).toMatchObject({ status: 200, body: { ok: true } });
    // Reaches the handler, which then checks the body.
    expect((await send(port, "POST", "/api/apply", headers, JSON.stringify({ design: {}, destination: { kind: "embedded" } }))).body?.error?.code).toBe("invalid-design");
    expect((await send(port, "POST", "/api/neon/projects", headers, JSON.stringify(VALID_BODY["/api/neon/projects"]))).status).toBe(200);
    // localhost and [::1]-style names are the same server.
    const local = { ...headers, host: `localhost:${port}`, origin: `http://localhost:${port}` };
    expect((await send(port, "POST", "/api/plan", local, JSON.stringify(VALID_BODY["/api/plan"]))).status).toBe(200);
  });

  test("the server listens on loopback only", async ({ baseURL }) => {
    const port = portOf(baseURL);
    const reach = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host, port, timeout: 3000 });
        socket.on("connect", () => (socket.destroy(), resolve("connected")));
        socket.on("timeout", () => (socket.destroy(), resolve("timeout")));
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
    expect(await reach("127.0.0.1")).toBe("connected");
    // Every address of this machine but loopback (link-local IPv6 left out: it needs an interface to be reached).
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !a.address.startsWith("fe80:"))
      .map((a) => a!.address);
    test.skip(external.length === 0, "this machine has no address but loopback");
    for (const address of external) expect({ address, result: await reach(address) }).toEqual({ address, result: "ECONNREFUSED" });
  });
});

test.describe("attacks from a browser", () => {
  let browser: Browser;
  let evil: Server;
  let evilPort: number;
  test.beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.PW_CHROMIUM ?? "/usr/bin/chromium",
      // DNS rebinding in one flag: evil.example resolves to this machine, nothing reaches a real resolver.
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP evil.example 127.0.0.1"],
    });
    evil = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>evil</title><p>hello"));
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    evilPort = (evil.address() as { port: number }).port;
  });
  test.afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => evil?.close(resolve));
  });

  test("a rebinding page (the app under a foreign name) gets no token and is refused", async ({ baseURL }) => {
    const port = portOf(baseURL);
    const page = await browser.newPage();
    await page.goto(`http://evil.example:${port}/`);
    const result = await page.evaluate(async (body) => {
      const token = await fetch("/api/token");
      const post = (path: string, headers: Record<string, string>) => fetch(path, { method: "POST", headers, body }).then(async (r) => `${r.status} ${((await r.json()) as { error?: { code: string } }).error?.code}`);
      return {
        token: `${token.status} ${((await token.json()) as { error?: { code: string } }).error?.code}`,
        json: await post("/api/embedded/empty", { "content-type": "application/json", "x-rlsd-page-token": "guessed" }),
        plain: await post("/api/embedded/empty", { "content-type": "text/plain" }),
      };
    }, JSON.stringify({}));
    expect(result).toEqual({ token: "403 host-not-allowed", json: "403 host-not-allowed", plain: "403 host-not-allowed" });
    await page.close();
  });

  test("another site's page can neither read the token nor post to the API", async ({ baseURL }) => {
    const port = portOf(baseURL);
    const page = await browser.newPage();
    await page.goto(`http://evil.example:${evilPort}/`);
    const statuses: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).port === String(port)) statuses.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
    });
    const target = `http://127.0.0.1:${port}`;
    const outcome = await page.evaluate(
      async ({ target, body }) => {
        const attempt = (input: string, init?: RequestInit) => fetch(input, init).then((r) => `answered ${r.type} ${r.status}`, () => "blocked");
        return {
          // CORS: the answer (and so the token) is not readable by this page.
          token: await attempt(`${target}/api/token`),
          // Needs a preflight (JSON, custom header), which the server never grants.
          json: await attempt(`${target}/api/embedded/empty`, { method: "POST", headers: { "content-type": "application/json", "x-rlsd-page-token": "guessed" }, body }),
          // No preflight: sent, its answer opaque to the page, and refused by the server.
          plain: await attempt(`${target}/api/embedded/empty`, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body }),
          form: await attempt(`${target}/api/apply`, { method: "POST", mode: "no-cors", body: new URLSearchParams({ design: "{}" }) }),
        };
      },
      { target, body: JSON.stringify({}) },
    );
    expect(outcome).toEqual({ token: "blocked", json: "blocked", plain: "answered opaque 0", form: "answered opaque 0" });
    await expect.poll(() => statuses.filter((s) => s.startsWith("POST")).sort()).toEqual(["POST /api/apply 403", "POST /api/embedded/empty 403"]);
    expect(statuses).not.toContain("POST /api/embedded/empty 200");
    await page.close();
  });
});

test("npm run dev listens on loopback and announces no telemetry", async () => {
  test.setTimeout(120_000);
  const config = mkdtempSync(join(tmpdir(), "rlsd-dev-config-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, RLSD_PGLITE_DIR: join(config, "pglite") };
  delete env.NEXT_TELEMETRY_DISABLED;
  const dev = spawn("npm", ["run", "dev", "--", "-p", String(port)], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  dev.stdout!.on("data", (chunk) => (output += chunk));
  dev.stderr!.on("data", (chunk) => (output += chunk));
  try {
    await expect.poll(() => output, { timeout: 60_000 }).toMatch(/Ready in/);
    expect(output).toContain(`http://127.0.0.1:${port}`);
    const token = await send(port, "GET", "/api/token", { host: `127.0.0.1:${port}`, "sec-fetch-site": "same-origin" });
    expect(token.status).toBe(200);
    expect((await send(port, "GET", "/api/token", { host: `evil.example:${port}`, "sec-fetch-site": "same-origin" })).status).toBe(403);
    expect(output).not.toMatch(/telemetry/i);
  } finally {
    process.kill(-dev.pid!, "SIGTERM");
    await new Promise((resolve) => dev.once("exit", resolve));
    rmSync(config, { recursive: true, force: true });
  }
});
