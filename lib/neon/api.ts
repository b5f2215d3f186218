import { createApiClient, type Api } from "@neondatabase/api-client";

export type NeonApi = Api<unknown>;

export interface NeonApiOptions {
  /** A Neon API key; sent as a Bearer token, never logged. */
  apiKey: string;
  /** The API's root, `https://console.neon.tech/api/v2` unless given (tests point it at a local stand-in). */
  baseURL?: string;
  /** Per request; 30 s unless given. */
  timeoutMs?: number;
}

export const NEON_API_DEFAULT_URL = "https://console.neon.tech/api/v2";

export function neonApi(options: NeonApiOptions): NeonApi {
  return createApiClient({ apiKey: options.apiKey, baseURL: options.baseURL ?? NEON_API_DEFAULT_URL, timeout: options.timeoutMs ?? 30_000 });
}

/**
 * A failed Neon API call: what was being done, the HTTP status and Neon's own message. Built from
 * the response only: the request (with its Authorization header) is never kept.
 */
export class NeonApiError extends Error {
  readonly status?: number;
  /** Neon's error code, or the network error's (ECONNREFUSED, ECONNABORTED for a timeout). */
  readonly code?: string;
  readonly action: string;

  constructor(action: string, details: { status?: number; code?: string; message: string }) {
    const status = details.status ? `HTTP ${details.status}: ` : "";
    super(`Neon API: could not ${action}: ${status}${details.message}`);
    this.name = "NeonApiError";
    this.action = action;
    this.status = details.status;
    this.code = details.code;
  }
}

interface AxiosLikeError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown };
}

/** Runs one API call and returns its body; any failure becomes a NeonApiError that carries no request details. */
export async function neonCall<T>(action: string, run: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await run()).data;
  } catch (error) {
    const e = (error ?? {}) as AxiosLikeError;
    if (!e.isAxiosError) throw new NeonApiError(action, { message: error instanceof Error ? error.message : String(error) });
    if (e.response) {
      const body = e.response.data as { message?: unknown; code?: unknown } | undefined;
      const message = typeof body?.message === "string" && body.message !== "" ? body.message : "no message";
      throw new NeonApiError(action, { status: e.response.status, code: typeof body?.code === "string" ? body.code : undefined, message });
    }
    const network = e.code === "ECONNABORTED" || e.code === "ETIMEDOUT" ? "no answer in time" : `cannot reach the API (${e.code ?? "network error"})`;
    throw new NeonApiError(action, { code: e.code, message: network });
  }
}
