import { handleApplyRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination, confirmDestructive? }: plan, apply, verify, streamed as NDJSON events; see lib/apply/README.md. */
export async function POST(request: Request): Promise<Response> {
  return handleApplyRequest(request);
}
