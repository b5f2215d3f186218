import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleNeonBranchesRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { apiKey, projectId }: the project's branches, the default one first. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleNeonBranchesRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
