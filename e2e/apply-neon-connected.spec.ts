import { expectAccessible } from "./fixtures/axe";
import { canRunNeon, neonForApp, neonSkipReason, onBranch } from "./fixtures/neon";
import { expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * A connected Neon branch from the Apply panel: connect it, see what it holds and the plan,
 * rehearse on a child branch (plan, access matrix), confirm, apply to the branch; the connection
 * is remembered for the design, the key is not. Against the stand-ins of e2e/fixtures/neon.ts.
 */

const API_KEY = `napi_e2econn${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

test("connects a Neon branch, rehearses on a child branch, then applies to the branch on confirmation", async ({ page }) => {
  test.skip(!canRunNeon, neonSkipReason);
  test.setTimeout(240_000);
  const appPort = Number(new URL(test.info().project.use.baseURL!).port);
  const neon = await neonForApp(appPort, { apiKey: API_KEY, password: "npg_e2eConnectedPassword1" });
  const { standIn } = neon;
  const main = standIn.databaseOf(standIn.defaultBranchId);
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => bodies.push(response.body().then((b) => b.toString("utf8")).catch(() => "")));

  try {
    await openDesigner(page);
    await startFrom(page, "Template: todos");
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
    await panel.getByRole("radio", { name: "Neon branch" }).check();
    await panel.getByRole("textbox", { name: "Neon API key" }).fill(API_KEY);
    await panel.getByRole("button", { name: "Load projects" }).click();
    // The server's first Neon request loads its API route, which a busy machine takes a while to do.
    await expect(panel.getByRole("combobox", { name: "Neon project" })).toHaveValue(standIn.projectId, { timeout: 45_000 });

    // Connect: the project's default branch, its database and owner role.
    await panel.getByRole("radio", { name: "A connected branch (rehearsed first)" }).check();
    await expect(panel.getByRole("combobox", { name: "Connected branch" })).toHaveValue(standIn.defaultBranchId);
    await expect(panel.getByRole("combobox", { name: "Database" })).toHaveValue("neondb", { timeout: 45_000 });
    await expect(panel.getByRole("combobox", { name: "Role" })).toHaveValue("postgres");

    // What the branch holds, and the plan, before anything changes.
    const plan = panel.getByRole("region", { name: "Plan" });
    await panel.getByRole("button", { name: "Plan" }).click();
    await expect(plan).toContainText(/4 of 4 migrations to apply/, { timeout: 30_000 });
    await expect(plan).toContainText("main holds no version of this design yet.");
    await expect(plan).toContainText("connected branch main");
    await expectAccessible(page, "apply-neon-connected");

    // Rehearse on a child branch: applied and verified there, then deleted; main unchanged.
    await panel.getByRole("button", { name: "Rehearse" }).click();
    const progress = panel.getByRole("region", { name: "Apply progress" });
    await expect(progress).toHaveText(/rehearsed on rls\/rehearsal-todos-\d{8}-\d{6} \(deleted\): applied 4 migrations; verified; main is unchanged$/, { timeout: 120_000 });
    for (const step of ["Create branch", "Wait for endpoint", "Migrations", "Verify", "Delete rehearsal branch"]) await expect(progress).toContainText(`done: ${step}`);
    const rehearsal = panel.getByRole("region", { name: "Rehearsal" });
    await expect(rehearsal).toContainText("The rehearsal passed: 4 migrations applied and verified on a child branch of main. main has not changed.");
    await expect(panel.getByRole("region", { name: "Access matrix" })).not.toContainText("✗");
    expect(standIn.deleted).toHaveLength(1);
    expect(await onBranch<{ absent: boolean }>(main, "select to_regclass('public.todos') is null as absent")).toEqual([{ absent: true }]);
    await expectAccessible(page, "apply-neon-rehearsed");
    await page.screenshot({ path: "test-results/apply-neon-rehearsed.png", fullPage: true });

    // Confirm: the same migrations go to main, verified again; the plan then shows what main holds.
    await panel.getByRole("button", { name: "Apply to main" }).click();
    await expect(progress).toHaveText(/applied 4 migrations to .*; verified$/, { timeout: 120_000 });
    await expect(plan).toContainText("main holds version 1 of this design: the design on screen.", { timeout: 30_000 });
    expect(await onBranch<{ n: number }>(main, "select count(*)::int as n from drizzle.__rls_designer_migrations")).toEqual([{ n: 4 }]);

    // Remembered for this design on this device: the connection, never the key.
    const stored = JSON.stringify(await page.evaluate(() => ({ ...localStorage })));
    expect(stored).not.toContain(API_KEY);
    expect(stored).toContain(standIn.defaultBranchId);
    await page.reload();
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    await expect(panel.getByRole("radio", { name: "A connected branch (rehearsed first)" })).toBeChecked();
    await expect(panel.getByRole("textbox", { name: "Neon API key" })).toHaveValue("");
    await panel.getByRole("textbox", { name: "Neon API key" }).fill(API_KEY);
    await panel.getByRole("button", { name: "Load projects" }).click();
    await expect(panel.getByRole("combobox", { name: "Connected branch" })).toHaveValue(standIn.defaultBranchId);
    await panel.getByRole("button", { name: "Plan" }).click();
    await expect(plan).toContainText("main holds version 1 of this design: the design on screen.", { timeout: 30_000 });

    const received = await Promise.all(bodies);
    expect(received.filter((b) => b.includes(API_KEY))).toEqual([]);
  } finally {
    await neon.close();
  }
});
