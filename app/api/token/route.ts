import { handleTokenRequest } from "@/lib/apply/guard";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET: `{ ok, token }`, the token this server process wants on every API request; for its own page only (lib/apply/guard.ts). */
export function GET(request: Request): Response {
  return handleTokenRequest(request);
}
