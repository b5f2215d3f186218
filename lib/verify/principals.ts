import type { Model } from "../design";

/**
 * The people verification acts as. Ids are uuids so they fit text and uuid columns alike.
 * With tenancy: a member of each role in organization A, a member of A without a role, a
 * member of organization B with the first (usually strongest) role, a user with no
 * organization, and (for `tables` tenancy) a user whose active organization is one they do
 * not belong to. Without tenancy: two users. Always: a signed-out visitor.
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
}

const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const ORG_A = uuid("0a000000", 1);
export const ORG_B = uuid("0b000000", 2);
export const STRANGER = uuid("5e000000", 999);
export const userId = (n: number) => uuid("00000000", n);

export function principalsFor(model: Model): Principal[] {
  const principals: Principal[] = [];
  const signedIn = (name: string, n: number, claimedOrg: string | null, claimedRole: string | null, member = claimedOrg !== null) =>
    principals.push({ name, signedIn: true, userId: userId(n), claimedOrg, claimedRole, member });
  if (model.tenancy) {
    model.roles.forEach((role, i) => signedIn(`${role} of org A`, i + 1, ORG_A, role));
    const next = model.roles.length + 1;
    signedIn("member of org A without a role", next, ORG_A, null);
    signedIn(`${model.roles[0] ?? "member"} of org B`, next + 1, ORG_B, model.roles[0] ?? null);
    signedIn("user with no organization", next + 2, null, null);
    if (model.tenancy.source === "tables") signedIn("user whose active org A lacks their membership", next + 3, ORG_A, null, false);
  } else {
    signedIn("user A", 1, null, null);
    signedIn("user B", 2, null, null);
  }
  principals.push({ name: "signed-out visitor", signedIn: false, userId: null, claimedOrg: null, claimedRole: null, member: false });
  return principals;
}

/** What the meaning (§2) takes from a principal: o and r, after tenancy rules. */
export function effectiveContext(model: Model, p: Principal): { org: string | null; role: string | null } {
  if (!p.signedIn || !model.tenancy) return { org: null, role: null };
  if (model.tenancy.source === "tables" && !p.member) return { org: null, role: null };
  if (p.claimedOrg === null) return { org: null, role: null };
  return { org: p.claimedOrg, role: p.claimedRole };
}

/** The JWT claims that tell the database who is asking, as the spec's §2 describes. */
export type Claims = { [claim: string]: string | Claims };

/** Sets a claim at a path of keys, creating the objects on the way (["o", "id"] sets claims.o.id). */
function setClaim(claims: Claims, path: readonly string[], value: string): void {
  let node = claims;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node = typeof next === "object" ? next : (node[key] = {});
  });
  node[path[path.length - 1]] = value;
}

export function claimsFor(model: Model, p: Principal): Claims {
  if (!p.signedIn || p.userId === null) return {};
  const claims: Claims = { sub: p.userId };
  if (model.tenancy?.source === "claims") {
    if (p.claimedOrg !== null) setClaim(claims, model.tenancy.orgClaim, p.claimedOrg);
    if (p.claimedRole !== null) setClaim(claims, model.tenancy.roleClaim, p.claimedRole);
  }
  return claims;
}
