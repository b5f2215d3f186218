import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleVerifyCurrentRequest } from "@/lib/import/verify-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { source, schema?, design }: the source's own policies verified against the design, streamed as NDJSON; see lib/import/verify-server.ts. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleVerifyCurrentRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
