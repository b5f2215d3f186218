import { emptyEmbedded, expect, openDesigner, startFrom, test } from "./fixtures/test";

/** Keeps pictures of the Apply panel after an apply to the embedded database (test-results/), light and dark. */
for (const scheme of ["light", "dark"] as const) {
  test(`screenshot of the Apply panel after applying the saas template (${scheme})`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await openDesigner(page);
    await startFrom(page, "Template: saas");
    expect(await emptyEmbedded(page)).toBe(200);
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const panel = page.getByRole("dialog", { name: /^Apply .* to a database$/ });
    // Keyboard first: focus starts on the chosen destination.
    await expect(panel.getByRole("radio", { name: "Embedded database" })).toBeFocused();
    await expect(panel.getByRole("region", { name: "Plan" })).toContainText("5 of 5 migrations to apply", { timeout: 30_000 });
    const plan = `test-results/apply-plan-${scheme}.png`;
    await page.screenshot({ path: plan });
    await testInfo.attach(`apply-plan-${scheme}`, { path: plan, contentType: "image/png" });

    await panel.getByRole("button", { name: "Apply now" }).click();
    await expect(panel.getByRole("region", { name: "Apply progress" })).toHaveText(/verified$/, { timeout: 90_000 });
    await page.waitForTimeout(600);
    const done = `test-results/apply-verified-${scheme}.png`;
    await page.screenshot({ path: done });
    await testInfo.attach(`apply-verified-${scheme}`, { path: done, contentType: "image/png" });
  });
}
