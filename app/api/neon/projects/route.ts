import { guardApi } from "@/lib/apply/guard";
import { handleNeonProjectsRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { apiKey }: the Neon projects the key can see. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleNeonProjectsRequest(request));
