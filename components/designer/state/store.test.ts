import { beforeEach, describe, expect, it } from "vitest";
import { template } from "@/lib/design";
import { run } from "./commands";
import { designerStore } from "./store";

/** The command registry and the history, without a browser: the same `run` the buttons call. */
describe("commands and history", () => {
  beforeEach(() => {
    designerStore.setState({ ready: true, design: template("saas"), selection: { kind: "table", index: 0 }, past: [], future: [], mergeKey: null });
  });

  it("makes typing into one field a single undo step", () => {
    for (const name of ["b", "bo", "boa", "boards"]) run("renameTable", { index: 0, name });
    run("addColumn", { table: 0 });
    expect(designerStore.getState().past).toHaveLength(2);
    run("undo");
    expect(designerStore.getState().design.tables[0].columns).toHaveLength(4);
    run("undo");
    expect(designerStore.getState().design.tables[0].name).toBe("projects");
    run("redo");
    run("redo");
    expect(designerStore.getState().design.tables[0]).toMatchObject({ name: "boards" });
    expect(designerStore.getState().design.tables[0].columns).toHaveLength(5);
  });

  it("returns to where an edit was made when it is undone", () => {
    run("selectTable", { index: 1 });
    run("setAccess", { table: 1, op: "delete", grantee: { kind: "role", role: "viewer" }, allowed: true });
    run("selectProject");
    run("undo");
    expect(designerStore.getState().selection).toEqual({ kind: "table", index: 1 });
  });

  it("refuses a file that is not a design, and keeps the design", () => {
    const before = designerStore.getState().design;
    run("importDesign", { text: '{"version": 2}', fileName: "x.json" });
    expect(designerStore.getState().design).toBe(before);
    expect(designerStore.getState().notice?.text).toMatch(/x\.json is not a design file/);
  });

  it("says in words which field of an imported file is wrong and how, not zod's text", () => {
    const before = designerStore.getState().design;
    const file = template("todos") as unknown as { target: unknown; tables: { name: unknown; columns: { type?: unknown }[] }[] };
    file.tables[0].name = 5;
    delete file.tables[0].columns[0].type;
    file.target = "mysql";
    run("importDesign", { text: JSON.stringify(file), fileName: "mine.json" });
    expect(designerStore.getState().design).toBe(before);
    const text = designerStore.getState().notice?.text ?? "";
    expect(text).toBe(
      'mine.json is not a design file: target: must be "neon" or "supabase" or "postgres", not the text "mysql"; tables[0].name: must be text, not the number 5; tables[0].columns[0].type: is missing (it must be text)',
    );
    expect(text).not.toMatch(/Invalid input|received|expected string/);
  });
});
