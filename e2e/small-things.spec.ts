import { currentDesign, expect, openDesigner, startFrom, test } from "./fixtures/test";

/** Issue 13, item 4: the type picker, designs kept beside a share link, the preview's file tabs. */

test("the column type picker is a searchable combobox: typing text picks text, not text[]", async ({ page }) => {
  await openDesigner(page);
  await startFrom(page, "Template: todos");
  const type = page.getByRole("combobox", { name: "Column type" }).last();
  const list = page.getByRole("listbox", { name: "Column type" }).last();

  // Typing filters the list; the exact match comes first, so Enter picks it.
  await type.fill("text");
  await expect(type).toHaveAttribute("aria-expanded", "true");
  await expect(list.getByRole("option").first()).toHaveText("text");
  await expect(list.getByRole("option", { name: "text[]", exact: true })).toBeVisible();
  await type.press("Enter");
  await expect(type).toHaveValue("text");
  await expect(type).toHaveAttribute("aria-expanded", "false");
  expect((await currentDesign(page)).tables[0].columns.at(-1)?.type).toBe("text");

  // Arrows move through the filtered options (aria-activedescendant follows); Enter picks.
  await type.fill("int");
  await type.press("ArrowDown");
  const active = await type.getAttribute("aria-activedescendant");
  await expect(page.locator(`[id="${active}"]`)).toHaveText("integer[]");
  await type.press("Enter");
  await expect(type).toHaveValue("integer[]");

  // Escape closes the list without a change.
  await type.fill("bool");
  await type.press("Escape");
  await expect(type).toHaveAttribute("aria-expanded", "false");
  await expect(type).toHaveValue("integer[]");
  expect((await currentDesign(page)).tables[0].columns.at(-1)?.type).toBe("integer[]");

  // A click on an option picks it.
  await type.click();
  await list.getByRole("option", { name: "uuid", exact: true }).click();
  await expect(type).toHaveValue("uuid");
});
