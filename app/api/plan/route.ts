import { guardApi } from "@/lib/apply/guard";
import { handlePlanRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination }: what applying would do, as JSON; see lib/apply/README.md. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handlePlanRequest(request));
