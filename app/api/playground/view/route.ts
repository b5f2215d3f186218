import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handlePlaygroundView } from "@/lib/playground/handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, principal }: each table's sample rows with what the principal may do, on the embedded database, rolled back. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handlePlaygroundView(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
