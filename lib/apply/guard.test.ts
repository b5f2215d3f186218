import { describe, expect, it } from "vitest";
import { template } from "../design";
import {
  API_TOKEN_HEADER,
  allowedHostsFrom,
  apiToken,
  checkApiRequest,
  checkTokenRequest,
  guardApi,
  handleTokenRequest,
  isAllowedHost,
  type GuardOptions,
} from "./guard";
import { isSameOrigin } from "./http";
import { handleEmptyEmbeddedRequest, handlePlanRequest } from "./server";
import { withThrowawayEmbedded } from "./test-helpers";

const TOKEN = "test-token-0123456789abcdefghijklmnopqrstuvwxyz";

/** A request as the server sees it: Host and the browser's headers are whatever the sender chose. */
function request(method: string, host: string, headers: Record<string, string> = {}, body?: string): Request {
  return new Request(`http://${host}/api/plan`, { method, headers: { host, ...headers }, ...(body === undefined ? {} : { body }) });
}

/** What the designer's page sends: same origin, its token, JSON. */
function pagePost(host: string, headers: Record<string, string> = {}): Request {
  return request("POST", host, { origin: `http://${host}`, "sec-fetch-site": "same-origin", "content-type": "application/json", [API_TOKEN_HEADER]: TOKEN, ...headers }, "{}");
}

function quiet(extra: Partial<GuardOptions> = {}): GuardOptions & { lines: string[] } {
  const lines: string[] = [];
  return { token: TOKEN, allowedHosts: [], log: (line) => lines.push(line), lines, ...extra };
}

describe("the hosts the server answers for", () => {
  it("serves loopback names and addresses, on any port", () => {
    for (const host of ["localhost", "localhost:3000", "127.0.0.1:3000", "127.8.9.10", "127.1:3000", "[::1]:3000", "[::1]", "LOCALHOST:3000"]) {
      expect(isAllowedHost(host), host).toBe(true);
    }
  });

  it("refuses every other name, including look-alikes and what is not a bare host", () => {
    for (const host of ["evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io", "localhost.", "0.0.0.0:3000", "192.168.1.20:3000", "[::2]", "[::ffff:7f00:1]", "10.0.0.1", "localhost@evil.example", "evil.example/localhost", "localhost:3000 evil", "", " localhost"]) {
      expect(isAllowedHost(host), host).toBe(false);
    }
  });

  it("adds the hosts of RLSD_ALLOWED_HOSTS, a port when given, and ignores entries that are not hosts", () => {
    const invalid: string[] = [];
    const rules = allowedHostsFrom(" designer.internal, 192.168.1.20:3000 [fd00::1] *.example,https://x.example ", (entry) => invalid.push(entry));
    expect(rules).toEqual([{ hostname: "designer.internal" }, { hostname: "192.168.1.20", port: "3000" }, { hostname: "[fd00::1]" }]);
    expect(invalid).toEqual(["*.example", "https://x.example"]);
    expect(isAllowedHost("designer.internal:8080", rules)).toBe(true);
    expect(isAllowedHost("DESIGNER.internal", rules)).toBe(true);
    expect(isAllowedHost("192.168.1.20:3000", rules)).toBe(true);
    expect(isAllowedHost("192.168.1.20:3001", rules)).toBe(false);
    expect(isAllowedHost("[fd00::1]:3000", rules)).toBe(true);
    expect(isAllowedHost("evil.designer.internal", rules)).toBe(false);
    expect(allowedHostsFrom(undefined)).toEqual([]);
  });
});

describe("state-changing API requests", () => {
  it("let the page's own request through, on loopback and on a configured host", () => {
    expect(checkApiRequest(pagePost("127.0.0.1:3000"), quiet())).toBeNull();
    expect(checkApiRequest(pagePost("localhost:3000", { "content-type": "application/json; charset=utf-8" }), quiet())).toBeNull();
    expect(checkApiRequest(pagePost("designer.internal"), quiet({ allowedHosts: [{ hostname: "designer.internal" }] }))).toBeNull();
    // A browser without Sec-Fetch-Site (older ones) still sends Origin.
    const withoutSite = { origin: "http://127.0.0.1:3000", "content-type": "application/json", [API_TOKEN_HEADER]: TOKEN };
    expect(checkApiRequest(request("POST", "127.0.0.1:3000", withoutSite, "{}"), quiet())).toBeNull();
  });

  it("refuse a rebinding page: a foreign Host with an Origin that matches it", () => {
    const refusal = checkApiRequest(pagePost("evil.example:3000"), quiet());
    expect(refusal).toMatchObject({ status: 403, code: "host-not-allowed" });
    expect(checkApiRequest(pagePost("evil.example:3000"), quiet({ allowedHosts: [{ hostname: "designer.internal" }] }))?.code).toBe("host-not-allowed");
    const noHost = new Request("http://127.0.0.1:3000/api/plan", { method: "POST", headers: { origin: "http://127.0.0.1:3000" } });
    expect(checkApiRequest(noHost, quiet())?.code).toBe("host-not-allowed");
  });

  it("refuse foreign, missing or opaque Origins and cross-site fetches", () => {
    const foreign: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: "http://127.0.0.1:3001" }, { origin: "null" }, { origin: "ftp://127.0.0.1:3000" }, { origin: "not a url" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { "sec-fetch-site": "none" }];
    for (const headers of foreign) {
      expect(checkApiRequest(pagePost("127.0.0.1:3000", headers), quiet()), JSON.stringify(headers)).toMatchObject({ status: 403, code: "cross-origin" });
    }
    const noOrigin = request("POST", "127.0.0.1:3000", { "content-type": "application/json", [API_TOKEN_HEADER]: TOKEN }, "{}");
    expect(checkApiRequest(noOrigin, quiet())?.code).toBe("cross-origin");
  });

  it("refuse requests without this process's token, or with another", () => {
    const page = { origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin", "content-type": "application/json" };
    expect(checkApiRequest(request("POST", "127.0.0.1:3000", page, "{}"), quiet())).toMatchObject({ status: 403, code: "invalid-token", detail: "no page token" });
    for (const wrong of ["", TOKEN.slice(0, -1), `${TOKEN}x`, apiToken()]) {
      expect(checkApiRequest(pagePost("127.0.0.1:3000", { [API_TOKEN_HEADER]: wrong }), quiet())).toMatchObject({ code: "invalid-token", detail: "a wrong page token" });
    }
  });

  it("refuse simple (text/plain, form) posts, which a page may send without asking", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""]) {
      expect(checkApiRequest(pagePost("127.0.0.1:3000", { "content-type": type }), quiet()), type).toMatchObject({ status: 415, code: "unsupported-media-type" });
    }
  });

  it("answer refusals with the API's JSON error and log them without the token", async () => {
    const options = quiet();
    let reached = 0;
    const route = guardApi(async () => {
      reached++;
      return new Response("ran");
    }, options);
    const refused = await route(pagePost("evil.example:3000", { [API_TOKEN_HEADER]: TOKEN }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: "host-not-allowed", message: expect.stringContaining("RLSD_ALLOWED_HOSTS") } });
    const wrongToken = await route(pagePost("127.0.0.1:3000", { [API_TOKEN_HEADER]: "guess-0123456789" }));
    expect(await wrongToken.json()).toMatchObject({ error: { code: "invalid-token" } });
    expect(reached).toBe(0);
    expect(options.lines).toEqual([
      '[rls-designer] refused POST /api/plan (403 host-not-allowed): Host "evil.example:3000"',
      "[rls-designer] refused POST /api/plan (403 invalid-token): a wrong page token",
    ]);
    expect(options.lines.join("\n")).not.toContain(TOKEN);
    expect(options.lines.join("\n")).not.toContain("guess-0123456789");
    expect(await (await route(pagePost("127.0.0.1:3000"))).text()).toBe("ran");
    expect(reached).toBe(1);
  });

  it("quote attacker-chosen header values in the log, short and on one line", async () => {
    const options = quiet();
    await guardApi(async () => new Response(), options)(pagePost("127.0.0.1:3000", { origin: `http://x.example/\u001b[31m${"a".repeat(300)}` }));
    expect(options.lines).toHaveLength(1);
    expect(options.lines[0].length).toBeLessThan(220);
    expect(options.lines[0]).toMatch(/^\[rls-designer\] refused POST \/api\/plan \(403 cross-origin\): Origin "http:\/\/x\.example\/\\u001b\[31ma+…"$/);
  });
});

describe("GET /api/token", () => {
  const get = (host: string, headers: Record<string, string> = { "sec-fetch-site": "same-origin" }) => request("GET", host, headers);

  it("gives the page this process's token, the same on every call", async () => {
    const first = handleTokenRequest(get("127.0.0.1:3000"), { allowedHosts: [] });
    expect(first.status).toBe(200);
    const { token } = (await first.json()) as { token: string };
    expect(token).toBe(apiToken());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(((await handleTokenRequest(get("localhost:3000"), { allowedHosts: [] }).json()) as { token: string }).token).toBe(token);
    expect(first.headers.get("cache-control")).toMatch(/no-store/);
    expect(first.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a rebinding page, other sites and requests that say nothing about where they come from", async () => {
    expect(checkTokenRequest(get("evil.example:3000"), quiet())?.code).toBe("host-not-allowed");
    for (const site of ["cross-site", "same-site", "none"]) expect(checkTokenRequest(get("127.0.0.1:3000", { "sec-fetch-site": site }), quiet())?.code).toBe("cross-origin");
    expect(checkTokenRequest(get("127.0.0.1:3000", {}), quiet())?.code).toBe("cross-origin");
    const options = quiet();
    const refused = handleTokenRequest(get("evil.example:3000"), options);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(apiToken());
    expect(options.lines).toEqual(['[rls-designer] refused GET /api/plan (403 host-not-allowed): Host "evil.example:3000"']);
  });
});

describe("the handlers' own line, behind the routes' guard", () => {
  // Were the check missing, the handlers would open (and empty) an embedded database: a throwaway one.
  withThrowawayEmbedded("rlsd-guard-");

  it("refuses a rebinding page even where a handler is reached without guardApi", async () => {
    const rebinding = { host: "evil.example:3000", origin: "http://evil.example:3000", "sec-fetch-site": "same-origin", "content-type": "application/json" };
    expect(isSameOrigin(request("POST", "evil.example:3000", rebinding, "{}"))).toBe(false);
    expect(isSameOrigin(request("POST", "127.0.0.1:3000", { ...rebinding, host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }, "{}"))).toBe(true);
    const emptied = await handleEmptyEmbeddedRequest(request("POST", "evil.example:3000", rebinding, "{}"));
    expect(emptied.status).toBe(403);
    const planned = await handlePlanRequest(request("POST", "evil.example:3000", rebinding, JSON.stringify({ design: template("todos"), destination: { kind: "embedded" } })));
    expect(planned.status).toBe(403);
    expect(await planned.json()).toMatchObject({ ok: false, error: { code: "cross-origin" } });
  });
});
