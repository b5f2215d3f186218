import { template, type Design } from "../design";

/**
 * Designs the mutation tests run beside the templates: `tables` tenancy with FORCE (the helpers
 * read membership tables; the owner obeys the policies), and a design with the conditions the
 * templates lack (ordering, nullable check columns, a public table with role rules, lists).
 */
const tablesTenancy = (): Design => {
  const design = template("saas");
  design.auth = { ...design.auth, tenancy: { source: "tables" } };
  return { ...design, name: "acme-tables", forceRowLevelSecurity: true } as Design;
};

const conditions = (): Design => ({
  version: 1,
  name: "tasks",
  target: "neon",
  auth: { provider: "clerk", tenancy: { source: "claims", orgClaim: "org_id", roleClaim: "org_role" } },
  roles: ["owner", "member"],
  tables: [
    {
      name: "tasks",
      columns: [
        { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
        { name: "organization_id", type: "text", notNull: true },
        { name: "user_id", type: "text", notNull: true, default: "auth.user_id()" },
        { name: "title", type: "text", notNull: true },
        { name: "state", type: "text", notNull: true, default: "'open'" },
        { name: "priority", type: "integer" },
        { name: "due_on", type: "date" },
      ],
      firewall: { organization: { column: "organization_id" }, owner: { column: "user_id", mode: "optional", bypassRoles: ["owner"] } },
      access: {
        select: { roles: ["owner", "member"] },
        insert: { roles: ["owner", "member"], check: [{ column: "priority", op: "gte", value: 1 }] },
        update: {
          roles: ["owner", "member"],
          where: [{ column: "state", op: "neq", value: "done" }],
          check: [{ column: "priority", op: "gt", value: 0 }, { column: "state", op: "in", value: ["open", "started", "done"] }],
        },
        delete: { roles: ["owner"], where: [{ column: "due_on", op: "lt", value: "2026-01-01" }] },
      },
    },
    {
      name: "announcements",
      columns: [
        { name: "id", type: "integer", primaryKey: true },
        { name: "body", type: "text", notNull: true },
        { name: "audience", type: "text", notNull: true, default: "'staff'" },
      ],
      firewall: { public: true },
      access: {
        select: {},
        insert: { roles: ["owner"], check: [{ column: "audience", op: "in", value: ["all", "staff"] }] },
        update: { roles: ["owner"], check: [{ column: "audience", op: "notIn", value: ["hidden"] }] },
        delete: { roles: ["owner"] },
      },
      anonymous: { select: { where: [{ column: "audience", op: "eq", value: "all" }] } },
    },
  ],
});

export const MUTATION_DESIGNS: Record<string, () => Design> = {
  "saas with tables tenancy and FORCE": tablesTenancy,
  "conditions (tasks, announcements)": conditions,
};

/**
 * Mutants that change no access the meaning distinguishes, each with the reason (docs/proof.md
 * argues each class). The tests require verify to pass on these: if it failed, the argument or
 * verify would be wrong.
 */
const ANONYMOUS_DEFENCE =
  "defence in depth: the anonymous role holds no privilege for the commands this policy restricts, so signed-out visitors are refused with 42501 with or without it";
const GRANT_BEHIND_DENY = "a restrictive anonymous policy (false) still refuses every row, so the grant only turns 42501 into 0 rows or 42501 from the policy";
const PUBLIC_ADDS_NOTHING =
  "TO public adds the anonymous role (the only other role with privileges on the table), which holds no privilege for this command or is refused by a restrictive anonymous policy";

export function equivalentReason(designName: string, id: string): string | null {
  if (/_anonymous_(deny|no_select|no_insert|no_update|no_delete):(drop|flip|using-true|check-true)$/.test(id)) return ANONYMOUS_DEFENCE;
  if (/^table:[^:]+:grant-(select|insert|update|delete)-anonymous$/.test(id)) return GRANT_BEHIND_DENY;
  return EXPLICIT[designName]?.[id] ?? null;
}

const publicAddsNothing = (...policies: string[]) => Object.fromEntries(policies.map((p) => [`policy:${p}:to-public`, PUBLIC_ADDS_NOTHING]));
/** The firewall of a table whose one select rule's roles are part of it: one restrictive policy per command. */
const perCommandFirewall = (table: string) => ["select", "insert", "update", "delete"].map((command) => `${table}_firewall_${command}`);
const noRuleFor = (role: string, operation: string) =>
  `the bypass list of this command's firewall only matters to roles that may ${operation}, and no ${operation} rule names ${role}`;
const DELETE_ROLES_BYPASS =
  "every role a delete rule names is a bypass role, whose bypass arm admits the whole organization: the owner arm (or its owner part) adds no row for them";
const UNCALLED_HELPER = "no policy or helper of this design calls it (no table has an optional owner with bypass roles)";
const TRIGGER_CHECKS_RULES =
  "the update-rules trigger checks each rule whole (old row, new row, columns changed), so a new row outside every rule's check is still refused with 42501";
const NO_UPDATE_RULE = "the table has no update rule: 0 rows or 42501, both a refusal";
const VIEWER_REFUSED =
  "a viewer then passes USING on some rows, but no rule's WITH CHECK admits a viewer, nor does the update-rules trigger: refused (42501) instead of no rows, both a refusal";
const VIEWER_FAILS_USING = "no rule's USING admits a viewer, and an update must pass USING before WITH CHECK is reached";
const ROLE_ONLY_INSIDE_ORGANIZATION =
  "only the role helper changes, and every table of this design is isolated by organization through rls.active_organization_id() (or, for select, rls.bypass_organization_id(), which reads the role itself), which still returns NULL for this principal: no row passes the firewall, so the role reaches nothing";
const RETURN_UNCHANGED = "the changed line sets a variable this function does not return (or returns only together with an organization that is NULL here)";

const saasCommon: Record<string, string> = {
  ...publicAddsNothing(...perCommandFirewall("projects"), "projects_select", "projects_insert", "projects_update", "projects_delete", ...perCommandFirewall("documents"), "documents_select", "documents_insert", "documents_update", "documents_delete"),
  "policy:documents_firewall_insert:withCheck-roles1-add-viewer": noRuleFor("viewer", "insert"),
  "policy:documents_firewall_update:using-roles1-add-viewer": noRuleFor("viewer", "update"),
  "policy:documents_firewall_update:withCheck-roles1-add-viewer": noRuleFor("viewer", "update"),
  "policy:documents_firewall_delete:using-roles1-add-viewer": noRuleFor("viewer", "delete"),
  "policy:documents_firewall_delete:using-roles1-add-member": noRuleFor("member", "delete"),
  "policy:documents_firewall_delete:using-drop-or-1": DELETE_ROLES_BYPASS,
  "policy:documents_firewall_delete:using-drop-or-1-and-2": DELETE_ROLES_BYPASS,
};

/** Helper mutants that change nothing where every table is isolated by organization and every rule names roles. */
const everyTableByOrganization: Record<string, string> = {
  "helper:active_organization_id:role-without-organization": RETURN_UNCHANGED,
  "helper:bypass_organization_id:role-without-organization": RETURN_UNCHANGED,
  "helper:active_organization_role:role-without-organization": ROLE_ONLY_INSIDE_ORGANIZATION,
  "helpers:role-without-organization": ROLE_ONLY_INSIDE_ORGANIZATION,
  "helper:active_organization_role:claim-of-any-type": ROLE_ONLY_INSIDE_ORGANIZATION,
};

const EXPLICIT: Record<string, Record<string, string>> = {
  todos: publicAddsNothing("todos_firewall", "todos_select", "todos_insert", "todos_update", "todos_delete"),
  // reviews has no signed-out access: the anonymous role holds no privilege on it.
  marketplace: {
    ...publicAddsNothing("reviews_firewall", "reviews_select", "reviews_insert", "reviews_delete", "products_insert", "products_update", "products_delete"),
    "table:reviews:revoke-update-signed-in": NO_UPDATE_RULE,
    "policy:products_select:to-public": "a signed-out visitor has no user id, so the seller part compares with NULL, and what is left (published = true) is their own select policy",
    "policy:products_select:using-boundary1-gte": "on a boolean, published >= true holds exactly when published = true",
    "policy:products_anonymous_select:to-public": "it adds the signed-in role, whose own select policy already admits every published product",
    "policy:products_anonymous_select:using-boundary1-gte": "on a boolean, published >= true holds exactly when published = true",
    "policy:reviews_firewall:check-true": "products are public, so every product that exists passes the parent firewall; a review of a product that does not exist is refused by the foreign key (23503), and reviews have no update rule",
  },
  documents: {
    ...publicAddsNothing("documents_firewall", "documents_select", "documents_insert", "documents_update", "documents_delete", "document_shares_firewall", "document_shares_select", "document_shares_insert", "document_shares_delete"),
    "table:document_shares:revoke-update-signed-in": NO_UPDATE_RULE,
    // Every table is isolated by organization (document_shares through its document), as in saas.
    ...everyTableByOrganization,
    "helper:bypass_organization_id:claim-of-any-type": "the bypass organization becomes the claim's JSON text, but the firewall's rls.active_organization_id() (unchanged) still returns NULL for a claim that is not a string, so no row passes",
  },
  tracker: {
    ...publicAddsNothing("projects_firewall", "projects_select", "projects_insert", "projects_update", "projects_delete", "tasks_firewall", "tasks_select", "tasks_insert", "tasks_update", "tasks_delete", "comments_firewall", "comments_select", "comments_insert", "comments_update", "comments_delete"),
    "helper:bypass_organization_id:role-without-organization": UNCALLED_HELPER,
    "helper:bypass_organization_id:claim-of-any-type": UNCALLED_HELPER,
    "helper:bypass_organization_id:bypass-ignores-role": UNCALLED_HELPER,
    "helper:active_organization_id:role-without-organization": RETURN_UNCHANGED,
    "helper:active_organization_role:role-without-organization": ROLE_ONLY_INSIDE_ORGANIZATION,
    "helpers:role-without-organization": ROLE_ONLY_INSIDE_ORGANIZATION,
    "helper:active_organization_role:claim-of-any-type": ROLE_ONLY_INSIDE_ORGANIZATION,
    "policy:projects_update:using-roles2-add-viewer": VIEWER_REFUSED,
    "policy:projects_update:withCheck-roles1-add-viewer": VIEWER_FAILS_USING,
    "policy:projects_update:withCheck-roles2-add-admin": "admin is admitted anything by the first rule already",
    "policy:tasks_update:using-drop-or-2-and-1": VIEWER_REFUSED,
    "policy:tasks_update:using-roles1-add-viewer": VIEWER_REFUSED,
    "policy:tasks_update:using-roles2-add-admin": "admin is admitted anything by the first rule already",
    "policy:tasks_update:withCheck-roles1-add-member": TRIGGER_CHECKS_RULES,
    "policy:tasks_update:withCheck-roles2-add-owner": "owner is admitted anything by the first rule already",
    "policy:tasks_update:withCheck-list1-widen": TRIGGER_CHECKS_RULES,
    "policy:projects_update:check-true": "its WITH CHECK names only roles, the same lists USING already requires of the row, and the update-rules trigger still requires some rule to admit the new row",
    "policy:projects_update:using-roles2-add-owner": "owner is admitted anything by the first rule already",
    "policy:projects_update:using-boundary1-lte": "on a boolean, closed <= false holds exactly when closed = false",
    "policy:projects_update:withCheck-roles2-add-viewer": VIEWER_FAILS_USING,
    "policy:tasks_update:using-roles2-add-viewer": "a viewer then passes USING on the tasks assigned to them, but WITH CHECK and the update-rules trigger admit no rule for viewer: refused (42501) instead of no rows, both a refusal",
    "policy:tasks_update:withCheck-drop-or-2-and-1": "USING already requires member (or owner, admin) of the row, so dropping the role from the second rule's WITH CHECK admits no one new; the update-rules trigger still checks each rule whole",
    "policy:tasks_update:withCheck-roles1-add-viewer": VIEWER_FAILS_USING,
    "policy:tasks_update:withCheck-roles2-add-admin": "admin is admitted anything by the first rule already",
    "policy:projects_update:using-drop-or-2-and-1": "a viewer then passes USING on open projects, but WITH CHECK names only owner, admin and member, and the update-rules trigger admits no rule for viewer: refused (42501) instead of no rows, both a refusal",
    "policy:projects_update:using-roles1-add-viewer": "a viewer then passes USING, but WITH CHECK and the update-rules trigger admit no rule for viewer: refused (42501) instead of no rows, both a refusal",
    "policy:projects_update:using-roles2-add-admin": "admin is admitted anything by the first rule already",
    "policy:projects_update:withCheck-roles1-add-member": "the second rule's WITH CHECK already admits member with no condition",
    "policy:projects_update:withCheck-roles2-add-owner": "owner is admitted anything by the first rule already",
    "policy:tasks_update:check-true": TRIGGER_CHECKS_RULES,
    "policy:tasks_update:withCheck-drop-or-2-and-2": TRIGGER_CHECKS_RULES,
    "policy:tasks_update:withCheck-roles2-add-viewer": VIEWER_FAILS_USING,
    "policy:tasks_update:using-roles2-add-owner": "owner is admitted anything by the first rule already",
  },
  blog: {
    ...publicAddsNothing("posts_insert", "posts_update", "posts_delete"),
    "policy:posts_anonymous_select:to-public": "it adds the signed-in role, whose own select policy is already USING (true) under the owner firewall",
    "policy:posts_anonymous_select:using-boundary1-gte": "on a boolean, published >= true holds exactly when published = true",
  },
  saas: {
    ...saasCommon,
    ...everyTableByOrganization,
    "helper:bypass_organization_id:claim-of-any-type": "the bypass organization is the list's JSON text, which no row of this design's organization columns may reach without the role helper, still NULL here",
    "helper:active_organization_id:claim-of-any-type": "the organization becomes the list's JSON text, but the role helper (unchanged) still sees no organization, and every rule of this design names roles",
  },
  "saas with tables tenancy and FORCE": {
    ...saasCommon,
    ...publicAddsNothing("members_firewall", "members_select", "user_sessions_firewall", "user_sessions_select", "user_sessions_insert", "user_sessions_update", "user_sessions_delete"),
    "policy:members_firewall:check-true": "the membership table has no insert or update rule, so WITH CHECK is never reached",
    "table:members:revoke-insert-signed-in": "the membership table has no insert rule: refused either way (42501)",
    "table:members:revoke-update-signed-in": "the membership table has no update rule: 0 rows or 42501, both a refusal",
    "table:members:revoke-delete-signed-in": "the membership table has no delete rule: 0 rows or 42501, both a refusal",
    "helper:active_organization_id:membership-of-any-organization": "the organization of a membership elsewhere counts, but the role helper (unchanged) requires the membership in that organization, and every rule of this design names roles",
    "helper:active_organization_role:membership-of-any-organization": "the role of a membership elsewhere counts, but the organization helper (unchanged) returns NULL without the membership, so no row passes the firewall",
    "helper:active_organization_id:active-organization-without-membership": "the organization counts, but the role helper (unchanged) still requires the membership, and every rule of this design names roles",
  },
  "conditions (tasks, announcements)": {
    ...publicAddsNothing(...perCommandFirewall("tasks"), "tasks_select", "tasks_insert", "tasks_update", "tasks_delete", "announcements_insert", "announcements_update", "announcements_delete"),
    "policy:tasks_firewall_delete:using-roles1-add-member": noRuleFor("member", "delete"),
    "policy:tasks_firewall_delete:using-drop-or-1": DELETE_ROLES_BYPASS,
    "policy:tasks_firewall_delete:using-drop-or-1-and-2": DELETE_ROLES_BYPASS,
    "policy:announcements_anonymous_select:to-public": "it adds the signed-in role, whose own select policy on this public table is already USING (true)",
    "helper:active_organization_id:role-without-organization": RETURN_UNCHANGED,
    "helper:bypass_organization_id:role-without-organization": RETURN_UNCHANGED,
    "helper:active_organization_id:claim-of-any-type": "the organization becomes the list's JSON text, but the role helper (unchanged) sees no organization, and every rule of the organization-isolated table names roles",
  },
};
