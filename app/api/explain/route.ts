import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleExplainRequest } from "@/lib/apply/explain";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, destination, table, principal, operation }: one matrix cell explained row by row. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleExplainRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
