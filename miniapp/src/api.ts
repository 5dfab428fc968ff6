import { hc, type ClientResponse, type InferResponseType } from "hono/client";
import type { actionRoutes } from "../../src/http/routes/api/actions";
import type { attachmentRoutes } from "../../src/http/routes/api/attachments";
import type { dashboardRoutes } from "../../src/http/routes/api/dashboard";
import type { rectificationRoutes } from "../../src/http/routes/api/rectifications";
import type { requestRoutes } from "../../src/http/routes/api/requests";
import type { supervisionRoutes } from "../../src/http/routes/api/supervision";
import type { viewRoutes } from "../../src/http/routes/api/views";
import type { authRoutes } from "../../src/http/routes/auth";
import type { calendarRoutes } from "../../src/http/routes/admin/calendar";
import type { policyRoutes } from "../../src/http/routes/admin/policies";
import type { ruleRoutes } from "../../src/http/routes/admin/rules";
import type { outboxRoutes } from "../../src/http/routes/admin/outbox";
import type { tokenRoutes } from "../../src/http/routes/admin/tokens";
import type { orgRoutes } from "../../src/http/routes/admin/org";
import type { orgWorkRoutes } from "../../src/http/routes/api/orgWork";

// Typed calls to the server (Hono RPC): the route definitions are the contract, so a changed route or body
// breaks `tsc -p miniapp/tsconfig.json` instead of the page.

let csrf = "";
export const setCsrf = (token: string | null) => {
  csrf = token ?? "";
};
const options = { headers: (): Record<string, string> => (csrf ? { "x-csrf-token": csrf } : {}) };

/** The headers every call carries (the CSRF token), for calls made without the typed client (uploads with progress). */
export const authHeaders = options.headers;

export const api = {
  auth: hc<ReturnType<typeof authRoutes>>("/api/auth", options),
  requests: hc<typeof requestRoutes>("/api", options),
  actions: hc<typeof actionRoutes>("/api", options),
  attachments: hc<typeof attachmentRoutes>("/api", options),
  rectifications: hc<typeof rectificationRoutes>("/api", options),
  views: hc<typeof viewRoutes>("/api", options),
  supervision: hc<typeof supervisionRoutes>("/api", options),
  dashboard: hc<typeof dashboardRoutes>("/api", options),
  rules: hc<typeof ruleRoutes>("/api/admin/rules", options),
  calendar: hc<typeof calendarRoutes>("/api/admin/calendar", options),
  policies: hc<typeof policyRoutes>("/api/admin/escalation-policies", options),
  tokens: hc<typeof tokenRoutes>("/api/admin/tokens", options),
  parked: hc<typeof outboxRoutes>("/api/admin/outbox", options),
  org: hc<typeof orgRoutes>("/api/admin/org", options),
  orgWork: hc<typeof orgWorkRoutes>("/api", options),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** a correct input, when the server gives one */
    readonly example?: string,
  ) {
    super(message);
  }
}

/** The body of a successful answer: the route's own JSON, not its `{error}` answers. */
export type Ok<R> = R extends ClientResponse<infer T, number, string> ? (T extends { error: unknown } ? never : T) : never;

/** The JSON of a response, or an ApiError carrying the server's Chinese message (and example). */
export async function read<R extends ClientResponse<unknown, number, string>>(res: Promise<R> | R): Promise<Ok<R>> {
  const r = await res;
  const body = (await r.json().catch(() => ({}))) as { error?: { message?: string; example?: string } };
  if (!r.ok) throw new ApiError(r.status, body.error?.message ?? `请求失败（${r.status}）`, body.error?.example);
  return body as Ok<R>;
}

/** What a refusal says, in Chinese. */
export const messageOf = (e: unknown, fallback = "操作失败，请重试。") => (e instanceof ApiError ? e.message : fallback);

// The shapes the pages show, as the routes answer them.
export type Me = Ok<Awaited<ReturnType<typeof api.requests.me.$get>>>;
export type RequestDetail = InferResponseType<(typeof api.requests.requests)[":number"]["$get"], 200>;
export type DetailTask = RequestDetail["tasks"][number];
export type Action = RequestDetail["actions"][number];
export type Department = InferResponseType<typeof api.views.departments.$get, 200>["items"][number];
export type Person = InferResponseType<(typeof api.views.departments)[":code"]["people"]["$get"], 200>["items"][number];
export type SupervisionItem = InferResponseType<typeof api.supervision.supervision.$get, 200>["items"][number];
export type SearchItem = InferResponseType<typeof api.supervision.supervision.search.$get, 200>["items"][number];
export type ApiToken = InferResponseType<typeof api.tokens.index.$get, 200>["items"][number];
export type ParkedMessage = InferResponseType<typeof api.parked.parked.$get, 200>["items"][number];
export type Delegation = InferResponseType<typeof api.orgWork.delegations.$get, 200>["given"][number];
export type HandoverPreview = InferResponseType<(typeof api.orgWork.handover)[":openId"]["$get"], 200>;
export type Attachment = InferResponseType<(typeof api.attachments.requests)[":number"]["attachments"]["$get"], 200>["items"][number];
export type Plan = InferResponseType<typeof api.requests.requests.preview.$post, 200>;
/** The 晾晒 answers: figures per department, the ranking, the weekly trends and the tasks behind a figure. */
export interface Dashboard {
  figures: InferResponseType<typeof api.dashboard.dashboard.figures.$get, 200>;
  ranking: InferResponseType<typeof api.dashboard.dashboard.ranking.$get, 200>;
  trends: InferResponseType<typeof api.dashboard.dashboard.trends.$get, 200>;
  tasks: InferResponseType<typeof api.dashboard.dashboard.tasks.$get, 200>;
}

let departments: Promise<Department[]> | null = null;
/** Every department in use (for choosers); asked once per page load. */
export function allDepartments(): Promise<Department[]> {
  departments ??= read(api.views.departments.$get()).then((r) => r.items);
  departments.catch(() => (departments = null));
  return departments;
}

let categories: Promise<string[]> | null = null;
/** The categories rules name and requests have used, as suggestions (free text stays allowed). */
export function allCategories(): Promise<string[]> {
  categories ??= read(api.views.categories.$get()).then((r) => r.items);
  categories.catch(() => (categories = null));
  return categories;
}
