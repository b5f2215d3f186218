import { currentDesign, expect, openDesigner, startFrom, test } from "./fixtures/test";

test("undo and redo with Ctrl+Z and Ctrl+Shift+Z, typing counting as one step", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: saas");
  const name = page.getByRole("textbox", { name: "Table name" });
  await expect(name).toHaveValue("projects");

  await name.fill("");
  await name.pressSequentially("boards");
  await page.getByRole("button", { name: "Add column" }).click();
  await expect(page.getByRole("textbox", { name: "Column name" })).toHaveCount(5);
  await page.getByRole("checkbox", { name: "viewer update" }).check();

  await page.keyboard.press("Control+z");
  await expect(page.getByRole("checkbox", { name: "viewer update" })).not.toBeChecked();
  await page.keyboard.press("Control+z");
  await expect(page.getByRole("textbox", { name: "Column name" })).toHaveCount(4);
  await page.keyboard.press("Control+z");
  await expect(name).toHaveValue("projects");

  await page.keyboard.press("Control+Shift+z");
  await expect(name).toHaveValue("boards");
  await page.keyboard.press("Control+Shift+z");
  await expect(page.getByRole("textbox", { name: "Column name" })).toHaveCount(5);
  await page.keyboard.press("Control+Shift+z");
  await expect(page.getByRole("checkbox", { name: "viewer update" })).toBeChecked();
  await expect(page.getByRole("button", { name: "Redo" })).toBeDisabled();

  // Ctrl+Z inside a text box undoes the design too (the box follows), and the buttons do the same.
  await name.focus();
  await page.keyboard.press("Control+z");
  await expect(page.getByRole("checkbox", { name: "viewer update" })).not.toBeChecked();
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(page.getByRole("checkbox", { name: "viewer update" })).toBeChecked();

  // Deleting a table is one undo away.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  expect((await currentDesign(page)).tables.map((t) => t.name)).toEqual(["documents"]);
  await page.getByRole("button", { name: "Undo" }).click();
  expect((await currentDesign(page)).tables.map((t) => t.name)).toEqual(["boards", "documents"]);
});
