import { handlePlanRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination }: what applying would do, as JSON; see lib/apply/README.md. */
export async function POST(request: Request): Promise<Response> {
  return handlePlanRequest(request);
}
