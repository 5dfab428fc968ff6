import { hc } from "hono/client";
import type { actionRoutes } from "../../src/http/routes/api/actions";
import type { requestRoutes } from "../../src/http/routes/api/requests";
import type { viewRoutes } from "../../src/http/routes/api/views";

// Typed calls to the server (Hono RPC): the route definitions are the contract.

let csrf = "";
export const setCsrf = (token: string | null) => {
  csrf = token ?? "";
};
const options = { headers: (): Record<string, string> => (csrf ? { "x-csrf-token": csrf } : {}) };

export const api = {
  requests: hc<typeof requestRoutes>("/api", options),
  actions: hc<typeof actionRoutes>("/api", options),
  views: hc<typeof viewRoutes>("/api", options),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON of a response, or an ApiError carrying the server's Chinese message. */
export async function read<T>(res: Promise<Response> | Response): Promise<T> {
  const r = await res;
  const body = (await r.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!r.ok) throw new ApiError(r.status, body.error?.message ?? `请求失败（${r.status}）`);
  return body as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return read<T>(fetch(url, { method: "POST", headers: { "content-type": "application/json", ...options.headers() }, body: JSON.stringify(body) }));
}
