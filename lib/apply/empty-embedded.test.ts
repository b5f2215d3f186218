import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { apply, pendingMigrations } from "../db";
import { closeEmbedded, leaseEmbedded } from "./embedded";
import { handleEmptyEmbeddedRequest } from "./server";

let dir: string;
const previous = process.env.RLSD_PGLITE_DIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rlsd-empty-"));
  process.env.RLSD_PGLITE_DIR = dir;
});
afterAll(async () => {
  await closeEmbedded();
  if (previous === undefined) delete process.env.RLSD_PGLITE_DIR;
  else process.env.RLSD_PGLITE_DIR = previous;
  await rm(dir, { recursive: true, force: true });
});

const post = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/api/embedded/empty", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } });

describe("POST /api/embedded/empty", () => {
  it("refuses requests from other origins", async () => {
    const response = await handleEmptyEmbeddedRequest(post({ origin: "http://evil.example" }));
    expect(response.status).toBe(403);
  });

  it("drops what a bundle created, so the design applies again from scratch", async () => {
    const result = compileDesign(template("todos"));
    if (!result.ok) throw new Error("template invalid");
    const lease = await leaseEmbedded(dir);
    try {
      await apply(result.bundle, lease.db);
      expect(await pendingMigrations(result.bundle, lease.db)).toEqual([]);
    } finally {
      await lease.release();
    }
    const response = await handleEmptyEmbeddedRequest(post({ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, dropped: expect.arrayContaining(["public", "drizzle", "auth"]) });
    const after = await leaseEmbedded(dir);
    try {
      expect(await pendingMigrations(result.bundle, after.db)).toHaveLength(4);
    } finally {
      await after.release();
    }
  }, 60_000);
});
