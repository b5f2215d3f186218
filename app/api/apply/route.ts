import { guardApi } from "@/lib/apply/guard";
import { handleApplyRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination, confirmDestructive? }: plan, apply, verify, streamed as NDJSON events; see lib/apply/README.md. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleApplyRequest(request));
