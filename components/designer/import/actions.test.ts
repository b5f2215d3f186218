import { beforeEach, describe, expect, it } from "vitest";
import { template } from "@/lib/design";
import type { ImportAnswer } from "@/lib/import/client";
import { resetApplyStore } from "../apply/store";
import { designerStore } from "../state/store";
import { run } from "../state/commands";
import { openDesignDiffers, openImported, schemaOf, setKind, setSql, sourceOf } from "./actions";
import { adoptStore, initialAdoptState } from "./store";

/** The import dialog's own logic, without a browser: what it sends, what it refuses by field, and that opening is one undo step. */
describe("import dialog actions", () => {
  beforeEach(() => {
    adoptStore.setState(initialAdoptState(), true);
    resetApplyStore();
    designerStore.setState({ ready: true, design: template("todos"), selection: { kind: "project" }, past: [], future: [], mergeKey: null });
  });

  it("refuses an incomplete form by field, before any request", () => {
    setKind("sql");
    expect(sourceOf(adoptStore.getState())).toMatchObject({ ok: false, problem: { field: "source.text" } });
    setKind("postgres");
    expect(sourceOf(adoptStore.getState())).toMatchObject({ ok: false, problem: { field: "source.url", message: "Enter the database's connection string." } });
    resetApplyStore({ url: "mysql://nope" });
    expect(sourceOf(adoptStore.getState())).toMatchObject({ ok: false, problem: { field: "source.url", message: expect.stringContaining("postgres://") } });
    adoptStore.setState({ schema: "  " });
    expect(schemaOf(adoptStore.getState())).toMatchObject({ ok: false, problem: { field: "schema" } });
  });

  it("sends the Apply panel's connection string, and the pasted SQL with its file name", () => {
    resetApplyStore({ url: " postgres://me:pw@127.0.0.1:5432/app " });
    setKind("postgres");
    expect(sourceOf(adoptStore.getState())).toEqual({ ok: true, source: { kind: "postgres", url: "postgres://me:pw@127.0.0.1:5432/app" } });
    setKind("sql");
    setSql("CREATE TABLE t (id int PRIMARY KEY);", "schema.sql");
    expect(sourceOf(adoptStore.getState())).toEqual({ ok: true, source: { kind: "sql", text: "CREATE TABLE t (id int PRIMARY KEY);", fileName: "schema.sql" } });
  });

  it("opens the imported design as one undo step, and closes the dialog", () => {
    const imported = { ...template("saas"), name: "public", tables: template("saas").tables.map((t) => ({ ...t, existing: true })) };
    adoptStore.setState({ dialog: "import" });
    openImported({ ok: true, location: "schema.sql", design: imported, tables: [], skipped: [], warnings: [], existingPolicies: [] } as unknown as ImportAnswer);
    expect(designerStore.getState().design).toEqual(imported);
    expect(adoptStore.getState().dialog).toBeNull();
    // Opened, it is the design read: "verify current policies" offers no other until it is edited.
    expect(openDesignDiffers(designerStore.getState().design, imported)).toBe(false);
    run("setForceRowLevelSecurity", { force: true });
    expect(openDesignDiffers(designerStore.getState().design, imported)).toBe(true);
    run("undo");
    run("undo");
    expect(designerStore.getState().design.name).toBe("todos");
  });
});
