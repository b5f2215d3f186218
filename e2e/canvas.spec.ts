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
