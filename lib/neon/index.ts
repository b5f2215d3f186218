export { neonApi, neonCall, NeonApiError, NEON_API_DEFAULT_URL } from "./api";
export type { NeonApi, NeonApiOptions } from "./api";
export { createBranchWithEndpoint, connectionForBranch, defaultBranchName, deleteBranch } from "./branch";
export type { BranchConnection, CreateBranchOptions, NeonStep, NeonStepEvent } from "./branch";
export { listProjects, listBranches, listBranchDatabases } from "./list";
export type { ProjectChoice, BranchChoice, BranchDatabases } from "./list";
