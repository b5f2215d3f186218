"use client";
import type { Problem, Provider, Target, Tenancy } from "@/lib/design";
import { PROVIDER_PRESETS } from "@/lib/design/providers";
import { PROVIDERS, TARGETS } from "@/lib/design/vocabulary";
import {
  ACTIVE_ORG_DEFAULTS,
  formatClaim,
  MEMBERSHIP_DEFAULTS,
  providerTenancy,
  sameTenancy,
  tenancySource,
  type MembershipField,
  type NeonTokenVia,
  type TenancySource,
} from "../edits/project";
import { openProblem } from "../preview/ProblemsList";
import { run } from "../state/commands";
import { problemsAt } from "../state/compiled";
import { NO_ROLES, useAllProblems, useAllWarnings, useDesigner } from "../state/hooks";
import { Button, Checkbox, FieldProblems, FieldRow, IconButton, Section, Select, TextInput } from "../ui/controls";
import { Icon } from "../ui/icons";

/** Project settings: name, target, auth provider, tenancy (claims or tables) and organization roles. */

const PROVIDER_LABELS: Record<Provider, string> = {
  clerk: "Clerk",
  auth0: "Auth0",
  workos: "WorkOS",
  "better-auth": "Better Auth",
  "stack-auth": "Stack Auth",
  "neon-auth": "Neon Auth",
  supabase: "Supabase Auth",
  custom: "Custom (any JWKS)",
};

const TARGET_LABELS: Record<Target, string> = { neon: "Neon", supabase: "Supabase", postgres: "PostgreSQL" };

const TENANCY: { value: TenancySource; label: string; hint: string }[] = [
  { value: "none", label: "None", hint: "Single-user app: rows belong to users, no organizations." },
  { value: "claims", label: "Claims", hint: "The token carries the active organization and the user's role in it." },
  { value: "tables", label: "Tables", hint: "Membership rows in the database say who belongs where, with which role." },
];

export function ProjectPanel() {
  const design = useDesigner((s) => s.design);
  const roles = useDesigner((s) => s.design.roles ?? NO_ROLES);
  const problems = useAllProblems();
  const warnings = useAllWarnings();
  const at = (path: string, deep = false) => problemsAt(problems, path, deep);
  const source = tenancySource(design);
  const tenancy = design.auth.tenancy;
  const preset = PROVIDER_PRESETS[design.auth.provider];

  return (
    <div className="pb-10">
      <header className="px-5 pt-4 pb-3">
        <h1 className="text-[15px] font-semibold">Project</h1>
        <p className="text-[12px] text-muted">Where the SQL runs, who signs users in, and how organizations work.</p>
      </header>
      <Section title="General">
        <FieldRow label="Project name" htmlFor="project-name">
          <TextInput id="project-name" label="Project name" value={design.name} onValue={(name) => run("setProjectName", { name })} problems={at("name")} problemsId="p-name" data-path="name" />
          <FieldProblems problems={at("name")} id="p-name" />
        </FieldRow>
        <FieldRow label="Target" htmlFor="project-target" hint="The database the bundle is written for.">
          <Select id="project-target" label="Target" value={design.target} onValue={(t) => run("setTarget", { target: t as Target })} invalid={at("target").length > 0} data-path="target">
            {TARGETS.map((t) => (
              <option key={t} value={t}>
                {TARGET_LABELS[t]}
              </option>
            ))}
          </Select>
          <FieldProblems problems={at("target")} />
          {design.target === "supabase" && <ChoiceWarnings warnings={warnings} />}
        </FieldRow>
        {design.target === "neon" && (
          <FieldRow label="Token path" htmlFor="neon-token" hint="How the user's JWT reaches PostgreSQL on Neon.">
            <Select id="neon-token" label="Token path" value={design.neon?.tokenVia ?? "data-api"} onValue={(via) => run("setNeonTokenVia", { via: via as NeonTokenVia })} data-path="neon.tokenVia">
              <option value="data-api">Neon Data API (recommended)</option>
              <option value="serverless-driver">Serverless driver with authToken</option>
            </Select>
          </FieldRow>
        )}
        {design.target === "postgres" && (
          <>
            <FieldRow label="Signed-in role" htmlFor="pg-signed-in" hint="The database role your API switches to for a request with a valid token.">
              <TextInput id="pg-signed-in" label="Signed-in database role" value={design.postgres?.signedInRole ?? ""} placeholder="authenticated" onValue={(name) => run("setPostgresRole", { key: "signedInRole", name })} problems={at("postgres.signedInRole")} problemsId="p-pg-in" mono data-path="postgres.signedInRole" />
              <FieldProblems problems={at("postgres.signedInRole")} id="p-pg-in" />
            </FieldRow>
            <FieldRow label="Signed-out role" htmlFor="pg-anon" hint="The database role for requests without a token.">
              <TextInput id="pg-anon" label="Signed-out database role" value={design.postgres?.anonymousRole ?? ""} placeholder="anonymous" onValue={(name) => run("setPostgresRole", { key: "anonymousRole", name })} problems={at("postgres.anonymousRole")} problemsId="p-pg-anon" mono data-path="postgres.anonymousRole" />
              <FieldProblems problems={at("postgres.anonymousRole")} id="p-pg-anon" />
            </FieldRow>
          </>
        )}
        <FieldRow label="Owner obeys policies" hint="FORCE ROW LEVEL SECURITY: the tables' owner is held to the policies too, so an app that connects as the owner sees nothing instead of everything.">
          <Checkbox
            label="Force row-level security for the tables' owner"
            visibleLabel="Force row-level security"
            checked={design.forceRowLevelSecurity === true}
            onValue={(force) => run("setForceRowLevelSecurity", { force })}
            className="text-[12px]"
          />
        </FieldRow>
      </Section>
      <Section title="Authentication">
        <FieldRow label="Auth provider" htmlFor="project-provider">
          <Select id="project-provider" label="Auth provider" value={design.auth.provider} onValue={(p) => run("setProvider", { provider: p as Provider })} data-path="auth.provider">
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABELS[p]}
              </option>
            ))}
          </Select>
          {design.target !== "supabase" && <ChoiceWarnings warnings={warnings} />}
        </FieldRow>
        <FieldRow
          label="JWKS URL"
          htmlFor="project-jwks"
          hint={
            <>
              Where to find it: {preset.jwksWhere}. Optional: left empty, the setup SQL holds a placeholder to fill in.
            </>
          }
        >
          <TextInput
            id="project-jwks"
            label="JWKS URL"
            value={design.auth.jwksUrl ?? ""}
            placeholder={preset.jwksUrlTemplate ?? "https://…/.well-known/jwks.json"}
            title={preset.jwksUrlTemplate ? `${PROVIDER_LABELS[design.auth.provider]}: ${preset.jwksUrlTemplate}` : undefined}
            onValue={(url) => run("setJwksUrl", { url })}
            problems={at("auth.jwksUrl")}
            problemsId="p-jwks"
            mono
            data-path="auth.jwksUrl"
          />
          <FieldProblems problems={at("auth.jwksUrl")} id="p-jwks" />
        </FieldRow>
      </Section>
      <Section title="Tenancy" description="How the database learns the user's active organization and role.">
        <fieldset data-path="auth.tenancy">
          <legend className="sr-only">Tenancy</legend>
          <div className="grid grid-cols-3 gap-1.5">
            {TENANCY.map((t) => (
              <label
                key={t.value}
                className={`flex cursor-pointer flex-col rounded-md border px-3 py-2 transition-colors has-focus-visible:outline-2 has-focus-visible:outline-focus ${source === t.value ? "border-accent bg-accent-soft" : "border-line hover:border-line-strong"}`}
              >
                <span className="flex items-center gap-2 font-medium">
                  <input type="radio" name="tenancy" value={t.value} checked={source === t.value} onChange={() => run("setTenancy", { source: t.value })} className="size-3.5" />
                  {t.label}
                </span>
                <span className="mt-0.5 text-[11.5px] leading-snug text-muted">{t.hint}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <FieldProblems problems={at("auth.tenancy")} />
        <ProviderSuggestion provider={design.auth.provider} tenancy={tenancy} />
        {tenancy?.source === "claims" && (
          <div className="mt-3">
            <FieldRow label="Organization claim" htmlFor="org-claim" hint="A claim name; a.b for a nested claim (Clerk's o.id).">
              <TextInput id="org-claim" label="Organization claim" value={formatClaim(tenancy.orgClaim)} placeholder="org_id" onValue={(value) => run("setClaim", { key: "orgClaim", value })} problems={at("auth.tenancy.orgClaim", true)} problemsId="p-orgclaim" mono data-path="auth.tenancy.orgClaim" />
              <FieldProblems problems={at("auth.tenancy.orgClaim", true)} id="p-orgclaim" />
            </FieldRow>
            <FieldRow label="Role claim" htmlFor="role-claim">
              <TextInput id="role-claim" label="Role claim" value={formatClaim(tenancy.roleClaim)} placeholder="org_role" onValue={(value) => run("setClaim", { key: "roleClaim", value })} problems={at("auth.tenancy.roleClaim", true)} problemsId="p-roleclaim" mono data-path="auth.tenancy.roleClaim" />
              <FieldProblems problems={at("auth.tenancy.roleClaim", true)} id="p-roleclaim" />
            </FieldRow>
          </div>
        )}
        {tenancy?.source === "tables" && (
          <div className="mt-3 space-y-3">
            <TenancyTable group="membership" title="Membership table" fields={["table", "user", "org", "role"]} values={{ ...MEMBERSHIP_DEFAULTS, ...tenancy.membership }} problems={problems} />
            <TenancyTable group="activeOrg" title="Active organization table" fields={["table", "user", "org"]} values={{ ...ACTIVE_ORG_DEFAULTS, ...tenancy.activeOrg, role: "" }} problems={problems} />
            <p className="text-[12px] text-muted">When the design has no table of that name, the bundle creates it.</p>
          </div>
        )}
      </Section>
      <Section
        title="Roles"
        description={design.auth.tenancy ? "Organization roles, as your auth provider names them. Access is granted per role." : "Roles belong to organizations: choose a tenancy first."}
        actions={
          <Button size="sm" icon="plus" onClick={() => run("addRole")}>
            Add role
          </Button>
        }
      >
        {roles.length === 0 ? (
          <p className="text-[12px] text-muted">No roles declared.</p>
        ) : (
          <ul className="space-y-1" aria-label="Roles" data-path="roles">
            {roles.map((role, index) => (
              <li key={index}>
                <div className="flex items-center gap-1.5">
                  <span className="w-5 text-right text-[11px] text-faint tabular-nums">{index + 1}</span>
                  <TextInput label="Role name" value={role} onValue={(name) => run("renameRole", { index, name })} problems={at(`roles[${index}]`)} problemsId={`p-role-${index}`} mono className="max-w-64" data-path={`roles[${index}]`} />
                  <IconButton icon="up" label={`Move role ${role} up`} disabled={index === 0} onClick={() => run("moveRole", { index, to: index - 1 })} />
                  <IconButton icon="down" label={`Move role ${role} down`} disabled={index === roles.length - 1} onClick={() => run("moveRole", { index, to: index + 1 })} />
                  <IconButton icon="trash" tone="danger" label={`Remove role ${role}`} onClick={() => run("removeRole", { index })} />
                </div>
                <FieldProblems problems={at(`roles[${index}]`)} id={`p-role-${index}`} className="ml-6" />
              </li>
            ))}
          </ul>
        )}
        <FieldProblems problems={at("roles")} />
      </Section>
    </div>
  );
}

/** What the provider's tokens carry, and one click to use it: never applied silently when the provider changes. */
function ProviderSuggestion({ provider, tenancy }: { provider: Provider; tenancy: Tenancy | undefined }) {
  const suggested = providerTenancy(provider);
  if (!suggested) return null;
  const label = PROVIDER_LABELS[provider];
  const inUse = sameTenancy(tenancy, suggested);
  return (
    <div className="mt-3 flex items-start gap-3 rounded-md border border-line bg-subtle px-3 py-2 text-[12px]" aria-label={`${label}'s tenancy`} role="group">
      <Icon name="info" className="mt-px size-3.5 shrink-0 text-muted" />
      <div className="min-w-0 flex-1">
        <p>
          {/* The note often names the provider itself ("Clerk's session token..."): no need to say it twice. */}
          {!PROVIDER_PRESETS[provider].tenancyNote.startsWith(label.split(" ")[0]) && <span className="font-medium">{label}: </span>}
          {PROVIDER_PRESETS[provider].tenancyNote}
        </p>
        <p className="mt-0.5 text-muted">Suggested: {describeTenancy(suggested)}</p>
      </div>
      {inUse ? (
        <span className="flex shrink-0 items-center gap-1 text-ok">
          <Icon name="check" className="size-3.5" /> In use
        </span>
      ) : (
        <Button size="sm" className="shrink-0" onClick={() => run("adoptProviderTenancy")}>
          Use {label}&apos;s {suggested.source === "claims" ? "claims" : "tables"}
        </Button>
      )}
    </div>
  );
}

function describeTenancy(t: Tenancy): string {
  if (t.source === "claims") return `organization claim ${formatClaim(t.orgClaim) || "org_id"}, role claim ${formatClaim(t.roleClaim) || "org_role"}`;
  const m = { ...MEMBERSHIP_DEFAULTS, ...t.membership };
  const a = { ...ACTIVE_ORG_DEFAULTS, ...t.activeOrg };
  return `memberships in ${m.table} (${m.user}, ${m.org}, ${m.role}), the active organization in ${a.table}.${a.org}`;
}

/** The warnings a target or provider choice brings (user columns of the wrong type), each a link to its field. */
function ChoiceWarnings({ warnings }: { warnings: readonly Problem[] }) {
  const tables = useDesigner((s) => s.design.tables);
  if (warnings.length === 0) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-[12px] leading-snug" aria-label="Warnings">
      {warnings.map((w, i) => {
        const index = /^tables\[(\d+)\]/.exec(w.path)?.[1];
        const table = index !== undefined ? tables[Number(index)]?.name : undefined;
        return (
          <li key={i} className="flex gap-1 text-warn">
            <Icon name="alert" className="mt-px size-3.5 shrink-0" />
            <span>
              <span className="sr-only">Warning: </span>
              {table ? `${table}: ` : ""}
              {w.message}{" "}
              <button type="button" className="cursor-pointer font-medium underline underline-offset-2" onClick={() => openProblem(w, tables.length)}>
                {table ? `Show in ${table}` : "Show"}
              </button>
            </span>
          </li>
        );
      })}
    </ul>
  );
}

const FIELD_LABELS: Record<MembershipField, string> = { table: "table", user: "user column", org: "organization column", role: "role column" };

function TenancyTable({
  group,
  title,
  fields,
  values,
  problems,
}: {
  group: "membership" | "activeOrg";
  title: string;
  fields: MembershipField[];
  values: Record<MembershipField, string>;
  problems: ReturnType<typeof useAllProblems>;
}) {
  return (
    <fieldset className="rounded-md border border-line px-3 pt-1 pb-2" data-path={`auth.tenancy.${group}`}>
      <legend className="px-1 text-[12px] font-medium">{title}</legend>
      <div className="grid grid-cols-2 gap-x-3 gap-y-1.5">
        {fields.map((field) => {
          const path = `auth.tenancy.${group}.${field}`;
          const own = problemsAt(problems, path);
          return (
            <label key={field} className="block">
              <span className="text-[11.5px] text-muted">{FIELD_LABELS[field]}</span>
              <TextInput label={`${title} ${FIELD_LABELS[field]}`} value={values[field]} onValue={(value) => run("setTenancyTable", { group, field, value })} problems={own} problemsId={`p-${group}-${field}`} mono data-path={path} />
              <FieldProblems problems={own} id={`p-${group}-${field}`} />
            </label>
          );
        })}
      </div>
      <FieldProblems problems={problemsAt(problems, `auth.tenancy.${group}`)} />
    </fieldset>
  );
}
