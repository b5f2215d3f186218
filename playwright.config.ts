import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.PW_PORT ?? 3123);
const BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * The web server's embedded database (RLSD_PGLITE_DIR), away from the developer's .data/pglite:
 * a folder per port, emptied when a run starts. The main process picks it; the workers inherit
 * the variable, so they neither pick another nor empty it under the server.
 */
if (!process.env.RLSD_E2E_PGLITE_DIR) {
  process.env.RLSD_E2E_PGLITE_DIR = join(tmpdir(), `rlsd-e2e-pglite-${PORT}`);
  rmSync(process.env.RLSD_E2E_PGLITE_DIR, { recursive: true, force: true });
}
const PGLITE_DIR = process.env.RLSD_E2E_PGLITE_DIR;

/**
 * Where the web server finds "Neon": e2e/apply-neon.spec.ts forwards these two ports to a local
 * stand-in of the Neon API and to the serverless driver's WebSocket proxy while it runs.
 */
const NEON_API_PORT = PORT + 1;
const NEON_PROXY_PORT = PORT + 2;

/**
 * Browser tests run against a production build (`next build && next start`), in Debian's
 * chromium, with nothing allowed to leave localhost. `PW_SKIP_BUILD=1` reuses an existing
 * `.next` build.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    acceptDownloads: true,
    serviceWorkers: "block",
    launchOptions: {
      executablePath: process.env.PW_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } }],
  webServer: {
    // The scripts a user runs (package.json): loopback only, no telemetry; e2e/server-guard.spec.ts checks both.
    command: process.env.PW_SKIP_BUILD ? `npm run start -- -p ${PORT}` : `npm run build && npm run start -- -p ${PORT}`,
    url: BASE_URL,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      RLSD_PGLITE_DIR: PGLITE_DIR,
      RLSD_NEON_API_URL: `http://127.0.0.1:${NEON_API_PORT}/api/v2`,
      RLSD_NEON_WS_PROXY: `ws://127.0.0.1:${NEON_PROXY_PORT}/v1`,
      // The playground's statement deadline (5 s by default): e2e/playground.spec.ts runs one that never ends.
      RLSD_PLAYGROUND_DEADLINE_MS: "2000",
    },
  },
});
