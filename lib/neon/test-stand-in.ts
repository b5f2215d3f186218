import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  EndpointPoolerMode,
  EndpointState,
  EndpointType,
  OperationAction,
  OperationStatus,
  type Branch,
  type BranchCreateRequest,
  type BranchesResponse,
  type BranchOperations,
  type BranchResponse,
  type ConnectionURIResponse,
  type ConnectionURIsOptionalResponse,
  type Database,
  type DatabasesResponse,
  type Endpoint,
  type EndpointsResponse,
  type GeneralError,
  type Operation,
  type OperationResponse,
  type OperationsResponse,
  type OrganizationsResponse,
  type ProjectListItem,
  type ProjectsResponse,
  type Role,
  type RolesResponse,
} from "@neondatabase/api-client";
import pg from "pg";
import { listenInRange } from "../db/test-ws-proxy";

/**
 * For tests: a local stand-in for the few Neon API endpoints RLS Designer uses, shaped by
 * `@neondatabase/api-client`'s types. Each branch is a real database on the local PostgreSQL
 * (a copy of its parent's), so what is applied to a "branch" really runs.
 */
export interface NeonStandInOptions {
  /** A superuser URL of the local server (127.0.0.1:5432), where branches become databases. */
  adminUrl: string;
  apiKey: string;
  /** The role password put in connection strings (the local server ignores it under trust auth). */
  password: string;
  /** How many looks at an operation find it still running; 2 unless given. */
  pollsUntilDone?: number;
  /** Make the endpoint's start fail. */
  failStart?: boolean;
  /** Answer GET /projects without org_id with 400, as for a personal key. */
  requireOrgId?: boolean;
}

export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export interface NeonStandIn {
  /** Give this as the api-client's baseURL. */
  baseURL: string;
  projectId: string;
  defaultBranchId: string;
  /** Every request that passed the API key check, in order. */
  requests: StandInRequest[];
  /** The local database behind a branch (also after the branch was deleted, until close). */
  databaseOf(branchId: string): string;
  /** Ids of the branches deleted through the API. */
  deleted: string[];
  branches(): Branch[];
  close(): Promise<void>;
}

const ROLE = "postgres";
const DATABASE = "neondb";

export async function startNeonStandIn(options: NeonStandInOptions): Promise<NeonStandIn> {
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const projectId = `stand-in-${randomUUID().slice(0, 8)}`;
  const now = () => new Date().toISOString();
  const id = (prefix: string) => `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 12)}`;

  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  const localDatabases = new Map<string, string>();
  const branches = new Map<string, Branch>();
  const endpoints = new Map<string, Endpoint>();
  const operations = new Map<string, { operation: Operation; looks: number }>();
  const requests: StandInRequest[] = [];
  const deleted: string[] = [];

  const localName = () => `rlsd_neon_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const makeBranch = (name: string, parentId: string | undefined, isDefault: boolean): Branch => ({
    id: id("br"),
    project_id: projectId,
    ...(parentId ? { parent_id: parentId } : {}),
    name,
    current_state: isDefault ? "ready" : "init",
    state_changed_at: now(),
    creation_source: "console",
    default: isDefault,
    protected: false,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    created_at: now(),
    updated_at: now(),
  });
  const makeEndpoint = (branchId: string): Endpoint => {
    const endpointId = id("ep");
    return {
      host: `${endpointId}.local.neon.stand-in`,
      id: endpointId,
      project_id: projectId,
      branch_id: branchId,
      autoscaling_limit_min_cu: 0.25,
      autoscaling_limit_max_cu: 0.25,
      region_id: "local",
      type: EndpointType.ReadWrite,
      current_state: EndpointState.Init,
      pending_state: EndpointState.Active,
      settings: {},
      pooler_enabled: false,
      pooler_mode: EndpointPoolerMode.Transaction,
      disabled: false,
      passwordless_access: false,
      creation_source: "console",
      created_at: now(),
      updated_at: now(),
      proxy_host: "local.neon.stand-in",
      suspend_timeout_seconds: 0,
      provisioner: "k8s-neonvm",
    };
  };
  const makeOperation = (action: OperationAction, branchId: string, endpointId?: string): Operation => ({
    id: randomUUID(),
    project_id: projectId,
    branch_id: branchId,
    ...(endpointId ? { endpoint_id: endpointId } : {}),
    action,
    status: OperationStatus.Running,
    failures_count: 0,
    created_at: now(),
    updated_at: now(),
    total_duration_ms: 0,
  });
  const databasesOf = (branchId: string): Database[] => [{ id: 1, branch_id: branchId, name: DATABASE, owner_name: ROLE, created_at: now(), updated_at: now() }];
  const rolesOf = (branchId: string): Role[] => [{ branch_id: branchId, name: ROLE, protected: false, created_at: now(), updated_at: now() }];
  const uriOf = (branchId: string) => `postgresql://${ROLE}:${options.password}@127.0.0.1:5432/${localDatabases.get(branchId)}?sslmode=require`;

  const main = makeBranch("main", undefined, true);
  branches.set(main.id, main);
  localDatabases.set(main.id, localName());
  await admin.query(`CREATE DATABASE "${localDatabases.get(main.id)}"`);

  const project: ProjectListItem = {
    id: projectId,
    platform_id: "aws",
    region_id: "local",
    name: "Stand-in project",
    provisioner: "k8s-neonvm",
    pg_version: 15,
    proxy_host: "local.neon.stand-in",
    branch_logical_size_limit: 0,
    branch_logical_size_limit_bytes: 0,
    store_passwords: true,
    active_time: 0,
    cpu_used_sec: 0,
    creation_source: "console",
    created_at: now(),
    updated_at: now(),
    owner_id: "stand-in-user",
  };

  /** CREATE DATABASE ... TEMPLATE waits for the parent's last connections to go. */
  async function copyDatabase(from: string, to: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${to}" TEMPLATE "${from}"`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function createBranch(body: BranchCreateRequest): Promise<[number, unknown]> {
    if (!body.endpoints?.some((e) => e.type === EndpointType.ReadWrite)) return error(400, "this stand-in only creates branches with a read_write endpoint");
    const parentId = body.branch?.parent_id ?? main.id;
    if (!branches.has(parentId)) return error(404, `branch ${parentId} not found`);
    const branch = makeBranch(body.branch?.name ?? id("br"), parentId, false);
    const endpoint = makeEndpoint(branch.id);
    localDatabases.set(branch.id, localName());
    await copyDatabase(localDatabases.get(parentId)!, localDatabases.get(branch.id)!);
    branches.set(branch.id, branch);
    endpoints.set(endpoint.id, endpoint);
    const ops = [makeOperation(OperationAction.CreateTimeline, branch.id), makeOperation(OperationAction.StartCompute, branch.id, endpoint.id)];
    for (const operation of ops) operations.set(operation.id, { operation, looks: 0 });
    const response: BranchResponse & EndpointsResponse & OperationsResponse & RolesResponse & DatabasesResponse & ConnectionURIsOptionalResponse = {
      branch,
      endpoints: [endpoint],
      operations: ops,
      roles: rolesOf(branch.id),
      databases: databasesOf(branch.id),
      connection_uris: [
        {
          connection_uri: uriOf(branch.id),
          connection_parameters: { database: DATABASE, password: options.password, role: ROLE, host: endpoint.host, pooler_host: endpoint.host },
        },
      ],
    };
    return [201, response];
  }

  /** Neon refuses to delete the default branch or a branch with children; otherwise the deletion is an operation to wait for. */
  function deleteBranch(branchId: string): [number, unknown] {
    const branch = branches.get(branchId);
    if (!branch) return error(404, `branch ${branchId} not found`);
    if (branch.default) return error(422, "cannot delete the project's default branch");
    if ([...branches.values()].some((b) => b.parent_id === branchId)) return error(422, "cannot delete a branch that has child branches");
    const operation = makeOperation(OperationAction.DeleteTimeline, branchId);
    operations.set(operation.id, { operation, looks: 0 });
    const response: BranchOperations = { branch, operations: [operation] };
    return [200, response];
  }

  async function lookAtOperation(opId: string): Promise<[number, unknown]> {
    const entry = operations.get(opId);
    if (!entry) return error(404, `operation ${opId} not found`);
    entry.looks++;
    if (entry.looks >= pollsUntilDone && entry.operation.status === OperationStatus.Running) {
      const failed = options.failStart && entry.operation.action === OperationAction.StartCompute;
      entry.operation = { ...entry.operation, status: failed ? OperationStatus.Failed : OperationStatus.Finished, updated_at: now(), ...(failed ? { error: "compute failed to start" } : {}) };
      if (entry.operation.action === OperationAction.DeleteTimeline) {
        // As on Neon, the branch goes once its deletion has finished; its data with it.
        const branchId = entry.operation.branch_id!;
        branches.delete(branchId);
        for (const endpoint of endpoints.values()) if (endpoint.branch_id === branchId) endpoints.delete(endpoint.id);
        await admin.query(`DROP DATABASE IF EXISTS "${localDatabases.get(branchId)}" WITH (FORCE)`);
        deleted.push(branchId);
        return [200, { operation: entry.operation } satisfies OperationResponse];
      }
      const branchOps = [...operations.values()].filter((o) => o.operation.branch_id === entry.operation.branch_id);
      if (branchOps.every((o) => o.operation.status === OperationStatus.Finished) && branches.has(entry.operation.branch_id!)) {
        const branch = branches.get(entry.operation.branch_id!)!;
        branches.set(branch.id, { ...branch, current_state: "ready" });
        for (const endpoint of endpoints.values()) {
          if (endpoint.branch_id === branch.id) endpoints.set(endpoint.id, { ...endpoint, current_state: EndpointState.Active, pending_state: undefined });
        }
      }
    }
    const response: OperationResponse = { operation: entry.operation };
    return [200, response];
  }

  async function route(method: string, path: string, query: Record<string, string>, body: unknown): Promise<[number, unknown]> {
    const parts = path.split("/").filter(Boolean);
    if (method === "GET" && path === "/projects") {
      if (options.requireOrgId && !query.org_id) return error(400, "org_id is required, you can find it on your organization settings page");
      const response: ProjectsResponse & { applications: object; integrations: object } = { projects: [project], applications: {}, integrations: {} };
      return [200, response];
    }
    if (method === "GET" && path === "/users/me/organizations") {
      const response: OrganizationsResponse = {
        organizations: [{ id: "org-stand-in", name: "Stand-in org", handle: "stand-in", plan: "free", created_at: now(), managed_by: "console", updated_at: now() }],
      };
      return [200, response];
    }
    if (parts[0] !== "projects" || parts[1] !== projectId) return error(404, `project ${parts[1] ?? ""} not found`);
    const rest = parts.slice(2);
    if (method === "GET" && rest.length === 1 && rest[0] === "branches") {
      const response: BranchesResponse & { annotations: object } = { branches: [...branches.values()], annotations: {} };
      return [200, response];
    }
    if (method === "POST" && rest.length === 1 && rest[0] === "branches") return createBranch((body ?? {}) as BranchCreateRequest);
    if (method === "GET" && rest.length === 3 && rest[0] === "branches" && rest[2] === "databases") {
      if (!branches.has(rest[1])) return error(404, `branch ${rest[1]} not found`);
      const response: DatabasesResponse = { databases: databasesOf(rest[1]) };
      return [200, response];
    }
    if (method === "GET" && rest.length === 3 && rest[0] === "branches" && rest[2] === "roles") {
      if (!branches.has(rest[1])) return error(404, `branch ${rest[1]} not found`);
      const response: RolesResponse = { roles: rolesOf(rest[1]) };
      return [200, response];
    }
    if (method === "DELETE" && rest.length === 2 && rest[0] === "branches") return deleteBranch(rest[1]);
    if (method === "GET" && rest.length === 2 && rest[0] === "operations") return lookAtOperation(rest[1]);
    if (method === "GET" && rest.length === 1 && rest[0] === "connection_uri") {
      const branchId = query.branch_id ?? main.id;
      if (!query.database_name || !query.role_name) return error(400, "database_name and role_name are required");
      if (!branches.has(branchId)) return error(404, `branch ${branchId} not found`);
      if (query.database_name !== DATABASE || query.role_name !== ROLE) return error(404, "no such database or role on this branch");
      const response: ConnectionURIResponse = { uri: uriOf(branchId) };
      return [200, response];
    }
    return error(404, `no stand-in for ${method} ${path}`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const send = ([status, body]: [number, unknown]) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const path = url.pathname.replace(/^\/api\/v2/, "");
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) return send(error(401, "authorization failed"));
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const query = Object.fromEntries(url.searchParams);
      requests.push({ method: req.method ?? "GET", path, query, ...(body === undefined ? {} : { body }) });
      send(await route(req.method ?? "GET", path, query, body));
    } catch (e) {
      send(error(500, e instanceof Error ? e.message : String(e)));
    }
  }
  const port = await listenInRange(server);

  return {
    baseURL: `http://127.0.0.1:${port}/api/v2`,
    projectId,
    defaultBranchId: main.id,
    requests,
    deleted,
    databaseOf: (branchId) => localDatabases.get(branchId)!,
    branches: () => [...branches.values()],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const name of localDatabases.values()) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

function error(status: number, message: string): [number, GeneralError] {
  return [status, { code: "", message }];
}
