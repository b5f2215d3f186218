import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { template } from "../design";
import type { Database } from "../db";
import { freshPglite } from "../db/pglite-template";
import { handleExplainRequest } from "./explain";
import { lend } from "./test-helpers";

const ORIGIN = "http://localhost:3210";
const post = (body: unknown) =>
  new Request(`${ORIGIN}/api/explain`, {
    method: "POST",
    headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /api/explain", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("explains one cell row by row on the destination, and leaves it as it was", async () => {
    const response = await handleExplainRequest(post({ design: template("todos"), destination: { kind: "embedded" }, table: "todos", principal: "user A", operation: "select" }), lend(db));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: true; explanation: { rows: { allowed: boolean; agrees: boolean; reasons: { part: string }[] }[] } };
    expect(body.ok).toBe(true);
    expect(body.explanation.rows.length).toBeGreaterThan(0);
    expect(body.explanation.rows.every((r) => r.agrees)).toBe(true);
    expect(body.explanation.rows.some((r) => r.allowed) && body.explanation.rows.some((r) => !r.allowed)).toBe(true);
    expect(body.explanation.rows[0].reasons.length).toBeGreaterThan(0);
    // Rolled back: nothing of the design stays in the database.
    expect((await db.query("select to_regclass('public.todos') as t")).rows[0]).toEqual({ t: null });
  });

  it("names the principals when the one asked for does not exist, and refuses a Neon branch destination", async () => {
    const unknown = await handleExplainRequest(post({ design: template("todos"), destination: { kind: "embedded" }, table: "todos", principal: "nobody", operation: "select" }), lend(db));
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain("user A");
    const neon = await handleExplainRequest(post({ design: template("todos"), destination: { kind: "neon", apiKey: "napi_x", projectId: "soft-dew-12345678" }, table: "todos", principal: "user A", operation: "select" }), lend(db));
    expect(neon.status).toBe(400);
    expect(((await neon.json()) as { error: { code: string } }).error.code).toBe("explain-neon");
  });
});
