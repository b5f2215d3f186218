import { afterEach, describe, expect, it, vi } from "vitest";
import { requestEmptyEmbedded } from "./client";
import { guardApi, handleTokenRequest } from "./guard";

afterEach(() => vi.unstubAllGlobals());

describe("the page's helpers send the server's token", () => {
  it("fetch the token once, send it with each request, and fetch a new one when the server restarted", async () => {
    let token = "first-process-token-0123456789";
    const seen: string[] = [];
    const options = () => ({ token, allowedHosts: [], log: () => {} });
    const routes: Record<string, (r: Request) => Promise<Response>> = {
      "/api/token": async (r) => handleTokenRequest(r, options()),
      "/api/embedded/empty": (r) => guardApi(async () => Response.json({ ok: true, dropped: ["public"] }), options())(r),
    };
    vi.stubGlobal("fetch", (path: string, init: RequestInit) => {
      seen.push(`${init.method} ${path}`);
      const headers = { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin", ...(init.headers as Record<string, string>) };
      return routes[path](new Request(`http://127.0.0.1:3000${path}`, { method: init.method, headers, body: init.body }));
    });

    expect(await requestEmptyEmbedded()).toEqual(["public"]);
    expect(await requestEmptyEmbedded()).toEqual(["public"]);
    expect(seen).toEqual(["GET /api/token", "POST /api/embedded/empty", "POST /api/embedded/empty"]);

    seen.length = 0;
    token = "second-process-token-0123456789";
    expect(await requestEmptyEmbedded()).toEqual(["public"]);
    expect(seen).toEqual(["POST /api/embedded/empty", "GET /api/token", "POST /api/embedded/empty"]);
  });
});
