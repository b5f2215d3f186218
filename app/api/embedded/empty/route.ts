import { handleEmptyEmbeddedRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST (no body): empties the server's embedded database so a changed design can be applied afresh. */
export async function POST(request: Request): Promise<Response> {
  return handleEmptyEmbeddedRequest(request);
}
