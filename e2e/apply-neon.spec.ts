import { expect, openDesigner, startFrom, test } from "./fixtures/test";
import { canRunNeon, neonForApp, neonSkipReason } from "./fixtures/neon";

/** A new Neon branch from the Apply panel, against the local stand-ins of e2e/fixtures/neon.ts. */

const API_KEY = `napi_e2e${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

test("creates a Neon branch from the Apply panel, applies there and verifies; the API key never comes back", async ({ page }) => {
  test.skip(!canRunNeon, neonSkipReason);
  test.setTimeout(180_000);
  const appPort = Number(new URL(test.info().project.use.baseURL!).port);
  const neon = await neonForApp(appPort, { apiKey: API_KEY, password: "npg_e2eStandInPassword1" });
  const { standIn } = neon;
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => bodies.push(response.body().then((b) => b.toString("utf8")).catch(() => "")));

  try {
    await openDesigner(page);
    await startFrom(page, "Template: todos");
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
    await panel.getByRole("radio", { name: "Neon branch" }).check();
    const key = panel.getByRole("textbox", { name: "Neon API key" });
    await expect(key).toHaveAttribute("type", "password");
    // A key Neon refuses: the failure is an alert, with what to do.
    await key.fill(`${API_KEY}-wrong`);
    await panel.getByRole("button", { name: "Load projects" }).click();
    // The server's first Neon request loads its API route, which a busy machine takes a while to do.
    await expect(panel.getByRole("alert")).toContainText("Neon refused the API key", { timeout: 45_000 });
    await key.fill(API_KEY);
    await panel.getByRole("button", { name: "Load projects" }).click();
    // The key's one project is picked, and its default branch as the parent; the alert is gone.
    await expect(panel.getByRole("combobox", { name: "Neon project" })).toHaveValue(standIn.projectId, { timeout: 45_000 });
    await expect(panel.getByRole("alert")).toHaveCount(0);
    await expect(panel.getByRole("combobox", { name: "Parent branch" })).toHaveValue(standIn.defaultBranchId);
    await expect(panel.getByRole("combobox", { name: "Parent branch" }).locator("option:checked")).toHaveText(/\(default\)/);
    await panel.getByRole("textbox", { name: "Branch name" }).fill("rls/e2e-try");

    const plan = panel.getByRole("region", { name: "Plan" });
    await panel.getByRole("button", { name: "Plan" }).click();
    await expect(plan).toContainText(/4 of 4 migrations to apply/, { timeout: 30_000 });
    await expect(plan).toContainText("a new branch starts from");
    expect(standIn.branches()).toHaveLength(1);

    await panel.getByRole("button", { name: "Apply now" }).click();
    const progress = panel.getByRole("region", { name: "Apply progress" });
    await expect(progress).toHaveText(/applied 4 migrations to .*; verified$/, { timeout: 120_000 });
    for (const step of ["Create branch", "Wait for endpoint", "Connection string", "Connect", "Migrations", "Verify"]) await expect(progress).toContainText(`done: ${step}`);
    await expect(panel.getByText(/Neon branch rls\/e2e-try/)).toBeVisible();
    await expect(panel.getByRole("region", { name: "Access matrix" })).not.toContainText("✗");
    expect(standIn.branches().map((b) => b.name)).toContain("rls/e2e-try");

    expect(JSON.stringify(await page.evaluate(() => ({ ...localStorage })))).not.toContain(API_KEY);
    const received = await Promise.all(bodies);
    expect(received.filter((b) => b.includes(API_KEY))).toEqual([]);
  } finally {
    await neon.close();
  }
});
