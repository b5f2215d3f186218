import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { template } from "../design";
import type { Database } from "../db";
import { freshPglite } from "../db/pglite-template";
import { lend } from "../apply/test-helpers";
import { handlePlaygroundRun, handlePlaygroundView, playgroundOptions } from "./handler";

const ORIGIN = "http://localhost:3210";
const post = (path: string, body: unknown, origin = ORIGIN) =>
  new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost:3210", origin, "sec-fetch-site": origin === ORIGIN ? "same-origin" : "cross-site", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /api/playground", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("views as a principal and runs a statement as it, on the embedded database only, leaving it as it was", async () => {
    const view = await handlePlaygroundView(post("/api/playground/view", { design: template("todos"), principal: { kind: "verify", name: "user B" } }), lend(db));
    expect(view.status).toBe(200);
    const body = (await view.json()) as { ok: true; view: { tables: { rows: unknown[] }[] } };
    expect(body.ok).toBe(true);
    expect(body.view.tables[0].rows.length).toBeGreaterThan(0);
    const run = await handlePlaygroundRun(post("/api/playground/run", { design: template("todos"), principal: { kind: "custom", signedIn: true, claims: { sub: "someone" } }, sql: "select current_user as who" }), lend(db));
    expect(((await run.json()) as { result: unknown }).result).toMatchObject({ ok: true, rows: [{ who: "authenticated" }], rolledBack: true });
    expect((await db.query("select to_regclass('public.todos') as t")).rows[0]).toEqual({ t: null });
  });

  it("takes no destination, refuses other origins, and names the field that is wrong", async () => {
    const withUrl = await handlePlaygroundRun(post("/api/playground/run", { design: template("todos"), principal: { kind: "verify", name: "user A" }, sql: "select 1", destination: { kind: "postgres", url: "postgres://x@example.com/db" } }), lend(db));
    expect(withUrl.status).toBe(400);
    expect(JSON.stringify(await withUrl.json())).toMatch(/destination/);
    expect((await handlePlaygroundView(post("/api/playground/view", { design: template("todos"), principal: { kind: "verify", name: "user A" } }, "http://evil.example"), lend(db))).status).toBe(403);
    const unknown = await handlePlaygroundView(post("/api/playground/view", { design: template("todos"), principal: { kind: "verify", name: "nobody" } }), lend(db));
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toMatch(/user A/);
    const badClaims = await handlePlaygroundView(post("/api/playground/view", { design: template("todos"), principal: { kind: "custom", signedIn: true, claims: [] } }), lend(db));
    expect(badClaims.status).toBe(400);
    expect(JSON.stringify(await badClaims.json())).toMatch(/principal\.claims/);
  });

  it("takes the statement deadline from RLSD_PLAYGROUND_DEADLINE_MS, a positive whole number of ms, or keeps 5 s", () => {
    expect(playgroundOptions({ RLSD_PLAYGROUND_DEADLINE_MS: "2000" })).toEqual({ deadlineMs: 2000 });
    for (const value of [undefined, "", "0", "-5", "1.5", "soon"]) expect(playgroundOptions({ RLSD_PLAYGROUND_DEADLINE_MS: value })).toEqual({});
  });
});
