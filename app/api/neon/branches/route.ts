import { guardApi } from "@/lib/apply/guard";
import { handleNeonBranchesRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { apiKey, projectId }: the project's branches, the default one first. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleNeonBranchesRequest(request));
