import type { Locator } from "@playwright/test";
import { expectAccessible } from "./fixtures/axe";
import { currentDesign, expect, openDesigner, previewFiles, startFrom, test } from "./fixtures/test";

/**
 * The ER canvas (issue 13, item 1): cards with columns and badges, foreign keys as edges, drag to
 * arrange (saved in the design, undoable, the bundle unchanged), zoom and fit, keyboard between
 * cards, a click opens the form, a column dragged onto a table references it.
 */
test("the canvas shows the tables, moves them, references by drag, and opens a table's form", async ({ page }, info) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  const before = await previewFiles(page);
  await page.getByRole("button", { name: "Canvas", exact: true }).click();
  const canvas = page.getByRole("region", { name: "Tables canvas" });
  const projects = canvas.getByRole("button", { name: "projects: open its form" });
  const documents = canvas.getByRole("button", { name: "documents: open its form" });
  await expect(projects).toBeVisible();
  await expect(documents).toBeVisible();
  await expect(canvas.getByRole("list", { name: "documents columns" }).getByRole("listitem")).toHaveCount(6);
  await expect(canvas.getByText("org+owner?")).toBeVisible();
  await expect(canvas.locator(".react-flow__edge")).toHaveCount(1); // documents.project_id -> projects
  await expect(canvas.getByRole("button", { name: /zoom in/i })).toBeVisible();
  await expect(canvas.getByRole("button", { name: /fit view/i })).toBeVisible();
  await expect(canvas.locator(".react-flow__minimap")).toBeVisible();
  await page.screenshot({ path: info.outputPath("canvas.png") });
  await expectAccessible(page, "canvas");

  // Keyboard: from one card to the next with the arrows.
  await projects.focus();
  await page.keyboard.press("ArrowRight");
  await expect(documents).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(projects).toBeFocused();

  // Drag a card: the position is saved in the design, the bundle does not change, undo puts it back.
  const box = (await documents.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height + 10);
  await page.mouse.down();
  await page.mouse.move(box.x - 60, box.y + 160, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await currentDesign(page)).tables[1].position).toBeTruthy();
  expect(await previewFiles(page)).toEqual(before);
  await page.keyboard.press("Control+z");
  await expect.poll(async () => (await currentDesign(page)).tables[1].position).toBeUndefined();

  // Drag a column's dot onto a table: the column references it.
  const handle = canvas.getByTitle("Drag projects.name onto a table to reference it");
  const target = canvas.getByTitle("Reference documents");
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => (await currentDesign(page)).tables[0].columns.find((c) => c.name === "name")?.references).toEqual({ table: "documents", column: "id" });
  await expect(canvas.locator(".react-flow__edge")).toHaveCount(2);
  await page.keyboard.press("Control+z");

  // A click opens the table's form.
  await documents.click();
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
});

/** The focused element shows a ring because the keyboard moved there (as e2e/keyboard.spec.ts checks). */
async function expectVisibleFocus(target: Locator) {
  await expect(target).toBeFocused();
  const ring = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return { focusVisible: el.matches(":focus-visible"), drawn: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none" };
  });
  expect(ring, "focus ring of the focused element").toEqual({ focusVisible: true, drawn: true });
}

test("the keyboard alone moves between the canvas's tables, adds a reference and opens a table's form (dark, checked by axe)", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: "Canvas", exact: true }).focus();
  await page.keyboard.press("Enter");
  const canvas = page.getByRole("region", { name: "Tables canvas" });
  const projects = canvas.getByRole("button", { name: "projects: open its form" });
  const documents = canvas.getByRole("button", { name: "documents: open its form" });
  await expect(projects).toBeVisible();
  await expectAccessible(page, "canvas (dark)");

  // Tab goes from the view switch, past the table list, into the canvas, to the first card; the arrows move between cards.
  let presses = 0;
  while (!(await projects.evaluate((el) => el === document.activeElement)) && presses < 40) {
    await page.keyboard.press("Tab");
    presses++;
  }
  await expectVisibleFocus(projects);
  await page.keyboard.press("ArrowRight");
  await expectVisibleFocus(documents);
  await page.keyboard.press("ArrowLeft");
  await expectVisibleFocus(projects);

  // A card's "Reference…" button: a column and a table picked with the keyboard, as a drag would.
  await page.keyboard.press("Tab");
  const reference = canvas.getByRole("button", { name: "Add a reference from a column of projects" });
  await expectVisibleFocus(reference);
  await page.keyboard.press("Enter");
  const picker = canvas.getByRole("group", { name: "Add a reference from projects" });
  const column = picker.getByRole("combobox", { name: "Column" });
  await expectVisibleFocus(column);
  await expect(column.locator("option:checked")).toHaveText("organization_id"); // the first column that is neither key nor reference
  await expectAccessible(page, "canvas, reference picker (dark)");
  // Escape closes it, and focus goes back to its button.
  await page.keyboard.press("Escape");
  await expect(picker).toBeHidden();
  await expectVisibleFocus(reference);
  await page.keyboard.press("Enter");
  await expectVisibleFocus(column);
  await page.keyboard.press("ArrowDown");
  await expect(column.locator("option:checked")).toHaveText("name");
  await page.keyboard.press("Tab");
  const targetTable = picker.getByRole("combobox", { name: "References table" });
  await expectVisibleFocus(targetTable);
  await expect(targetTable.locator("option:checked")).toHaveText("documents");
  await page.keyboard.press("Tab"); // Cancel
  await page.keyboard.press("Tab");
  await expectVisibleFocus(picker.getByRole("button", { name: "Add reference" }));
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await currentDesign(page)).tables[0].columns.find((c) => c.name === "name")?.references).toEqual({ table: "documents", column: "id" });
  await expect(canvas.locator(".react-flow__edge")).toHaveCount(2);
  await expect(canvas.getByRole("list", { name: "projects columns" }).getByRole("listitem").filter({ hasText: /^name, references documents/ })).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "projects.name now references documents" })).toBeVisible();
  await expectVisibleFocus(reference);

  // Back to the card (Shift+Tab), across to documents, and Enter opens its form.
  await page.keyboard.press("Shift+Tab");
  await expectVisibleFocus(projects);
  await page.keyboard.press("ArrowRight");
  await expectVisibleFocus(documents);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("textbox", { name: "Table name" })).toHaveValue("documents");
  await expect(page.getByRole("main", { name: "Table editor" })).toBeVisible();
});

test("a table isolated through its parent says so on its card and in the table list", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: tracker" as Parameters<typeof startFrom>[1]);
  const list = page.getByRole("list", { name: "Tables" });
  await expect(list.getByRole("listitem").filter({ hasText: "tasks" })).toContainText("parent");
  await expect(list.getByRole("listitem").filter({ hasText: "comments" })).toContainText("parent");
  await page.getByRole("button", { name: "Canvas", exact: true }).click();
  const canvas = page.getByRole("region", { name: "Tables canvas" });
  await expect(canvas.getByText("via project_id")).toBeVisible();
  await expect(canvas.getByText("via task_id")).toBeVisible();
  await expect(canvas.getByText("no firewall")).toHaveCount(0);
});
