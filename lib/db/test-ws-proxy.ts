import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { WebSocketServer } from "ws";

/** The only address the test proxy forwards to: the local PostgreSQL. */
export const PROXY_ALLOWED_ADDRESS = "127.0.0.1:5432";

/**
 * For tests: what Neon's wsproxy does, in front of the local PostgreSQL. Each WebSocket on
 * `/v1?address=host:port` becomes a TCP connection, bytes piped both ways; any other address is
 * refused at the handshake. Listens on 127.0.0.1, on a free port in 3200-3299.
 */
export async function startWsProxy(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = createServer();
  const wss = new WebSocketServer({
    server,
    verifyClient: ({ req }: { req: { url?: string } }) => new URL(req.url ?? "/", "http://proxy").searchParams.get("address") === PROXY_ALLOWED_ADDRESS,
  });
  // ws re-emits the server's errors on the WebSocketServer: a port already taken while listenInRange
  // tries the range would otherwise be an uncaught exception (listenInRange handles it on the server).
  wss.on("error", () => undefined);
  wss.on("connection", (socket) => {
    connections++;
    const [host, port] = PROXY_ALLOWED_ADDRESS.split(":");
    const tcp = connect({ port: Number(port), host, noDelay: true });
    socket.on("message", (data: Buffer) => tcp.write(data));
    tcp.on("data", (data) => socket.send(data));
    socket.on("close", () => tcp.end());
    tcp.on("close", () => socket.close());
    socket.on("error", () => tcp.destroy());
    tcp.on("error", () => socket.terminate());
  });
  const port = await listenInRange(server);
  // Never the reason a test process stays alive.
  server.unref();
  return {
    url: `ws://127.0.0.1:${port}/v1`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Listens on 127.0.0.1 at the first free port of the range, from a random start (test workers run side by side). */
export async function listenInRange(server: Server, from = 3200, to = 3299): Promise<number> {
  const size = to - from + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = from + ((start + i) % size);
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(true);
      });
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

let shared: ReturnType<typeof startWsProxy> | undefined;

/** One proxy per test process, started on first use and left to end with the process. */
export function sharedWsProxy(): ReturnType<typeof startWsProxy> {
  shared ??= startWsProxy();
  return shared;
}
