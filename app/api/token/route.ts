import { handleTokenRequest } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET: `{ ok, token }`, the token this server process wants on every API request; for its own page only (lib/apply/guard.ts). */
export function GET(request: Request): Response {
  return handleTokenRequest(request);
}

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
