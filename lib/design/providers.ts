import type { Provider, Tenancy } from "./schema";

/**
 * What each auth provider puts where: its JWKS URL, the claims that carry the user, the
 * organization and the role, and whether its user ids are uuids. The designer fills a design
 * from these; the bundle's README repeats them.
 */
export interface ProviderPreset {
  readonly label: string;
  /** With {placeholders} for the parts the user fills in. */
  readonly jwksUrlTemplate: string | null;
  readonly jwksWhere: string;
  /** How organizations reach the database with this provider, if it has them. */
  readonly tenancy: Tenancy | null;
  readonly tenancyNote: string;
  readonly userIdsAreUuids: boolean;
}

export const PROVIDER_PRESETS: Record<Provider, ProviderPreset> = {
  clerk: {
    label: "Clerk",
    jwksUrlTemplate: "https://{your-clerk-frontend-api}/.well-known/jwks.json",
    jwksWhere: "Clerk Dashboard > Configure > API keys > Show JWT public key > JWKS URL",
    tenancy: { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "rol"] },
    tenancyNote: "Clerk's session token (v2) carries the active organization as o.id and the role, without its org: prefix, as o.rol.",
    userIdsAreUuids: false,
  },
  auth0: {
    label: "Auth0",
    jwksUrlTemplate: "https://{your-tenant}.auth0.com/.well-known/jwks.json",
    jwksWhere: "Auth0 Dashboard > Applications > your app > Advanced settings > Endpoints > JSON Web Key Set",
    tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "https://{your-namespace}/org_role" },
    tenancyNote: "Auth0 Organizations put org_id in the token; add the role with a post-login Action as a namespaced custom claim.",
    userIdsAreUuids: false,
  },
  workos: {
    label: "WorkOS",
    jwksUrlTemplate: "https://api.workos.com/sso/jwks/{your-client-id}",
    jwksWhere: "WorkOS Dashboard > API Keys > Client ID",
    tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "role" },
    tenancyNote: "AuthKit access tokens carry org_id and role for the session's organization.",
    userIdsAreUuids: false,
  },
  "better-auth": {
    label: "Better Auth",
    jwksUrlTemplate: "{your-app-url}/api/auth/jwks",
    jwksWhere: "served by Better Auth's JWT plugin",
    tenancy: {
      source: "tables",
      membership: { table: "member", user: "userId", org: "organizationId", role: "role" },
      activeOrg: { table: "session", user: "userId", org: "activeOrganizationId" },
    },
    tenancyNote: "The organization plugin keeps memberships in member and the active organization in session; the policies read them.",
    userIdsAreUuids: false,
  },
  "stack-auth": {
    label: "Stack Auth",
    jwksUrlTemplate: "https://api.stack-auth.com/api/v1/projects/{your-project-id}/.well-known/jwks.json",
    jwksWhere: "Stack Auth Dashboard > Project settings > Project ID",
    tenancy: { source: "claims", orgClaim: "selected_team_id", roleClaim: "team_role" },
    tenancyNote: "Stack Auth's token names the selected team; it has no role claim by default, so add one or use tables tenancy.",
    userIdsAreUuids: true,
  },
  "neon-auth": {
    label: "Neon Auth",
    jwksUrlTemplate: null,
    jwksWhere: "Neon Console > Auth > Configuration: the JWKS URL is filled in for the Data API",
    tenancy: { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "role"] },
    tenancyNote: "Neon Auth's organization claim o.id is what pg_session_jwt's auth.organization_id() reads; check your token for the role's claim.",
    userIdsAreUuids: true,
  },
  supabase: {
    label: "Supabase Auth",
    jwksUrlTemplate: "https://{your-project-ref}.supabase.co/auth/v1/.well-known/jwks.json",
    jwksWhere: "Supabase Dashboard > Project Settings > API",
    tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" },
    tenancyNote: "Add org_id and org_role to the token with a Custom Access Token Hook.",
    userIdsAreUuids: true,
  },
  custom: {
    label: "Other (custom JWT)",
    jwksUrlTemplate: null,
    jwksWhere: "your identity provider's documentation",
    tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" },
    tenancyNote: "Name the claims your tokens carry.",
    userIdsAreUuids: false,
  },
};
