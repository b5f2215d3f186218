import { expect, openDesigner, startFrom, test } from "./fixtures/test";

/** Keeps pictures of the designer in the test artifacts (test-results/), light and dark. */
for (const scheme of ["light", "dark"] as const) {
  test(`screenshot of the designer with the saas template (${scheme})`, async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openDesigner(page);
    await startFrom(page, "Template: saas");
    await page.getByRole("button", { name: "documents", exact: true }).click();
    await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
    await expect(page.getByRole("region", { name: "SQL preview" }).locator(".view-lines")).toContainText(/documents/);
    await page.waitForTimeout(400);
    const path = `test-results/designer-saas-${scheme}.png`;
    await page.screenshot({ path });
    await testInfo.attach(`designer-saas-${scheme}`, { path, contentType: "image/png" });
  });
}
