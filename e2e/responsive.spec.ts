import { expectAccessible } from "./fixtures/axe";
import { expect, openDesigner, startFrom, test } from "./fixtures/test";

/**
 * Any screen (issue 13, item 3): at phone, tablet, laptop and desktop widths the page never
 * scrolls sideways, the table list is a drawer below 1280 px, and the Apply dialog fits.
 * Screenshots of each width are kept in test-results/ (responsive-<width>*.png).
 */

const WIDTHS = [390, 768, 1280, 1920] as const;

async function noSidewaysScroll(page: import("@playwright/test").Page, what: string) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${what}: page width ${scroll} px in a ${inner} px window`).toBeLessThanOrEqual(inner);
}

for (const width of WIDTHS) {
  test(`at ${width} px nothing overflows: the editor, the preview, the table drawer and the Apply dialog`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: width < 768 ? 844 : 900 });
    await openDesigner(page);
    // The page opens at its top, the table's name in view (the preview's tabs once scrolled it, below 1280 px, to show themselves).
    await expect(page.getByRole("region", { name: "SQL preview" }).locator(".view-lines")).toContainText(/\S/);
    await expect(page.getByRole("textbox", { name: "Table name" })).toBeInViewport();
    await startFrom(page, "Template: saas");
    const tables = page.getByRole("button", { name: "Tables", exact: true });
    if (width < 1280) {
      // The list is a drawer: closed, then opened from the strip, closed by choosing a table.
      await expect(page.getByRole("navigation", { name: "Design" })).toBeHidden();
      await tables.click();
      await expect(page.getByRole("navigation", { name: "Design" })).toBeVisible();
      await noSidewaysScroll(page, "drawer open");
      await page.screenshot({ path: info.outputPath(`responsive-${width}-drawer.png`) });
      await expectAccessible(page, `table drawer at ${width} px`);
    }
    await page.getByRole("navigation", { name: "Design" }).getByRole("button", { name: "documents", exact: true }).click();
    if (width < 1280) await expect(page.getByRole("navigation", { name: "Design" })).toBeHidden();
    await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
    await expect(page.getByRole("region", { name: "SQL preview" }).locator(".view-lines")).toContainText(/CREATE/);
    await noSidewaysScroll(page, "table editor");
    await page.screenshot({ path: info.outputPath(`responsive-${width}.png`), fullPage: true });
    await expectAccessible(page, `designer at ${width} px`);

    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: /Apply/ });
    await expect(dialog).toBeVisible();
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await expect(dialog.getByRole("button", { name: "Apply now" })).toBeInViewport();
    await noSidewaysScroll(page, "Apply dialog");
    await page.screenshot({ path: info.outputPath(`responsive-${width}-apply.png`) });
    await page.keyboard.press("Escape");
  });
}
