import { EndpointType, OperationStatus, type Database as NeonDatabase, type Operation } from "@neondatabase/api-client";
import { type NeonApi, NeonApiError, neonCall } from "./api";

export type NeonStep = "create-branch" | "wait-endpoint" | "connection-string" | "delete-branch";

export interface NeonStepEvent {
  step: NeonStep;
  status: "running" | "done";
  detail: string;
}

/** A branch's database and the connection string of its read-write endpoint. */
export interface BranchConnection {
  projectId: string;
  branchId: string;
  branchName: string;
  databaseName: string;
  roleName: string;
  /** Holds the role's password: a secret. */
  connectionUri: string;
}

export interface CreateBranchOptions {
  projectId: string;
  /** The branch to copy; the project's default branch when absent. */
  parentBranchId?: string;
  branchName: string;
  /** The database to connect to and the role to connect as; the parent's `neondb` (or first database) and its owner unless given. */
  databaseName?: string;
  roleName?: string;
  onStep?: (event: NeonStepEvent) => void;
  /** Between two looks at the branch's operations; 1 s unless given. */
  pollIntervalMs?: number;
  /** How long the endpoint may take to start; 5 minutes unless given. */
  timeoutMs?: number;
}

/** Operation states after which nothing more happens. */
const SUCCEEDED = new Set<string>([OperationStatus.Finished, OperationStatus.Skipped]);
const FAILED = new Set<string>([OperationStatus.Failed, OperationStatus.Error, OperationStatus.Cancelling, OperationStatus.Cancelled]);

/** `rls/<design>-<yyyymmdd-hhmmss>` (UTC), e.g. `rls/acme-20260314-091500`. */
export function defaultBranchName(designName: string, now: Date = new Date()): string {
  const slug =
    designName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "design";
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `rls/${slug}-${stamp}`;
}

/**
 * Creates a branch with a read-write endpoint, waits until Neon has finished starting it, and
 * fetches the connection string of its database (the parent's `neondb`, or its first database,
 * as the database's owner).
 */
export async function createBranchWithEndpoint(api: NeonApi, options: CreateBranchOptions): Promise<BranchConnection> {
  const { projectId, parentBranchId, branchName } = options;
  const onStep = options.onStep ?? (() => {});

  onStep({ step: "create-branch", status: "running", detail: `creating branch ${branchName} from ${parentBranchId ?? "the default branch"}` });
  const created = await neonCall("create the branch", () =>
    api.createProjectBranch(projectId, {
      branch: { name: branchName, ...(parentBranchId ? { parent_id: parentBranchId } : {}) },
      endpoints: [{ type: EndpointType.ReadWrite }],
    }),
  );
  const branch = created.branch;
  const endpoint = created.endpoints.find((e) => e.type === EndpointType.ReadWrite);
  onStep({ step: "create-branch", status: "done", detail: `created branch ${branch.name} (${branch.id})` });

  onStep({ step: "wait-endpoint", status: "running", detail: `waiting for endpoint ${endpoint?.id ?? "(read-write)"} to start` });
  await waitForOperations(api, projectId, created.operations, options.pollIntervalMs ?? 1000, options.timeoutMs ?? 300_000);
  onStep({ step: "wait-endpoint", status: "done", detail: `endpoint ${endpoint?.id ?? "(read-write)"} is ready` });

  const database = chooseDatabase(created.databases, branch.name, options.databaseName);
  return fetchConnection(api, { projectId, branchId: branch.id, branchName: branch.name, database, roleName: options.roleName, onStep });
}

/** The connection string of an existing branch (the default one when no id is given), e.g. to plan against it. */
export async function connectionForBranch(
  api: NeonApi,
  options: { projectId: string; branchId?: string; databaseName?: string; roleName?: string; onStep?: (event: NeonStepEvent) => void },
): Promise<BranchConnection> {
  const { projectId } = options;
  const { branches } = await neonCall("list the project's branches", () => api.listProjectBranches({ projectId, limit: 1000 }));
  const branch = options.branchId ? branches.find((b) => b.id === options.branchId) : branches.find((b) => b.default);
  if (!branch) {
    throw new NeonApiError("find the branch", { status: 404, message: options.branchId ? `no branch ${options.branchId} in project ${projectId}` : `project ${projectId} has no default branch` });
  }
  const { databases } = await neonCall("list the branch's databases", () => api.listProjectBranchDatabases(projectId, branch.id));
  const database = chooseDatabase(databases, branch.name, options.databaseName);
  return fetchConnection(api, { projectId, branchId: branch.id, branchName: branch.name, database, roleName: options.roleName, onStep: options.onStep });
}

async function fetchConnection(
  api: NeonApi,
  args: { projectId: string; branchId: string; branchName: string; database: NeonDatabase; roleName?: string; onStep?: (event: NeonStepEvent) => void },
): Promise<BranchConnection> {
  const onStep = args.onStep ?? (() => {});
  const { projectId, branchId, branchName, database } = args;
  const roleName = args.roleName ?? database.owner_name;
  onStep({ step: "connection-string", status: "running", detail: `fetching the connection string of ${database.name} on ${branchName} as ${roleName}` });
  const { uri } = await neonCall("get the connection string", () => api.getConnectionUri({ projectId, branch_id: branchId, database_name: database.name, role_name: roleName }));
  onStep({ step: "connection-string", status: "done", detail: `connection string for ${database.name} on ${branchName}` });
  return { projectId, branchId, branchName, databaseName: database.name, roleName, connectionUri: uri };
}

function chooseDatabase(databases: readonly NeonDatabase[], branchName: string, wanted?: string): NeonDatabase {
  if (wanted !== undefined) {
    const named = databases.find((d) => d.name === wanted);
    if (!named) throw new NeonApiError("choose a database", { status: 404, message: `branch ${branchName} has no database ${wanted} (it has ${databases.map((d) => d.name).join(", ") || "none"})` });
    return named;
  }
  const database = databases.find((d) => d.name === "neondb") ?? databases[0];
  if (!database) throw new NeonApiError("choose a database", { message: `branch ${branchName} has no database; create one in the Neon console` });
  return database;
}

/** Deletes a branch and waits until Neon has finished: a rehearsal's child branch, once it has served. */
export async function deleteBranch(
  api: NeonApi,
  options: { projectId: string; branchId: string; branchName: string; onStep?: (event: NeonStepEvent) => void; pollIntervalMs?: number; timeoutMs?: number },
): Promise<void> {
  const onStep = options.onStep ?? (() => {});
  onStep({ step: "delete-branch", status: "running", detail: `deleting branch ${options.branchName} (${options.branchId})` });
  const { operations } = await neonCall("delete the branch", () => api.deleteProjectBranch({ projectId: options.projectId, branchId: options.branchId }));
  await waitForOperations(api, options.projectId, operations, options.pollIntervalMs ?? 1000, options.timeoutMs ?? 300_000, "delete the branch");
  onStep({ step: "delete-branch", status: "done", detail: `deleted branch ${options.branchName}` });
}

async function waitForOperations(
  api: NeonApi,
  projectId: string,
  operations: readonly Operation[],
  intervalMs: number,
  timeoutMs: number,
  action = "start the branch's endpoint",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = operations.filter((op) => !SUCCEEDED.has(op.status));
  while (open.length > 0) {
    const failed = open.find((op) => FAILED.has(op.status));
    if (failed) {
      throw new NeonApiError(action, { message: `operation ${failed.action} ${failed.status}${failed.error ? `: ${failed.error}` : ""}` });
    }
    if (Date.now() > deadline) {
      throw new NeonApiError(action, { code: "ETIMEDOUT", message: `still ${open.map((op) => `${op.action} ${op.status}`).join(", ")} after ${Math.round(timeoutMs / 1000)} s` });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await Promise.all(open.map((op) => neonCall("check the branch's operations", () => api.getProjectOperation(projectId, op.id))));
    open = next.map((r) => r.operation).filter((op) => !SUCCEEDED.has(op.status));
  }
}
