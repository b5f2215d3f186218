import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.PW_PORT ?? 3123);
const BASE_URL = `http://127.0.0.1:${PORT}`;

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
    command: process.env.PW_SKIP_BUILD ? `npx next start -p ${PORT} -H 127.0.0.1` : `npm run build && npx next start -p ${PORT} -H 127.0.0.1`,
    url: BASE_URL,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  },
});
