import { ORG_TOKEN, PROVIDER_PRESETS, USER_TOKEN, type Model, type Provider } from "../design";

/**
 * The people verification acts as. User ids have the shape the design's provider issues
 * (`user_2...` for Clerk, `auth0|...` for Auth0, ...), so a policy that only works with uuids
 * (Supabase's auth.uid() casts the token's sub to uuid) is caught; they are uuids when the
 * provider issues uuids or a column that holds user ids is uuid.
 * With tenancy: a member of each role in organization A, a member of A without a role, a
 * member of organization B with the first (usually strongest) role, a user with no
 * organization, a role without an organization, an unknown role in A (the first role with its
 * case swapped), and (for `tables` tenancy) a user whose active organization is one they do
 * not belong to. Without tenancy: two users. Then odd tokens (attacks.md): no `sub`, a `sub`
 * that is a number, and (claims tenancy) an organization claim that is not a string. Always: a
 * signed-out visitor.
 */
export interface Principal {
  readonly name: string;
  readonly signedIn: boolean;
  readonly userId: string | null;
  /** What the token or the membership tables claim. */
  readonly claimedOrg: string | null;
  readonly claimedRole: string | null;
  /** Whether a membership row backs the claimed organization (tables tenancy). */
  readonly member: boolean;
  /** Tables tenancy: the membership row is in this organization, not the claimed (active) one. */
  readonly membershipOrg?: string;
  /** Tables tenancy: a membership row but no active organization row (a role without an organization). */
  readonly noActiveOrg?: boolean;
  /**
   * A token of an odd shape: `sub` left out or of another JSON type, the organization claim of
   * another JSON type. The meaning reads such a claim as absent (a `sub` or organization that is
   * not a JSON string identifies nobody); `userId` and `claimedOrg` are then null.
   */
  readonly oddToken?: { readonly sub?: "absent" | ClaimValue; readonly org?: ClaimValue };
}

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const ORG_A = uuid("0a000000", 1);
export const ORG_B = uuid("0b000000", 2);
/** The n-th user id as a uuid. */
export const userId = (n: number) => uuid("00000000", n);
/** A user id no principal has (n = 999). */
export const STRANGER_NUMBER = 999;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `length` characters of `alphabet` that spell n (with a fixed, mixed-case filler in front), so distinct n give distinct ids. */
function spell(n: number, alphabet: string, length: number, filler: string): string {
  let digits = "";
  for (let rest = n; digits === "" || rest > 0; rest = Math.floor(rest / alphabet.length)) digits = alphabet[rest % alphabet.length] + digits;
  return (filler.repeat(length) + digits).slice(-length);
}

/** Ids as each provider issues them: Clerk `user_` + 27 base62, Auth0 `auth0|` + 24 hex, WorkOS `user_` + a ULID, Better Auth 32 base62. */
const PROVIDER_IDS: Partial<Record<Provider, (n: number) => string>> = {
  clerk: (n) => `user_2${spell(n, BASE62, 26, "qRlsDsgnr")}`,
  auth0: (n) => `auth0|${spell(n, "0123456789abcdef", 24, "5f7c8ec7c33c6c")}`,
  workos: (n) => `user_01H${spell(n, CROCKFORD, 23, "R5DGX")}`,
  "better-auth": (n) => spell(n, BASE62, 32, "Bq7rLsDzN"),
  custom: (n) => `user-${n}`,
};

/** Organization ids as each provider issues them: Clerk `org_` + 27 base62, Auth0 `org_` + 16, WorkOS `org_` + a ULID. */
const PROVIDER_ORGS: Partial<Record<Provider, (n: number) => string>> = {
  clerk: (n) => `org_2${spell(n, BASE62, 26, "oRgDsgnr")}`,
  auth0: (n) => `org_${spell(n, BASE62, 16, "9ybsU1dN")}`,
  workos: (n) => `org_01H${spell(n, CROCKFORD, 23, "0RGX")}`,
  "better-auth": (n) => spell(n, BASE62, 32, "0rgBtrAth"),
  custom: (n) => `org-${n}`,
};

type ModelTableOf = Model["tables"][number];

function conditionsOf(table: ModelTableOf) {
  return [
    ...Object.values(table.access).flat().flatMap((rule) => [...(rule?.where ?? []), ...(rule?.check ?? [])]),
    ...(table.anonymous.select?.where ?? []),
    ...(table.anonymous.insert?.check ?? []),
  ];
}

/**
 * Whether some column holds user (or organization) ids as uuid: the firewall's owner (or
 * organization) column, a column compared with `$user` (`$org`), a column defaulting to the
 * signed-in user, or the membership tables' columns. Then the ids must be uuids, whatever the provider.
 */
function idColumnIsUuid(model: Model, kind: "user" | "org"): boolean {
  const token = kind === "user" ? USER_TOKEN : ORG_TOKEN;
  for (const table of model.tables) {
    const isUuid = (name: string | null | undefined) => table.columns.some((c) => c.name === name && c.type === "uuid");
    if (table.firewall.kind === "isolated" && isUuid(kind === "user" ? table.firewall.owner?.column : table.firewall.organization)) return true;
    if (kind === "user" && table.columns.some((c) => c.type === "uuid" && c.default?.kind === "currentUser")) return true;
    if (conditionsOf(table).some((c) => c.value === token && isUuid(c.column))) return true;
    // A sharing table's user column (spec §4).
    if (kind === "user") {
      for (const rule of Object.values(table.access).flat()) {
        const via = rule?.sharedVia;
        if (via && model.tables.some((s) => s.name === via.table && s.columns.some((c) => c.name === via.user && c.type === "uuid"))) return true;
      }
    }
    if (model.tenancy?.source === "tables") {
      const { membership, activeOrg } = model.tenancy;
      if (table.name === membership.table && isUuid(membership[kind])) return true;
      if (table.name === activeOrg.table && isUuid(activeOrg[kind])) return true;
    }
  }
  return false;
}

/** Organizations A and B, in the shape this design's tokens (or membership rows) carry. */
export function organizationsFor(model: Model): readonly [string, string] {
  const shaped = PROVIDER_ORGS[model.provider];
  if (!shaped || PROVIDER_PRESETS[model.provider].userIdsAreUuids || idColumnIsUuid(model, "org")) return [ORG_A, ORG_B];
  return [shaped(1), shaped(2)];
}

/** The n-th user id in the shape this design's tokens carry. */
export function userIdsFor(model: Model): (n: number) => string {
  const shaped = PROVIDER_IDS[model.provider];
  if (!shaped || PROVIDER_PRESETS[model.provider].userIdsAreUuids || idColumnIsUuid(model, "user")) return userId;
  return shaped;
}

export function strangerFor(model: Model): string {
  return userIdsFor(model)(STRANGER_NUMBER);
}

export function principalsFor(model: Model): Principal[] {
  const principals: Principal[] = [];
  const idOf = userIdsFor(model);
  const [orgA, orgB] = organizationsFor(model);
  const signedIn = (name: string, n: number, claimedOrg: string | null, claimedRole: string | null, member = claimedOrg !== null) =>
    principals.push({ name, signedIn: true, userId: idOf(n), claimedOrg, claimedRole, member });
  if (model.tenancy) {
    model.roles.forEach((role, i) => signedIn(`${role} of org A`, i + 1, orgA, role));
    const next = model.roles.length + 1;
    signedIn("member of org A without a role", next, orgA, null);
    signedIn(`${model.roles[0] ?? "member"} of org B`, next + 1, orgB, model.roles[0] ?? null);
    signedIn("user with no organization", next + 2, null, null);
    const strongest = model.roles[0] ?? "member";
    if (model.tenancy.source === "tables") {
      signedIn("user whose active org A lacks their membership", next + 3, orgA, null, false);
      // A membership in B with the strongest role, active organization A: a helper that joins on the user alone lets the role count in A.
      principals.push({ name: `${strongest} of org B whose active organization is A`, signedIn: true, userId: idOf(next + 7), claimedOrg: orgA, claimedRole: strongest, member: false, membershipOrg: orgB });
      principals.push({ name: `${strongest} of org A with no active organization`, signedIn: true, userId: idOf(next + 4), claimedOrg: orgA, claimedRole: strongest, member: true, noActiveOrg: true });
    } else {
      signedIn(`${strongest} role without an organization`, next + 4, null, strongest);
    }
    signedIn(`unknown role "${unknownRole(model)}" in org A`, next + 5, orgA, unknownRole(model));
    // The organization claim as a list holding A, with a role: a helper that digs into it or reads it as text would let the role count.
    if (model.tenancy.source === "claims") {
      principals.push({ name: `${strongest} with an organization claim that is a list`, signedIn: true, userId: idOf(next + 6), claimedOrg: null, claimedRole: strongest, member: false, oddToken: { org: [orgA] } });
    }
  } else {
    signedIn("user A", 1, null, null);
    signedIn("user B", 2, null, null);
  }
  // Tokens whose sub identifies nobody; with claims tenancy they still carry organization A and the strongest role.
  const claimsTenancy = model.tenancy?.source === "claims";
  const odd = (name: string, sub: "absent" | ClaimValue) =>
    principals.push({
      name, signedIn: true, userId: null,
      claimedOrg: claimsTenancy ? orgA : null, claimedRole: claimsTenancy ? (model.roles[0] ?? null) : null,
      member: false, oddToken: { sub },
    });
  odd("token without sub", "absent");
  odd("token whose sub is a number", 1);
  principals.push({ name: "signed-out visitor", signedIn: false, userId: null, claimedOrg: null, claimedRole: null, member: false });
  return principals;
}

/** A role name the design does not have: the first role with its case swapped (a comparison must be exact), or "intruder". */
export function unknownRole(model: Model): string {
  const first = model.roles[0] ?? "member";
  const swapped = [...first].map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join("");
  return swapped !== first && !model.roles.includes(swapped) ? swapped : model.roles.includes("intruder") ? "intruder-0" : "intruder";
}

/** What the meaning (§2) takes from a principal: o and r, after tenancy rules. */
export function effectiveContext(model: Model, p: Principal): { org: string | null; role: string | null } {
  if (!p.signedIn || !model.tenancy) return { org: null, role: null };
  if (model.tenancy.source === "tables" && (!p.member || p.noActiveOrg || p.userId === null)) return { org: null, role: null };
  if (p.claimedOrg === null) return { org: null, role: null };
  return { org: p.claimedOrg, role: p.claimedRole };
}

/** The JWT claims that tell the database who is asking, as the spec's §2 describes. */
export type ClaimValue = string | number | boolean | null | readonly ClaimValue[] | { readonly [key: string]: ClaimValue };
export type Claims = { [claim: string]: ClaimValue };

/** Sets a claim at a path of keys, creating the objects on the way (["o", "id"] sets claims.o.id). */
function setClaim(claims: Claims, path: readonly string[], value: ClaimValue): void {
  let node = claims;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node = typeof next === "object" && next !== null && !Array.isArray(next) ? (next as Claims) : (node[key] = {});
  });
  node[path[path.length - 1]] = value;
}

/**
 * On Supabase every request carries claims, and `role` names the database role: the anon key's
 * token is `{"role": "anon", ...}`, a user's (Supabase Auth's, or a third-party provider's set up
 * for Supabase) has `"role": "authenticated"`. Supabase's real auth.uid() reads
 * `current_setting('request.jwt.claims', true)::jsonb` without nullif, so an empty setting would
 * fail (22P02) where Supabase never sends one.
 */
function supabaseRole(model: Model, p: Principal): Claims {
  return model.target === "supabase" ? { role: p.signedIn ? "authenticated" : "anon" } : {};
}

export function claimsFor(model: Model, p: Principal): Claims {
  if (!p.signedIn) return supabaseRole(model, p);
  const sub = p.oddToken?.sub !== undefined ? p.oddToken.sub : p.userId;
  const claims: Claims = { ...(sub === "absent" || sub === null ? {} : { sub }), ...supabaseRole(model, p) };
  if (model.tenancy?.source === "claims") {
    const org = p.oddToken?.org !== undefined ? p.oddToken.org : p.claimedOrg;
    if (org !== null) setClaim(claims, model.tenancy.orgClaim, org);
    if (p.claimedRole !== null) setClaim(claims, model.tenancy.roleClaim, p.claimedRole);
  }
  return claims;
}

/** What `request.jwt.claims` holds for `p`: the claims as JSON, or empty for a visitor without a token. */
export function claimsSetting(model: Model, p: Principal): string {
  const claims = claimsFor(model, p);
  return p.signedIn || Object.keys(claims).length > 0 ? JSON.stringify(claims) : "";
}
