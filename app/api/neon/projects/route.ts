import { handleNeonProjectsRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { apiKey }: the Neon projects the key can see. */
export async function POST(request: Request): Promise<Response> {
  return handleNeonProjectsRequest(request);
}
