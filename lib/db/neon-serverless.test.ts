import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DatabaseError, driverFor, openDatabase } from "./index";
import { PROXY_ALLOWED_ADDRESS, startWsProxy } from "./test-ws-proxy";

const adminUrl = process.env.DATABASE_URL;

describe("driverFor", () => {
  it("takes the Neon serverless driver for Neon's hosts only", () => {
    expect(driverFor("postgresql://u:p@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require")).toBe("neon-serverless");
    expect(driverFor("postgresql://u:p@ep-x-pooler.eu-central-1.aws.neon.tech/neondb")).toBe("neon-serverless");
    expect(driverFor("postgres://postgres@127.0.0.1:5432/test")).toBe("pg");
    expect(driverFor("postgres://u@neon.tech.example.com/db")).toBe("pg");
    expect(driverFor("postgres://u@myneon.tech/db")).toBe("pg");
  });
});

describe.skipIf(!adminUrl || new URL(adminUrl).host !== PROXY_ALLOWED_ADDRESS)("the Neon serverless driver through the test proxy", () => {
  let proxy: Awaited<ReturnType<typeof startWsProxy>>;
  beforeAll(async () => {
    proxy = await startWsProxy();
  });
  afterAll(() => proxy?.close());

  it("reaches PostgreSQL over a WebSocket, as the serverless driver", async () => {
    const before = proxy.connections();
    const direct = await openDatabase({ url: adminUrl!, driver: "neon-serverless", neon: { proxy: proxy.url } });
    try {
      const { rows } = await direct.query<{ app: string }>("select current_setting('application_name') as app");
      expect(rows[0].app).toMatch(/neon/i);
      expect(proxy.connections()).toBeGreaterThan(before);
    } finally {
      await direct.close();
    }
  });

  it("is refused by the proxy for any address but 127.0.0.1:5432", async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${proxy.url}?address=127.0.0.1:22`);
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.on("open", () => resolve(101));
      socket.on("error", () => resolve(-1));
    });
    expect(status).toBe(401);
    const error = await openDatabase({ url: "postgres://me:s3cretpw@127.0.0.1:1/db", driver: "neon-serverless", neon: { proxy: proxy.url } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain("could not connect to postgres://me:***@127.0.0.1:1/db");
    expect((error as Error).message).not.toContain("s3cretpw");
  });
});
