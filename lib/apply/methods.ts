import { errorResponse } from "./http";

/**
 * The methods a route of app/api may be asked for and answer with a body. HEAD is left to Next:
 * its answer carries no body whatever we return (for /api/token it is the GET without one).
 */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type ApiMethod = (typeof METHODS)[number];

type Refuser = (request: Request) => Response;

/**
 * Handlers for every method a route does not serve: the API's usual JSON error (405
 * `method-not-allowed`, with `Allow`), where Next would answer an empty 405 that the page and
 * scripts cannot read. Nothing is checked or done first: the answer reveals and changes nothing.
 *
 *   export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
 */
export function otherMethods<Served extends ApiMethod>(served: Served): Record<Exclude<ApiMethod, Served>, Refuser> {
  const refuse: Refuser = (request) => {
    const response = errorResponse(405, "method-not-allowed", `this route answers ${served} only, not ${request.method}`);
    response.headers.set("allow", served);
    return response;
  };
  return Object.fromEntries(METHODS.filter((method) => method !== served).map((method) => [method, refuse])) as Record<Exclude<ApiMethod, Served>, Refuser>;
}
