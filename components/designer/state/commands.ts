import type { Design, Operation, SharedVia, Provider, Target, Condition } from "@/lib/design";
import { TEMPLATES, type TemplateName } from "@/lib/design/templates";
import * as tables from "../edits/tables";
import * as columns from "../edits/columns";
import * as access from "../edits/access";
import * as firewall from "../edits/firewall";
import * as sharing from "../edits/sharing";
import * as project from "../edits/project";
import { compiled, downloadFor, engineLoaded, loadEngine } from "./compiled";
import { addDesign, parseDesign, readDesignList, removeDesign, shareFragment, writeBaseline } from "./persistence";
import { switchDesign } from "./boot";
import { copyText, fileStem, saveFile } from "./browser";
import { commitEdit, designerStore, endMerge, notify, redo, undo, type DesignerState, type Selection } from "./store";

/**
 * Every designer command is one object: its label, shortcut, whether history records it, when it
 * is enabled, and what it does. Buttons, the keyboard and the browser tests all call `run`, so
 * they cannot drift apart. Edits return the next design; history and merging happen in `run`.
 */

type Outcome = { readonly design: Design; readonly selection?: Selection } | void;

interface Spec<A> {
  readonly label: string;
  /** Key combinations, e.g. "Mod+Z" (Mod is Ctrl, or Cmd on macOS). */
  readonly shortcuts?: readonly string[];
  /** "record": an undo step; "none": no change to the design, or history handled by the command itself. */
  readonly history: "record" | "none";
  /** Edits with the same key in a row (typing into one field) make one undo step. */
  readonly mergeKey?: (args: A) => string | null;
  readonly enabled?: (state: DesignerState) => boolean;
  readonly perform: (state: DesignerState, args: A) => Outcome;
}

const define = <A = void>(spec: Spec<A>): Spec<A> => spec;

/**
 * The Apply panel's actions (with lib/apply's client) and the zip writer load when first used:
 * neither is needed to show the designer, so the first load stays small.
 */
const applyActions = () => import("../apply/actions");
const zipWriter = () => import("@/lib/zip");

const table = (index: number): Selection => ({ kind: "table", index });

export const commands = {
  // History
  undo: define({ label: "Undo", shortcuts: ["Mod+Z"], history: "none", enabled: (s) => s.past.length > 0, perform: () => undo() }),
  redo: define({ label: "Redo", shortcuts: ["Mod+Shift+Z", "Mod+Y"], history: "none", enabled: (s) => s.future.length > 0, perform: () => redo() }),

  // Whole designs
  newDesign: define({
    label: "New empty design",
    history: "record",
    perform: () => ({ design: structuredClone(project.EMPTY_DESIGN), selection: { kind: "project" } }),
  }),
  loadTemplate: define<{ template: TemplateName }>({
    label: "Start from a template",
    history: "record",
    perform: (_, { template }) => ({ design: structuredClone(TEMPLATES[template]) as Design, selection: { kind: "table", index: 0 } }),
  }),
  importDesign: define<{ text: string; fileName?: string }>({
    label: "Import design JSON",
    history: "record",
    perform: (_, { text, fileName }) => {
      // A file dropped while the page is still loading its validator is read once it is here.
      if (!engineLoaded()) {
        void loadEngine().then(
          () => run("importDesign", { text, fileName }),
          () => notify(`${fileName ?? "The file"} could not be read: the designer's validator did not load; reload the page`, "error"),
        );
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        notify(`${fileName ?? "The file"} is not JSON: ${error instanceof Error ? error.message : String(error)}`, "error");
        return;
      }
      const parsed = parseDesign(data);
      if (!parsed.ok) {
        notify(`${fileName ?? "The file"} is not a design file: ${parsed.message}`, "error");
        return;
      }
      notify(`Imported ${fileName ?? "design"}`);
      return { design: parsed.design, selection: parsed.design.tables.length > 0 ? table(0) : { kind: "project" } };
    },
  }),
  openDesign: define<{ id: string }>({
    label: "Open a design kept in this browser",
    history: "none",
    perform: (s, { id }) => {
      if (id === s.designId) return;
      if (switchDesign(id)) notify(`Opened "${designerStore.getState().design.name}"`);
      else notify("That design is no longer kept in this browser", "error");
    },
  }),
  duplicateDesign: define({
    label: "Keep a copy as a new design",
    history: "none",
    perform: (s) => {
      const copy = { ...s.design, name: `${s.design.name} copy` };
      const { id } = addDesign(copy);
      // addDesign made the copy current in storage; switching saves the open design under its own id first.
      switchDesign(id);
      notify(`Opened "${copy.name}", a copy; "${s.design.name}" is kept under Designs`);
    },
  }),
  removeDesign: define<{ id: string }>({
    label: "Forget a design kept in this browser",
    history: "none",
    enabled: () => readDesignList().designs.length > 1,
    perform: (s, { id }) => {
      if (id === s.designId) return notify("The open design cannot be removed; open another first", "error");
      const entry = readDesignList().designs.find((d) => d.id === id);
      removeDesign(id);
      if (entry) notify(`Removed "${entry.name}" from this browser`);
    },
  }),
  exportDesign: define({
    label: "Export design JSON",
    shortcuts: ["Mod+S"],
    history: "none",
    perform: (s) => {
      saveFile("design.json", `${JSON.stringify(s.design, null, 2)}\n`, "application/json");
    },
  }),
  downloadBundle: define({
    label: "Download bundle",
    history: "none",
    enabled: (s) => compiled(s.design).ok,
    perform: (s) => {
      const download = downloadFor(s.design, s.baseline);
      if (!download) return;
      const designId = s.designId;
      void zipWriter().then(({ bundleToZip }) => {
        saveFile(`${fileStem(s.design.name)}-bundle.zip`, bundleToZip(download.bundle, { folder: s.design.name || "design", design: s.design }), "application/zip");
        if (download.note) notify(`Downloaded ${download.note}`);
        // Files written on demand (the pgTAP tests) stay out: the next version is computed from the rest, and they can be large.
        const baseline = { at: Date.now(), files: Object.fromEntries(download.bundle.filter((f) => !f.onDemand).map((f) => [f.path, f.contents])) };
        writeBaseline(baseline, designId);
        // The baseline belongs to the design it was downloaded for, even if another was opened meanwhile.
        if (designerStore.getState().designId === designId) designerStore.setState({ baseline });
      });
    },
  }),
  copyShareLink: define({
    label: "Copy share link",
    history: "none",
    perform: (s) => {
      void shareUrl(s.design)
        .then(copyText)
        .then((copied) => notify(copied ? "Share link copied" : "Copy the link from the box"));
    },
  }),

  // Apply to a database (the panel keeps its own state, secrets included, outside the design)
  openApply: define({ label: "Apply to a database", shortcuts: ["Mod+Enter"], history: "none", perform: () => void applyActions().then((a) => a.openPanel()) }),
  closeApply: define({ label: "Close the Apply panel", history: "none", perform: () => void applyActions().then((a) => a.closePanel()) }),
  planApply: define({ label: "Plan", history: "none", enabled: (s) => compiled(s.design).ok, perform: () => void applyActions().then((a) => a.plan()) }),
  applyNow: define({ label: "Apply now", history: "none", enabled: (s) => compiled(s.design).ok, perform: () => void applyActions().then((a) => a.applyNow()) }),
  emptyEmbedded: define({ label: "Empty the embedded database", history: "none", perform: () => void applyActions().then((a) => a.emptyEmbedded()) }),

  // Navigation and preview (not design edits)
  selectProject: define({ label: "Project settings", history: "none", perform: () => void designerStore.setState({ selection: { kind: "project" } }) }),
  selectTable: define<{ index: number }>({
    label: "Open table",
    history: "none",
    perform: (s, { index }) => void (s.design.tables[index] && designerStore.setState({ selection: table(index) })),
  }),
  showFile: define<{ path: string }>({ label: "Show file", history: "none", perform: (_, { path }) => void designerStore.setState({ activeFile: path, previewMode: "file" }) }),
  setPreviewMode: define<{ mode: DesignerState["previewMode"] }>({
    label: "Preview mode",
    history: "none",
    perform: (_, { mode }) => void designerStore.setState({ previewMode: mode }),
  }),

  // Project
  setProjectName: define<{ name: string }>({ label: "Project name", history: "record", mergeKey: () => "name", perform: (s, a) => ({ design: project.setName(s.design, a.name) }) }),
  setTarget: define<{ target: Target }>({ label: "Target", history: "record", perform: (s, a) => ({ design: project.setTarget(s.design, a.target) }) }),
  setProvider: define<{ provider: Provider }>({ label: "Auth provider", history: "record", perform: (s, a) => ({ design: project.setProvider(s.design, a.provider) }) }),
  adoptProviderTenancy: define({ label: "Use the provider's claims", history: "record", perform: (s) => ({ design: project.adoptProviderTenancy(s.design) }) }),
  setJwksUrl: define<{ url: string }>({ label: "JWKS URL", history: "record", mergeKey: () => "jwks", perform: (s, a) => ({ design: project.setJwksUrl(s.design, a.url) }) }),
  setForceRowLevelSecurity: define<{ force: boolean }>({ label: "Force row-level security", history: "record", perform: (s, a) => ({ design: project.setForceRowLevelSecurity(s.design, a.force) }) }),
  /** A fix computed elsewhere from the design (a Check finding's, lib/lint/design-fixes.ts), validated there: one undo step. */
  applyDesignFix: define<{ label: string; design: Design }>({ label: "Apply a fix to the design", history: "record", perform: (_, a) => ({ design: a.design }) }),
  setNeonTokenVia: define<{ via: project.NeonTokenVia }>({ label: "How the token reaches Neon", history: "record", perform: (s, a) => ({ design: project.setNeonTokenVia(s.design, a.via) }) }),
  setPostgresRole: define<{ key: "signedInRole" | "anonymousRole"; name: string }>({
    label: "Database role",
    history: "record",
    mergeKey: (a) => `postgres:${a.key}`,
    perform: (s, a) => ({ design: project.setPostgresRole(s.design, a.key, a.name) }),
  }),
  setTenancy: define<{ source: project.TenancySource }>({ label: "Tenancy", history: "record", perform: (s, a) => ({ design: project.setTenancy(s.design, a.source) }) }),
  setClaim: define<{ key: "orgClaim" | "roleClaim"; value: string }>({
    label: "Claim name",
    history: "record",
    mergeKey: (a) => `claim:${a.key}`,
    perform: (s, a) => ({ design: project.setClaim(s.design, a.key, a.value) }),
  }),
  setTenancyTable: define<{ group: "membership" | "activeOrg"; field: project.MembershipField; value: string }>({
    label: "Membership table",
    history: "record",
    mergeKey: (a) => `tenancy:${a.group}:${a.field}`,
    perform: (s, a) => ({ design: project.setTenancyTable(s.design, a.group, a.field, a.value) }),
  }),
  addRole: define({ label: "Add role", history: "record", perform: (s) => ({ design: project.addRole(s.design).design }) }),
  renameRole: define<{ index: number; name: string }>({
    label: "Rename role",
    history: "record",
    mergeKey: (a) => `role:${a.index}`,
    perform: (s, a) => ({ design: project.renameRole(s.design, a.index, a.name) }),
  }),
  removeRole: define<{ index: number }>({ label: "Remove role", history: "record", perform: (s, a) => ({ design: project.removeRole(s.design, a.index) }) }),
  moveRole: define<{ index: number; to: number }>({ label: "Move role", history: "record", perform: (s, a) => ({ design: project.moveRole(s.design, a.index, a.to) }) }),

  // Tables
  addTable: define<{ name?: string } | void>({
    label: "Add table",
    history: "record",
    perform: (s, a) => {
      const { design, index } = tables.addTable(s.design, a ? a.name : undefined);
      return { design, selection: table(index) };
    },
  }),
  placeTable: define<{ index: number; x: number; y: number }>({
    label: "Move table on the canvas",
    history: "record",
    perform: (s, a) => ({
      design: tables.updateTable(s.design, a.index, (t) => (t.position?.x === a.x && t.position?.y === a.y ? t : { ...t, position: { x: Math.round(a.x), y: Math.round(a.y) } })),
    }),
  }),
  /** Dragging a column onto a table on the canvas: the column references that table's primary key. */
  addReference: define<{ table: number; column: number; target: number }>({
    label: "Add reference",
    history: "record",
    perform: (s, a) => {
      const target = s.design.tables[a.target];
      if (!target) return { design: s.design };
      const key = target.columns.find((c) => c.primaryKey)?.name ?? target.columns[0]?.name ?? "id";
      return { design: columns.patchColumn(s.design, a.table, a.column, { references: { table: target.name, column: key } }), selection: table(a.table) };
    },
  }),
  renameTable: define<{ index: number; name: string }>({
    label: "Rename table",
    history: "record",
    mergeKey: (a) => `table:${a.index}:name`,
    perform: (s, a) => ({ design: tables.renameTable(s.design, a.index, a.name), selection: table(a.index) }),
  }),
  duplicateTable: define<{ index: number }>({
    label: "Duplicate table",
    history: "record",
    perform: (s, a) => {
      const { design, index } = tables.duplicateTable(s.design, a.index);
      return { design, selection: table(index) };
    },
  }),
  deleteTable: define<{ index: number }>({
    label: "Delete table",
    history: "record",
    perform: (s, a) => {
      const name = s.design.tables[a.index]?.name;
      if (name === undefined) return;
      notify(`Deleted table "${name}" (undo with Ctrl+Z)`);
      const selection = s.selection.kind === "table" && s.selection.index > a.index ? table(s.selection.index - 1) : s.selection;
      return { design: tables.deleteTable(s.design, a.index), selection };
    },
  }),
  moveTable: define<{ index: number; to: number }>({
    label: "Move table",
    history: "record",
    perform: (s, a) => {
      const design = tables.moveTable(s.design, a.index, a.to);
      const to = Math.max(0, Math.min(s.design.tables.length - 1, a.to));
      return { design, selection: s.selection.kind === "table" && s.selection.index === a.index ? table(to) : s.selection };
    },
  }),

  // Columns
  addColumn: define<{ table: number }>({
    label: "Add column",
    history: "record",
    perform: (s, a) => ({ design: columns.addColumn(s.design, a.table).design, selection: table(a.table) }),
  }),
  renameColumn: define<{ table: number; column: number; name: string }>({
    label: "Rename column",
    history: "record",
    mergeKey: (a) => `table:${a.table}:column:${a.column}:name`,
    perform: (s, a) => ({ design: columns.renameColumn(s.design, a.table, a.column, a.name), selection: table(a.table) }),
  }),
  setColumn: define<{ table: number; column: number; patch: columns.ColumnPatch }>({
    label: "Change column",
    history: "record",
    mergeKey: (a) => (a.patch.default !== undefined ? `table:${a.table}:column:${a.column}:default` : null),
    perform: (s, a) => ({ design: columns.patchColumn(s.design, a.table, a.column, a.patch), selection: table(a.table) }),
  }),
  removeColumn: define<{ table: number; column: number }>({
    label: "Remove column",
    history: "record",
    perform: (s, a) => ({ design: columns.removeColumn(s.design, a.table, a.column), selection: table(a.table) }),
  }),
  moveColumn: define<{ table: number; column: number; to: number }>({
    label: "Move column",
    history: "record",
    perform: (s, a) => ({ design: columns.moveColumn(s.design, a.table, a.column, a.to), selection: table(a.table) }),
  }),

  // Firewall, access and signed-out visitors
  setFirewall: define<{ table: number; part: "organization" | "owner" | "public"; on: boolean }>({
    label: "Firewall",
    history: "record",
    perform: (s, a) => {
      const edit = { organization: firewall.setOrganizationFirewall, owner: firewall.setOwnerFirewall, public: firewall.setPublicFirewall }[a.part];
      return { design: edit(s.design, a.table, a.on), selection: table(a.table) };
    },
  }),
  setFirewallColumn: define<{ table: number; which: "organization" | "owner"; column: string }>({
    label: "Firewall column",
    history: "record",
    perform: (s, a) => ({ design: firewall.setFirewallColumn(s.design, a.table, a.which, a.column), selection: table(a.table) }),
  }),
  setOwnerMode: define<{ table: number; mode: "required" | "optional" }>({
    label: "Owner mode",
    history: "record",
    perform: (s, a) => ({ design: firewall.setOwnerMode(s.design, a.table, a.mode), selection: table(a.table) }),
  }),
  setBypassRole: define<{ table: number; role: string; on: boolean }>({
    label: "Bypass role",
    history: "record",
    perform: (s, a) => ({ design: firewall.setBypassRole(s.design, a.table, a.role, a.on), selection: table(a.table) }),
  }),
  setAccess: define<{ table: number; op: Operation; grantee: access.Grantee; allowed: boolean }>({
    label: "Access",
    history: "record",
    perform: (s, a) => ({ design: access.setAccess(s.design, a.table, a.op, a.grantee, a.allowed), selection: table(a.table) }),
  }),
  addCondition: define<{ table: number; list: access.ConditionListRef }>({
    label: "Add condition",
    history: "record",
    perform: (s, a) => ({ design: access.addCondition(s.design, a.table, a.list), selection: table(a.table) }),
  }),
  setCondition: define<{ table: number; list: access.ConditionListRef; index: number; condition: Condition; typing?: boolean }>({
    label: "Change condition",
    history: "record",
    mergeKey: (a) => (a.typing ? `${access.conditionListPath(a.table, a.list)}[${a.index}].value` : null),
    perform: (s, a) => ({ design: access.setCondition(s.design, a.table, a.list, a.index, a.condition), selection: table(a.table) }),
  }),
  removeCondition: define<{ table: number; list: access.ConditionListRef; index: number }>({
    label: "Remove condition",
    history: "record",
    perform: (s, a) => ({ design: access.removeCondition(s.design, a.table, a.list, a.index), selection: table(a.table) }),
  }),
  setAnonymous: define<{ table: number; op: "select" | "insert"; allowed: boolean }>({
    label: "Signed-out access",
    history: "record",
    perform: (s, a) => ({ design: access.setAnonymous(s.design, a.table, a.op, a.allowed), selection: table(a.table) }),
  }),

  // Spec §4: rule lists, parent firewalls, sharing (components/designer/edits)
  addRule: define<{ table: number; op: Operation }>({
    label: "Add rule",
    history: "record",
    perform: (s, a) => ({ design: access.addRule(s.design, a.table, a.op), selection: table(a.table) }),
  }),
  removeRule: define<{ table: number; op: Operation; rule: number }>({
    label: "Remove rule",
    history: "record",
    perform: (s, a) => ({ design: access.removeRule(s.design, a.table, a.op, a.rule), selection: table(a.table) }),
  }),
  setRuleRole: define<{ table: number; op: Operation; rule: number; grantee: access.Grantee; on: boolean }>({
    label: "Rule roles",
    history: "record",
    perform: (s, a) => ({ design: access.setRuleRole(s.design, a.table, a.op, a.rule, a.grantee, a.on), selection: table(a.table) }),
  }),
  setRuleColumns: define<{ table: number; rule: number; columns: readonly string[] | undefined }>({
    label: "Columns an update may change",
    history: "record",
    perform: (s, a) => ({ design: access.setRuleColumns(s.design, a.table, a.rule, a.columns), selection: table(a.table) }),
  }),
  setRuleColumn: define<{ table: number; rule: number; column: string; on: boolean }>({
    label: "Column an update may change",
    history: "record",
    perform: (s, a) => ({ design: access.setRuleColumn(s.design, a.table, a.rule, a.column, a.on), selection: table(a.table) }),
  }),
  setRuleSharedVia: define<{ table: number; op: Operation; rule: number; sharedVia: SharedVia | undefined }>({
    label: "Shared rows",
    history: "record",
    perform: (s, a) => ({ design: access.setRuleSharedVia(s.design, a.table, a.op, a.rule, a.sharedVia), selection: table(a.table) }),
  }),
  setParentFirewall: define<{ table: number; column: string | undefined }>({
    label: "Firewall through a parent",
    history: "record",
    perform: (s, a) => ({ design: firewall.setParentFirewall(s.design, a.table, a.column), selection: table(a.table) }),
  }),
  shareRows: define<{ table: number }>({
    label: "Share rows with users",
    history: "record",
    perform: (s, a) => {
      const outcome = sharing.shareRows(s.design, a.table);
      if ("reason" in outcome) return notify(`Cannot share: ${outcome.reason}`, "error");
      notify(`Added table "${outcome.design.tables[outcome.sharingIndex]!.name}": one row per share (undo with Ctrl+Z)`);
      return { design: outcome.design, selection: table(a.table) };
    },
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
type ArgsOf<K extends CommandName> = Commands[K] extends Spec<infer A> ? A : never;
type RunArgs<K extends CommandName> = [ArgsOf<K>] extends [void] ? [] : undefined extends ArgsOf<K> ? [ArgsOf<K>?] : [ArgsOf<K>];

export function isEnabled(name: CommandName): boolean {
  const spec: Spec<never> = commands[name] as Spec<never>;
  return spec.enabled ? spec.enabled(designerStore.getState()) : true;
}

/** Runs a command by name: the one door through which the UI, the keyboard and tests change anything. */
export function run<K extends CommandName>(name: K, ...args: RunArgs<K>): boolean {
  const spec = commands[name] as Spec<ArgsOf<K>>;
  const state = designerStore.getState();
  if (spec.enabled && !spec.enabled(state)) return false;
  const outcome = spec.perform(state, args[0] as ArgsOf<K>);
  if (spec.history === "none" || !outcome) {
    endMerge();
    return true;
  }
  commitEdit(outcome.design, outcome.selection, spec.mergeKey ? spec.mergeKey(args[0] as ArgsOf<K>) : null);
  return true;
}

/** For the keyboard and the test hook, where the name arrives as a string. */
export function runByName(name: string, args?: unknown): boolean {
  if (!Object.hasOwn(commands, name)) throw new Error(`no command "${name}"`);
  return (run as (name: string, args?: unknown) => boolean)(name, args);
}

export async function shareUrl(design: Design): Promise<string> {
  return `${location.origin}${location.pathname}${await shareFragment(design)}`;
}
