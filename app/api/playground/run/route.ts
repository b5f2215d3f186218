import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handlePlaygroundRun } from "@/lib/playground/handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { design, principal, sql }: one statement run as the principal on the embedded database, rolled back. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handlePlaygroundRun(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
