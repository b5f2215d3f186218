"use client";
import { useState, type InputHTMLAttributes } from "react";
import { useDesigner } from "../state/hooks";
import { Button, Checkbox, FieldRow, IconButton, Section, Select, TextInput, fieldClass } from "../ui/controls";
import { ChoiceCards } from "../ui/ChoiceCards";
import { Icon } from "../ui/icons";
import * as act from "./actions";
import { useApply } from "./hooks";
import type { DestinationKind, Load } from "./store";

/** Where to apply: the three destinations as radio cards, then the chosen one's fields. */

const KINDS: { kind: DestinationKind; label: string; hint: string }[] = [
  { kind: "embedded", label: "Embedded database", hint: "PGlite on this machine, run by the app. No account needed." },
  { kind: "postgres", label: "PostgreSQL URL", hint: "Any PostgreSQL server, a Neon connection string included." },
  { kind: "neon", label: "Neon branch", hint: "A new branch made for this apply, or your app's own branch, rehearsed first." },
];

export function Destination() {
  const kind = useApply((s) => s.kind);
  const running = useApply((s) => s.run.state === "running");
  return (
    <Section title="Destination">
      <fieldset disabled={running}>
        <legend className="sr-only">Destination</legend>
        <ChoiceCards name="apply-destination" choices={KINDS} value={kind} onChange={act.setKind} />
        <div className="mt-3">
          {kind === "embedded" && <EmbeddedFields />}
          {kind === "postgres" && <UrlFields />}
          {kind === "neon" && <NeonFields />}
        </div>
      </fieldset>
    </Section>
  );
}

/** The folder the server really uses (RLSD_PGLITE_DIR moves it), as the last plan of the embedded database reported it. */
function embeddedFolder(location: string | undefined): string | null {
  return location?.startsWith("PGlite in ") ? location.slice("PGlite in ".length) : null;
}

function EmbeddedFields() {
  const folder = useApply((s) => embeddedFolder(s.kind === "embedded" && s.plan.state === "planned" ? s.plan.outcome.location : undefined));
  return (
    <p className="flex gap-1.5 text-[12px] text-muted">
      <Icon name="info" className="mt-px size-3.5 shrink-0" />
      <span>
        The app&apos;s own database, in <code className="font-mono text-[11.5px] break-all" data-testid="embedded-folder">{folder ?? ".data/pglite (or RLSD_PGLITE_DIR)"}</code>{" "}
        on the app&apos;s machine (shared with <code className="font-mono text-[11.5px]">npm run cli</code> when it uses the same folder). It installs a local stand-in for the auth functions, so policies behave as on Neon.
      </span>
    </p>
  );
}

export const SECRET_HINT = "Sent only to this app's server, which connects for you. Never put in the design, the autosave or a share link.";

function UrlFields() {
  const url = useApply((s) => s.url);
  const remember = useApply((s) => s.rememberUrl);
  return (
    <>
      <FieldRow label="Connection string" htmlFor="apply-url" hint={SECRET_HINT}>
        <SecretInput
          id="apply-url"
          label="Connection string"
          value={url}
          onValue={act.setUrl}
          placeholder="postgres://user:password@host:5432/database"
          onKeyDown={(e) => e.key === "Enter" && void act.plan()}
        />
        <Checkbox label="Remember on this device" visibleLabel="Remember on this device" checked={remember} onValue={act.setRememberUrl} className="mt-1.5 text-[12px] text-muted" title="Keep the connection string in this browser's storage until you untick this" />
      </FieldRow>
    </>
  );
}

function NeonFields() {
  const apiKey = useApply((s) => s.apiKey);
  const remember = useApply((s) => s.rememberKey);
  const projects = useApply((s) => s.projects);
  const projectId = useApply((s) => s.projectId);
  const branchName = useApply((s) => s.branchName);
  const neonMode = useApply((s) => s.neonMode);
  const designName = useDesigner((s) => s.design.name);
  return (
    <>
      <FieldRow label="Neon API key" htmlFor="apply-neon-key" hint="Neon Console: Account settings, API keys. Held in this page's memory only, unless you tick Remember.">
        <div className="flex gap-1.5">
          <SecretInput
            id="apply-neon-key"
            label="Neon API key"
            value={apiKey}
            onValue={act.setApiKey}
            placeholder="napi_…"
            onKeyDown={(e) => e.key === "Enter" && void act.loadProjects()}
          />
          <Button onClick={() => void act.loadProjects()} disabled={apiKey.trim() === "" || projects.state === "loading"}>
            {projects.state === "loaded" ? "Reload projects" : "Load projects"}
          </Button>
        </div>
        <Checkbox label="Remember on this device" visibleLabel="Remember on this device" checked={remember} onValue={act.setRememberKey} className="mt-1.5 text-[12px] text-muted" title="Keep the API key in this browser's storage until you untick this" />
      </FieldRow>
      <FieldRow label="Project" htmlFor="apply-neon-project">
        <Select id="apply-neon-project" label="Neon project" value={projectId} onValue={(id) => void act.chooseProject(id)} disabled={projects.state !== "loaded"}>
          <option value="">{placeholderFor(projects, "Load the key's projects first", "Pick a project")}</option>
          {projects.state === "loaded" &&
            projects.value.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id}{p.orgName ? `, ${p.orgName}` : ""})
              </option>
            ))}
        </Select>
        <LoadProblem load={projects} />
        {projects.state === "loaded" && projects.value.length === 0 && <p className="mt-1 text-[12px] text-muted">This key sees no projects: create one in the Neon Console.</p>}
      </FieldRow>
      <FieldRow label="Apply to">
        <div role="radiogroup" aria-label="Apply to" className="flex flex-wrap gap-x-4 gap-y-1 pt-1 text-[12.5px]">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="apply-neon-mode" checked={neonMode === "new"} onChange={() => act.setNeonMode("new")} className="size-3.5" />
            A new branch for this apply
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="apply-neon-mode" checked={neonMode === "connected"} onChange={() => act.setNeonMode("connected")} className="size-3.5" />
            A connected branch (rehearsed first)
          </label>
        </div>
      </FieldRow>
      {neonMode === "connected" ? <ConnectedFields designName={designName} /> : <NewBranchFields designName={designName} branchName={branchName} />}
    </>
  );
}

/** A new branch for each apply: its parent and, optionally, its name. */
function NewBranchFields({ designName, branchName }: { designName: string; branchName: string }) {
  const branches = useApply((s) => s.branches);
  const parentBranchId = useApply((s) => s.parentBranchId);
  return (
    <>
      <FieldRow label="Parent branch" htmlFor="apply-neon-parent" hint="The new branch starts as a copy of it. The parent is never changed.">
        <Select id="apply-neon-parent" label="Parent branch" value={parentBranchId} onValue={act.setParentBranch} disabled={branches.state !== "loaded"}>
          {branches.state !== "loaded" && <option value="">{placeholderFor(branches, "Pick a project first", "")}</option>}
          {branches.state === "loaded" && <BranchOptions branches={branches.value} />}
        </Select>
        <LoadProblem load={branches} />
      </FieldRow>
      <FieldRow label="New branch name" htmlFor="apply-neon-branch" hint="Optional.">
        <TextInput id="apply-neon-branch" label="Branch name" value={branchName} onValue={act.setBranchName} placeholder={`rls/${slug(designName)}-<yyyymmdd-hhmmss>`} mono />
      </FieldRow>
    </>
  );
}

/** A project's branches as the options of a branch picker, the default one marked. */
function BranchOptions({ branches }: { branches: readonly { id: string; name: string; isDefault?: boolean }[] }) {
  return branches.map((b) => (
    <option key={b.id} value={b.id}>
      {b.name}
      {b.isDefault ? " (default)" : ""}
    </option>
  ));
}

/**
 * The connected branch (the app's own `main` or `dev`), its database and the role to connect as,
 * remembered for this design on this device (never the key, unless "remember" is ticked above).
 */
function ConnectedFields({ designName }: { designName: string }) {
  const branches = useApply((s) => s.branches);
  const connectedBranchId = useApply((s) => s.connectedBranchId);
  const databases = useApply((s) => s.databases);
  const databaseName = useApply((s) => s.databaseName);
  const roleName = useApply((s) => s.roleName);
  const keep = useApply((s) => s.keepRehearsal);
  const branchName = useApply((s) => s.branchName);
  const listed = databases.state === "loaded" ? databases.value : null;
  return (
    <>
      <FieldRow label="Connected branch" htmlFor="apply-neon-connected" hint="The branch your app uses. Each apply is rehearsed on a new child branch of it first; it changes only when you confirm.">
        <Select id="apply-neon-connected" label="Connected branch" value={connectedBranchId} onValue={(id) => void act.chooseConnectedBranch(id)} disabled={branches.state !== "loaded"}>
          {branches.state !== "loaded" && <option value={connectedBranchId}>{placeholderFor(branches, "Pick a project first", "")}</option>}
          {branches.state === "loaded" && <BranchOptions branches={branches.value} />}
        </Select>
        <LoadProblem load={branches} />
      </FieldRow>
      <FieldRow label="Database and role" htmlFor="apply-neon-database">
        <div className="flex gap-1.5">
          <Select id="apply-neon-database" label="Database" value={databaseName} onValue={act.setDatabase} disabled={!listed} className="min-w-0 flex-1">
            {!listed && <option value={databaseName}>{databases.state === "loading" ? "Loading…" : databaseName || "Pick a branch first"}</option>}
            {listed?.databases.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </Select>
          <Select id="apply-neon-role" label="Role" value={roleName} onValue={act.setRole} disabled={!listed} className="min-w-0 flex-1">
            {!listed && <option value={roleName}>{databases.state === "loading" ? "Loading…" : roleName || "Pick a branch first"}</option>}
            {listed?.roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </div>
        <LoadProblem load={databases} />
      </FieldRow>
      <FieldRow label="Rehearsal branch" htmlFor="apply-neon-rehearsal" hint="Optional name of the child branch. It is deleted after the rehearsal unless you keep it.">
        <TextInput id="apply-neon-rehearsal" label="Rehearsal branch name" value={branchName} onValue={act.setBranchName} placeholder={`rls/rehearsal-${slug(designName)}-<yyyymmdd-hhmmss>`} mono />
        <div className="mt-1.5 flex items-center justify-between gap-3">
          <Checkbox label="Keep the rehearsal branch" visibleLabel="Keep the rehearsal branch" checked={keep} onValue={act.setKeepRehearsal} className="text-[12px] text-muted" />
          {connectedBranchId && (
            <Button onClick={act.disconnect} className="text-[12px]">
              Disconnect
            </Button>
          )}
        </div>
      </FieldRow>
    </>
  );
}

function placeholderFor(load: Load<unknown>, idle: string, loaded: string): string {
  return load.state === "loading" ? "Loading…" : load.state === "loaded" ? loaded : load.state === "failed" ? "Could not load" : idle;
}

function LoadProblem({ load }: { load: Load<unknown> }) {
  if (load.state !== "failed") return null;
  // An alert: the failure comes while the user is elsewhere in the form (a key typed, a project picked).
  return (
    <div role="alert" className="mt-1 text-[12px] leading-snug">
      <p className="flex gap-1 text-danger">
        <Icon name="alert" className="mt-px size-3.5 shrink-0" />
        <span>{load.message}</span>
      </p>
      {load.fix && <p className="mt-0.5 ml-4.5 text-muted">{load.fix}</p>}
    </div>
  );
}

/** As the server names branches: rls/<design>-<time>. */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "design"
  );
}

/** A password box with a show/hide toggle: the browser never autofills, spell-checks or saves it. */
export function SecretInput({ label, value, onValue, id, ...rest }: Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "type"> & { label: string; value: string; onValue: (value: string) => void }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="relative min-w-0 flex-1">
      <input
        id={id}
        type={shown ? "text" : "password"}
        aria-label={label}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="off"
        data-1p-ignore
        data-lpignore="true"
        className={fieldClass(false, "pr-8 font-mono text-[12.5px]")}
        {...rest}
      />
      <IconButton
        icon={shown ? "eye-off" : "eye"}
        label={shown ? `Hide ${label.toLowerCase()}` : `Show ${label.toLowerCase()}`}
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
        className="absolute top-0.5 right-0.5"
      />
    </div>
  );
}
