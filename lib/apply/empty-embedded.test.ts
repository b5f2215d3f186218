import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { apply, pendingMigrations } from "../db";
import { leaseEmbedded } from "./embedded";
import { handleEmptyEmbeddedRequest } from "./server";
import { withThrowawayEmbedded } from "./test-helpers";

const embeddedDir = withThrowawayEmbedded("rlsd-empty-");

const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/embedded/empty", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } });

describe("POST /api/embedded/empty", () => {
  it("refuses requests from other origins", async () => {
    const response = await handleEmptyEmbeddedRequest(post({ origin: "http://evil.example" }));
    expect(response.status).toBe(403);
  });

  it("drops what a bundle created, so the design applies again from scratch", async () => {
    const result = compileDesign(template("todos"));
    if (!result.ok) throw new Error("template invalid");
    const lease = await leaseEmbedded(embeddedDir());
    try {
      await apply(result.bundle, lease.db);
      expect(await pendingMigrations(result.bundle, lease.db)).toEqual([]);
    } finally {
      await lease.release();
    }
    const response = await handleEmptyEmbeddedRequest(post({ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, dropped: expect.arrayContaining(["public", "drizzle", "auth"]) });
    const after = await leaseEmbedded(embeddedDir());
    try {
      expect(await pendingMigrations(result.bundle, after.db)).toHaveLength(4);
    } finally {
      await after.release();
    }
  }, 60_000);
});
