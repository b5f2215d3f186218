import type { Client } from "pg";

/**
 * 1,000,000 rows per table: 1,000 organizations of 10 users each (10,000 users), so one tenant
 * holds 1,000 rows and one user 100. Rows of one tenant or user are spread over the whole table
 * (row g belongs to organization g % 1000), as they are when many tenants write at once, so
 * neither side of a comparison gets a conveniently clustered heap.
 */
export const ROWS = 1_000_000;
export const ORGANIZATIONS = 1_000;
export const USERS_PER_ORGANIZATION = 10;

const ORG_OF_G = `'org_' || (g % ${ORGANIZATIONS})`;
const USER_OF_G = `'user_' || ((g % ${ORGANIZATIONS}) * ${USERS_PER_ORGANIZATION} + (g / ${ORGANIZATIONS}) % ${USERS_PER_ORGANIZATION})`;

export function organizationId(org: number): string {
  return `org_${org}`;
}

/** The `nth` (0-based) user of organization `org`, as the loader numbers them. */
export function userId(org: number, nth: number): string {
  return `user_${org * USERS_PER_ORGANIZATION + nth}`;
}

const LOADS: readonly string[] = [
  `INSERT INTO public."todos" ("user_id", "task")
     SELECT ${USER_OF_G}, 'task ' || g FROM generate_series(0, ${ROWS - 1}) AS g`,
  `INSERT INTO public."projects" ("organization_id", "name")
     SELECT ${ORG_OF_G}, 'project ' || g FROM generate_series(0, ${ROWS - 1}) AS g`,
  `INSERT INTO public."documents" ("organization_id", "user_id", "title")
     SELECT ${ORG_OF_G}, ${USER_OF_G}, 'document ' || g FROM generate_series(0, ${ROWS - 1}) AS g`,
  // One task per project, so a tenant's 1,000 projects hold its 1,000 tasks.
  `INSERT INTO public."tasks" ("project_id", "title") SELECT "id", 'task of ' || "name" FROM public."projects"`,
  `INSERT INTO public."files" ("id", "organization_id", "title")
     SELECT g, ${ORG_OF_G}, 'file ' || g FROM generate_series(0, ${ROWS - 1}) AS g`,
  // Each file shared with one user of its own organization: 100 files per user.
  `INSERT INTO public."file_shares" ("file_id", "user_id")
     SELECT g, ${USER_OF_G} FROM generate_series(0, ${ROWS - 1}) AS g`,
];

/** Fills the tables (as the superuser, so RLS does not apply) and refreshes the planner's statistics. */
export async function loadRows(client: Client): Promise<void> {
  for (const sql of LOADS) await client.query(sql);
  // Fresh statistics and a visibility map, as a long-lived table would have: without them the
  // planner guesses and index-only paths are not possible.
  await client.query("VACUUM ANALYZE");
}
