import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleApplyRequest } from "@/lib/apply/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination, confirmDestructive?, rehearsal?, dropForeignPolicies? }: plan, apply, verify, streamed as NDJSON events; see lib/apply/README.md. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleApplyRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
