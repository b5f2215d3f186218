"use client";
import { useEffect, useRef } from "react";
import { SECRET_HINT, SecretInput } from "../apply/Destination";
import { useApply } from "../apply/hooks";
import * as apply from "../apply/actions";
import type { Load } from "../apply/store";
import { Button, Checkbox, FieldRow, Section, Select, TextInput, fieldClass } from "../ui/controls";
import { ChoiceCards } from "../ui/ChoiceCards";
import { Icon } from "../ui/icons";
import * as act from "./actions";
import { useAdopt } from "./hooks";
import type { Problem, SourceKind } from "./store";

/**
 * Where the tables come from, for both dialogs: the embedded database, a PostgreSQL URL or a Neon
 * branch (as the Apply panel names them: the same connection string, the same Neon key and
 * project), or a SQL script read in a throwaway PGlite.
 */

const KINDS: { kind: SourceKind; label: string; hint: string }[] = [
  { kind: "sql", label: "SQL file or migrations", hint: "A pg_dump --schema-only file, or drizzle/Supabase migrations, read in a throwaway PGlite." },
  { kind: "postgres", label: "PostgreSQL URL", hint: "Any PostgreSQL server, a Neon connection string included. Only the catalogs are read." },
  { kind: "neon", label: "Neon branch", hint: "A branch of one of your Neon projects, through an API key; the server fetches its connection string." },
  { kind: "embedded", label: "Embedded database", hint: "The app's own PGlite, where Apply puts designs." },
];

export function SourceFields({ busy, problem, onSubmit }: { busy: boolean; problem: Problem | null; onSubmit: () => void }) {
  const kind = useAdopt((s) => s.kind);
  const schema = useAdopt((s) => s.schema);
  const invalid = (field: Problem["field"]) => problem?.field === field;
  return (
    <Section title="Source">
      <fieldset disabled={busy}>
        <legend className="sr-only">Source</legend>
        <ChoiceCards name="adopt-source" choices={KINDS} value={kind} onChange={act.setKind} />
        <div className="mt-3">
          {kind === "sql" && <SqlFields invalid={invalid("source.text")} />}
          {kind === "postgres" && <UrlFields invalid={invalid("source.url")} onSubmit={onSubmit} />}
          {kind === "neon" && <NeonFields invalid={invalid("source.neon")} />}
          {kind === "embedded" && (
            <p className="flex gap-1.5 text-[12px] text-muted">
              <Icon name="info" className="mt-px size-3.5 shrink-0" />
              <span>The app&apos;s own database (.data/pglite, or RLSD_PGLITE_DIR), on the app&apos;s machine. Only its catalogs are read; nothing is changed.</span>
            </p>
          )}
          <FieldRow label="Schema" htmlFor="adopt-schema" hint="The schema whose tables are read.">
            <TextInput id="adopt-schema" label="Schema" value={schema} onValue={act.setSchema} mono aria-invalid={invalid("schema") || undefined} className="max-w-60" onKeyDown={(e) => e.key === "Enter" && onSubmit()} />
          </FieldRow>
        </div>
      </fieldset>
    </Section>
  );
}

function SqlFields({ invalid }: { invalid: boolean }) {
  const text = useAdopt((s) => s.sqlText);
  const fileName = useAdopt((s) => s.fileName);
  const files = useRef<HTMLInputElement>(null);
  return (
    <FieldRow label="SQL" htmlFor="adopt-sql" hint={fileName ? `From ${fileName}. Only the tables' definitions matter; rows are not needed.` : "Paste it, or choose the file (several migrations: choose them all, they are read in name order)."}>
      <textarea
        id="adopt-sql"
        aria-label="SQL to import"
        value={text}
        onChange={(e) => act.setSql(e.target.value)}
        aria-invalid={invalid || undefined}
        spellCheck={false}
        rows={8}
        placeholder={"CREATE TABLE projects (\n  id uuid PRIMARY KEY,\n  org_id uuid NOT NULL,\n  ...\n);"}
        className={fieldClass(invalid, "h-auto py-1.5 font-mono text-[12px] leading-snug")}
      />
      <div className="mt-1.5 flex items-center gap-2">
        <Button icon="upload" onClick={() => files.current?.click()}>
          Choose files…
        </Button>
        <input
          ref={files}
          type="file"
          multiple
          accept=".sql,text/plain,application/sql"
          className="hidden"
          aria-label="SQL files to import"
          onChange={async (e) => {
            const chosen = [...(e.target.files ?? [])];
            e.target.value = "";
            await act.chooseFiles(chosen);
          }}
        />
      </div>
    </FieldRow>
  );
}

function UrlFields({ invalid, onSubmit }: { invalid: boolean; onSubmit: () => void }) {
  const url = useApply((s) => s.url);
  const remember = useApply((s) => s.rememberUrl);
  return (
    <FieldRow label="Connection string" htmlFor="adopt-url" hint={`${SECRET_HINT} The same one the Apply panel uses.`}>
      <SecretInput id="adopt-url" label="Connection string" value={url} onValue={apply.setUrl} placeholder="postgres://user:password@host:5432/database" aria-invalid={invalid || undefined} onKeyDown={(e) => e.key === "Enter" && onSubmit()} />
      <Checkbox label="Remember on this device" visibleLabel="Remember on this device" checked={remember} onValue={apply.setRememberUrl} className="mt-1.5 text-[12px] text-muted" title="Keep the connection string in this browser's storage until you untick this" />
    </FieldRow>
  );
}

/**
 * A Neon branch: the API key and project are the Apply panel's own (typed once; kept on this
 * device only if "remember" is ticked there or here); the branch, its database and the role are
 * this form's, so reading a branch never changes where Apply goes.
 */
function NeonFields({ invalid }: { invalid: boolean }) {
  const apiKey = useApply((s) => s.apiKey);
  const remember = useApply((s) => s.rememberKey);
  const projects = useApply((s) => s.projects);
  const projectId = useApply((s) => s.projectId);
  const branches = useApply((s) => s.branches);
  const branchId = act.neonBranchOf(useAdopt((s) => s.neonBranchId), branches);
  const loadedFor = useAdopt((s) => s.neonDatabasesFor);
  const key = `${projectId} ${branchId}`;
  const databases = useAdopt((s) => (s.neonDatabasesFor === key ? s.neonDatabases : IDLE));
  const database = useAdopt((s) => s.neonDatabase);
  const role = useAdopt((s) => s.neonRole);
  // The branch's databases and roles, once there is a branch to list them for (and again for another branch).
  useEffect(() => {
    if (branchId && loadedFor !== key) void act.loadNeonDatabases();
  }, [branchId, key, loadedFor]);
  const listed = databases.state === "loaded" ? databases.value : null;
  return (
    <>
      <FieldRow label="Neon API key" htmlFor="adopt-neon-key" hint="Neon Console: Account settings, API keys. The same key as the Apply panel's; held in this page's memory only, unless you tick Remember.">
        <div className="flex gap-1.5">
          <SecretInput id="adopt-neon-key" label="Neon API key" value={apiKey} onValue={apply.setApiKey} placeholder="napi_…" aria-invalid={invalid || undefined} onKeyDown={(e) => e.key === "Enter" && void apply.loadProjects()} />
          <Button onClick={() => void apply.loadProjects()} disabled={apiKey.trim() === "" || projects.state === "loading"}>
            {projects.state === "loaded" ? "Reload projects" : "Load projects"}
          </Button>
        </div>
        <Checkbox label="Remember on this device" visibleLabel="Remember on this device" checked={remember} onValue={apply.setRememberKey} className="mt-1.5 text-[12px] text-muted" title="Keep the API key in this browser's storage until you untick this" />
      </FieldRow>
      <FieldRow label="Project" htmlFor="adopt-neon-project">
        <Select id="adopt-neon-project" label="Neon project" value={projectId} onValue={(id) => void apply.chooseProject(id)} disabled={projects.state !== "loaded"}>
          <option value="">{placeholderFor(projects, "Load the key's projects first", "Pick a project")}</option>
          {projects.state === "loaded" &&
            projects.value.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id}
                {p.orgName ? `, ${p.orgName}` : ""})
              </option>
            ))}
        </Select>
        <LoadProblem load={projects} />
      </FieldRow>
      <FieldRow label="Branch" htmlFor="adopt-neon-branch" hint="Read where it is: nothing is copied or changed on it.">
        <Select id="adopt-neon-branch" label="Branch to read" value={branchId} onValue={act.setNeonBranch} disabled={branches.state !== "loaded"}>
          {branches.state !== "loaded" && <option value="">{placeholderFor(branches, "Pick a project first", "")}</option>}
          {branches.state === "loaded" &&
            branches.value.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
                {b.isDefault ? " (default)" : ""}
              </option>
            ))}
        </Select>
        <LoadProblem load={branches} />
      </FieldRow>
      <FieldRow label="Database and role" htmlFor="adopt-neon-database">
        <div className="flex gap-1.5">
          <Select id="adopt-neon-database" label="Database" value={database} onValue={act.setNeonDatabase} disabled={!listed} className="min-w-0 flex-1">
            {!listed && <option value="">{databases.state === "loading" ? "Loading…" : "neondb (or the first)"}</option>}
            {listed?.databases.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </Select>
          <Select id="adopt-neon-role" label="Role" value={role} onValue={act.setNeonRole} disabled={!listed} className="min-w-0 flex-1">
            {!listed && <option value="">{databases.state === "loading" ? "Loading…" : "its owner"}</option>}
            {listed?.roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </div>
        <LoadProblem load={databases} />
      </FieldRow>
    </>
  );
}

const IDLE: Load<never> = { state: "idle" };

function placeholderFor(load: Load<unknown>, idle: string, loaded: string): string {
  return load.state === "loading" ? "Loading…" : load.state === "loaded" ? loaded : load.state === "failed" ? "Could not load" : idle;
}

function LoadProblem({ load }: { load: Load<unknown> }) {
  if (load.state !== "failed") return null;
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

const FIELD_NAMES: Record<NonNullable<Problem["field"]>, string> = { "source.url": "Connection string", "source.text": "SQL", "source.neon": "Neon branch", schema: "Schema" };

/** A failure in words: which field, the cause, what to do. Nothing was changed. */
export function ProblemCard({ problem }: { problem: Problem }) {
  return (
    <div role="alert" className="mx-5 my-3 rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-[12.5px] leading-snug">
      <p className="flex gap-1.5 text-danger">
        <Icon name="alert" className="mt-0.5 size-3.5 shrink-0" />
        <span>
          {problem.field && <strong className="font-semibold">{FIELD_NAMES[problem.field]}: </strong>}
          {problem.message}
        </span>
      </p>
      {problem.issues && problem.issues.length > 0 && (
        <ul className="mt-1 ml-5 list-disc text-muted">
          {problem.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code className="font-mono text-[11.5px]">{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {problem.fix && <p className="mt-1 ml-5 text-muted">Fix: {problem.fix}</p>}
      <p className="mt-1 ml-5 text-faint">Nothing was changed in the design or the database.</p>
    </div>
  );
}
