import type { AccessRule, Design, Provider, Target, Table, Tenancy } from "@/lib/design";
import { PROVIDER_PRESETS } from "@/lib/design/providers";
import { freshName, move, removeAt, renameFollows, replaceAt } from "./names";

/** Immutable edits of the project settings: name, target, auth, tenancy and organization roles. */

export type TenancySource = "none" | "claims" | "tables";

export const EMPTY_DESIGN: Design = { version: 1, name: "untitled", target: "neon", auth: { provider: "clerk" }, tables: [] };

export function setName(design: Design, name: string): Design {
  return design.name === name ? design : { ...design, name };
}

export function setTarget(design: Design, target: Target): Design {
  return { ...design, target };
}

export function setProvider(design: Design, provider: Provider): Design {
  return { ...design, auth: { ...design.auth, provider } };
}

export function setJwksUrl(design: Design, url: string): Design {
  const auth = { ...design.auth };
  if (url === "") delete auth.jwksUrl;
  else auth.jwksUrl = url;
  return { ...design, auth };
}

export function tenancySource(design: Design): TenancySource {
  return design.auth.tenancy?.source ?? "none";
}

export function setTenancy(design: Design, source: TenancySource): Design {
  if (tenancySource(design) === source) return design;
  const auth = { ...design.auth };
  if (source === "none") delete auth.tenancy;
  else if (source === "claims") auth.tenancy = { source: "claims", orgClaim: "org_id", roleClaim: "org_role" };
  else auth.tenancy = { source: "tables" };
  return { ...design, auth };
}

/**
 * "o.id" names a nested claim (the path ["o", "id"]); a name without dots is a top-level claim,
 * and so is a namespaced one such as Auth0's "https://example.com/org_role" (its dots are the host's).
 */
export function parseClaim(text: string): string | string[] {
  return text.includes(".") && !text.includes("://") ? text.split(".") : text;
}

export function formatClaim(claim: string | readonly string[] | undefined): string {
  return claim === undefined ? "" : typeof claim === "string" ? claim : claim.join(".");
}

export function setClaim(design: Design, key: "orgClaim" | "roleClaim", text: string): Design {
  const tenancy = design.auth.tenancy;
  if (tenancy?.source !== "claims") return design;
  return { ...design, auth: { ...design.auth, tenancy: { ...tenancy, [key]: parseClaim(text) } } };
}

/** The tenancy the provider's tokens (or tables) suggest; null when it has no opinion (custom). */
export function providerTenancy(provider: Provider): Tenancy | null {
  return provider === "custom" ? null : PROVIDER_PRESETS[provider].tenancy;
}

/** Whether two tenancies say the same thing, however they are spelled ("o.id" or ["o", "id"], defaults written out or not). */
export function sameTenancy(a: Tenancy | undefined, b: Tenancy | null | undefined): boolean {
  if (!a || !b || a.source !== b.source) return !a && !b;
  if (a.source === "claims" && b.source === "claims") {
    return formatClaim(a.orgClaim) === formatClaim(b.orgClaim) && formatClaim(a.roleClaim) === formatClaim(b.roleClaim);
  }
  if (a.source === "tables" && b.source === "tables") {
    const same = (x: object, y: object) => JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(y).sort());
    return same({ ...MEMBERSHIP_DEFAULTS, ...a.membership }, { ...MEMBERSHIP_DEFAULTS, ...b.membership }) && same({ ...ACTIVE_ORG_DEFAULTS, ...a.activeOrg }, { ...ACTIVE_ORG_DEFAULTS, ...b.activeOrg });
  }
  return false;
}

/** Fills the tenancy with what the design's provider suggests (only when asked: switching provider never does). */
export function adoptProviderTenancy(design: Design): Design {
  const tenancy = providerTenancy(design.auth.provider);
  if (!tenancy || sameTenancy(design.auth.tenancy, tenancy)) return design;
  return { ...design, auth: { ...design.auth, tenancy: structuredClone(tenancy) as Tenancy } };
}

/** FORCE ROW LEVEL SECURITY on every table; left out of the file when off, as a design without it means. */
export function setForceRowLevelSecurity(design: Design, force: boolean): Design {
  const next = { ...design, forceRowLevelSecurity: true };
  if (!force) delete (next as Partial<Design>).forceRowLevelSecurity;
  return next;
}

export type NeonTokenVia = NonNullable<NonNullable<Design["neon"]>["tokenVia"]>;

export function setNeonTokenVia(design: Design, via: NeonTokenVia): Design {
  return { ...design, neon: { ...design.neon, tokenVia: via } };
}

/** Plain PostgreSQL names its own database roles; an empty box falls back to the default name. */
export function setPostgresRole(design: Design, key: "signedInRole" | "anonymousRole", name: string): Design {
  const postgres = { ...design.postgres };
  if (name === "") delete postgres[key];
  else postgres[key] = name;
  const next: Design = { ...design, postgres };
  if (Object.keys(postgres).length === 0) delete next.postgres;
  return next;
}

export const MEMBERSHIP_DEFAULTS = { table: "members", user: "user_id", org: "organization_id", role: "role" } as const;
export const ACTIVE_ORG_DEFAULTS = { table: "user_sessions", user: "user_id", org: "active_organization_id" } as const;

export type MembershipField = keyof typeof MEMBERSHIP_DEFAULTS;
export type ActiveOrgField = keyof typeof ACTIVE_ORG_DEFAULTS;

/** Editing one field of a membership table writes the whole group, its other fields at their defaults. */
export function setTenancyTable(
  design: Design,
  group: "membership" | "activeOrg",
  field: MembershipField,
  value: string,
): Design {
  const tenancy = design.auth.tenancy;
  if (tenancy?.source !== "tables") return design;
  if (group === "membership") {
    const membership = { ...MEMBERSHIP_DEFAULTS, ...tenancy.membership, [field]: value };
    return { ...design, auth: { ...design.auth, tenancy: { ...tenancy, membership } } };
  }
  if (field === "role") return design;
  const activeOrg = { ...ACTIVE_ORG_DEFAULTS, ...tenancy.activeOrg, [field]: value };
  return { ...design, auth: { ...design.auth, tenancy: { ...tenancy, activeOrg } } };
}

export function addRole(design: Design): { design: Design; index: number } {
  const roles = design.roles ?? [];
  return { design: { ...design, roles: [...roles, freshName("role", roles)] }, index: roles.length };
}

/** Renames a role everywhere the design names it (access lists and owner bypass lists). */
export function renameRole(design: Design, index: number, name: string): Design {
  const roles = design.roles ?? [];
  const old = roles[index];
  if (old === undefined || old === name) return design;
  const follows = renameFollows(roles, index, name);
  const next = { ...design, roles: replaceAt(roles, index, name) };
  return follows ? { ...next, tables: next.tables.map((t) => mapRoles(t, (r) => (r === old ? name : r))) } : next;
}

/** Removes a role, and its ticks: a rule left with no role is dropped (nobody may do it). */
export function removeRole(design: Design, index: number): Design {
  const roles = design.roles ?? [];
  const old = roles[index];
  if (old === undefined) return design;
  const stillDeclared = roles.filter((r, i) => i !== index && r === old).length > 0;
  const next: Design = { ...design, roles: removeAt(roles, index) };
  if (stillDeclared) return next;
  return { ...next, tables: next.tables.map((t) => mapRoles(t, (r) => (r === old ? null : r))) };
}

export function moveRole(design: Design, from: number, to: number): Design {
  const roles = design.roles ?? [];
  const moved = move(roles, from, to);
  return moved === roles ? design : { ...design, roles: moved as string[] };
}

function mapRoles(table: Table, map: (role: string) => string | null): Table {
  const mapList = (list: readonly string[]) => list.map(map).filter((r): r is string => r !== null);
  let changed = false;
  const access = table.access && { ...table.access };
  if (access) {
    for (const op of ["select", "insert", "update", "delete"] as const) {
      const given = access[op];
      if (given === undefined) continue;
      // A rule whose roles all go admits nobody any more: it goes too (spec §4: a list keeps its other rules).
      const mapped: AccessRule[] = [];
      let opChanged = false;
      for (const rule of Array.isArray(given) ? given : [given]) {
        if (!rule.roles) {
          mapped.push(rule);
          continue;
        }
        const roles = mapList(rule.roles);
        if (roles.length !== rule.roles.length || roles.some((r, i) => r !== rule.roles![i])) opChanged = true;
        if (roles.length > 0) mapped.push({ ...rule, roles });
      }
      if (!opChanged) continue;
      changed = true;
      if (mapped.length === 0) delete access[op];
      else access[op] = Array.isArray(given) ? mapped : mapped[0];
    }
  }
  let firewall = table.firewall;
  const owner = firewall?.owner;
  if (owner?.bypassRoles) {
    const bypassRoles = mapList(owner.bypassRoles);
    if (bypassRoles.length !== owner.bypassRoles.length || bypassRoles.some((r, i) => r !== owner.bypassRoles![i])) {
      changed = true;
      firewall = { ...firewall, owner: { ...owner, bypassRoles } };
    }
  }
  if (!changed) return table;
  const next: Table = { ...table, firewall };
  if (access && Object.keys(access).length > 0) next.access = access;
  else delete next.access;
  if (!firewall) delete next.firewall;
  return next;
}
