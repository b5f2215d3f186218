import { handleNeonBranchesRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { apiKey, projectId }: the project's branches, the default one first. */
export async function POST(request: Request): Promise<Response> {
  return handleNeonBranchesRequest(request);
}
