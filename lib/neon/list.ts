import { type NeonApi, NeonApiError, neonCall } from "./api";

export interface ProjectChoice {
  id: string;
  name: string;
  regionId: string;
  orgName?: string;
}

export interface BranchChoice {
  id: string;
  name: string;
  /** The project's default branch (what a new branch starts from when no parent is given). */
  isDefault: boolean;
  parentId?: string;
  state: string;
}

/**
 * The projects the key can see, for a picker. A personal key may have to name an organization,
 * so when listing without one is refused, this lists each of the user's organizations instead.
 */
export async function listProjects(api: NeonApi): Promise<ProjectChoice[]> {
  try {
    const { projects } = await neonCall("list projects", () => api.listProjects({ limit: 400 }));
    return projects.map(toChoice);
  } catch (error) {
    if (!(error instanceof NeonApiError) || error.status === undefined || error.status === 401 || error.status >= 500) throw error;
    const { organizations } = await neonCall("list your organizations", () => api.getCurrentUserOrganizations()).catch(() => {
      throw error;
    });
    const lists = await Promise.all(
      organizations.map((org) => neonCall(`list the projects of ${org.name}`, () => api.listProjects({ limit: 400, org_id: org.id }))),
    );
    return lists.flatMap((list) => list.projects.map(toChoice));
  }
}

function toChoice(p: { id: string; name: string; region_id: string; org_name?: string }): ProjectChoice {
  return { id: p.id, name: p.name, regionId: p.region_id, ...(p.org_name ? { orgName: p.org_name } : {}) };
}

/** The project's branches, the default one first. */
export async function listBranches(api: NeonApi, projectId: string): Promise<BranchChoice[]> {
  const { branches } = await neonCall("list the project's branches", () => api.listProjectBranches({ projectId, limit: 1000, sort_by: "name", sort_order: "asc" }));
  return branches
    .map((b) => ({ id: b.id, name: b.name, isDefault: b.default, state: b.current_state, ...(b.parent_id ? { parentId: b.parent_id } : {}) }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

export interface BranchDatabases {
  /** Each database with its owner, `neondb` first when there is one. */
  databases: { name: string; ownerName: string }[];
  roles: string[];
}

/** A branch's databases and roles, for the connected branch's pickers. */
export async function listBranchDatabases(api: NeonApi, projectId: string, branchId: string): Promise<BranchDatabases> {
  const [{ databases }, { roles }] = await Promise.all([
    neonCall("list the branch's databases", () => api.listProjectBranchDatabases(projectId, branchId)),
    neonCall("list the branch's roles", () => api.listProjectBranchRoles(projectId, branchId)),
  ]);
  return {
    databases: databases.map((d) => ({ name: d.name, ownerName: d.owner_name })).sort((a, b) => Number(b.name === "neondb") - Number(a.name === "neondb")),
    roles: roles.map((r) => r.name),
  };
}
