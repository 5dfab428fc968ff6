import type { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { ImportReportSchema } from "./schemas";

// The OpenAPI 3.1 document of the JSON API, built from the routes as registered: every route's validators and
// `describe(...)` middleware carry their part (see validation.ts), so the document cannot drift from the code.

export const OPENAPI = Symbol.for("xietong.openapi");

export type Auth = "session" | "admin" | "public";

export interface ResponseDoc {
  description: string;
  /** documents the shape; tests check real answers against it */
  schema?: z.ZodType;
  example?: unknown;
}

export interface OperationPart {
  info?: {
    summary: string;
    description?: string;
    tag: string;
    auth: Auth;
    /** what each path parameter means */
    params?: Record<string, string>;
    responses?: Record<number, ResponseDoc>;
  };
  body?: { schema: z.ZodType; example: unknown };
  query?: { schema: z.ZodObject; example: string };
  path?: { schema: z.ZodObject; example: string };
}

export const TAGS: Array<{ name: string; description: string }> = [
  { name: "登录", description: "小程序登录：平台授权码换会话（HttpOnly Cookie），写操作须带 x-csrf-token。" },
  { name: "视图", description: "待办、我发起的、部门收件与发件、事项详情、部门间晾晒看板。" },
  { name: "操作", description: "与聊天命令相同的命令与权限：审批、签收、退回、转办、补正、办结、评价等。" },
  { name: "督办", description: "督查人员：督办清单（各部门超期与督办中的任务）、下达督办意见（加急通知承办部门负责人）、办结后重新督办。" },
  { name: "晾晒", description: "督查、管理员与部门负责人：各部门数字与定义、按量修正的排名、各周趋势、数字背后的任务、CSV 导出、月度通报。" },
  { name: "附件", description: "事项、补充、补正、办结结果与整改所附的文件：上传（按内容检查类型与大小）、列表、下载（留痕）。" },
  { name: "组织", description: "部门与人员，用于转办、指定经办人等选择。" },
  { name: "管理", description: "管理员：导入组织、路由试算、搁置消息重发。需要 admin 角色的访问令牌。" },
  { name: "运维", description: "健康检查、就绪检查（/readyz）与监控指标（/metrics）。" },
];

/** The shared error answer. */
export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "机器可读的错误码，如 invalid_input、forbidden、not_found、invalid_state" }),
    message: z.string().meta({ description: "给人看的中文说明" }),
    example: z.string().optional().meta({ description: "一个正确的输入示例" }),
    candidates: z.array(z.object({ code: z.string(), name: z.string() })).optional().meta({ description: "部门不明确或不存在时的候选部门" }),
    report: ImportReportSchema.optional().meta({ description: "导入未执行时：每一项的结果，rejected 列出被拒绝的项及原因" }),
  }),
});

type Schema = Record<string, unknown>;

const jsonSchema = (s: z.ZodType, io: "input" | "output"): Schema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Schema;
  return rest;
};

const STANDARD_ERRORS: Record<number, string> = {
  400: "输入有误：说明哪里不对，并给出正确示例",
  401: "未登录或令牌无效",
  403: "无权进行此操作（或 CSRF 令牌缺失）",
  404: "不存在，或您无权查看（两者答复相同，不泄露涉密事项）",
  409: "状态已变化：例如已被他人签收、审批",
  422: "业务规则不允许",
};

/** Hono path → OpenAPI path and its parameters: `/tasks/:id` → `/tasks/{id}`; `:d{a|b}` becomes an enum. */
function convertPath(path: string): { path: string; params: Array<{ name: string; values?: string[]; pattern?: string }> } {
  const params: Array<{ name: string; values?: string[]; pattern?: string }> = [];
  const converted = path.replace(/:(\w+)(\{(.*?)\})?(?=\/|$)/g, (_m, name: string, _p, pattern: string | undefined) => {
    if (pattern && /^[\w|-]+$/.test(pattern)) params.push({ name, values: pattern.split("|") });
    else if (pattern) params.push({ name, pattern: `^${pattern}$` });
    else params.push({ name });
    return `{${name}}`;
  });
  return { path: converted, params };
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: typeof TAGS;
  paths: Record<string, Record<string, Operation>>;
  components: Schema;
}

export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

/** One route of the API with its documentation parts merged (validators and `describe`). */
export interface CollectedOperation {
  method: string;
  /** Hono's path, e.g. /api/tasks/:id{[0-9]+}/return */
  path: string;
  part: OperationPart;
}

/** The operations endpoints documented beside the API. */
const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Every route under /api (and /healthz, /readyz, /metrics) of an app, in registration order, with what documents it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function collectOperations(app: Hono<any, any, any>): CollectedOperation[] {
  const ops = new Map<string, { method: string; path: string; parts: OperationPart[] }>();
  for (const r of app.routes) {
    if (r.method === "ALL" || !(r.path.startsWith("/api/") || OPS_PATHS.has(r.path))) continue;
    const key = `${r.method} ${r.path}`;
    const op = ops.get(key) ?? { method: r.method.toLowerCase(), path: r.path, parts: [] };
    const part = (r.handler as { [OPENAPI]?: OperationPart })[OPENAPI];
    if (part && !op.parts.includes(part)) op.parts.push(part);
    ops.set(key, op);
  }
  return [...ops.values()].map(({ method, path, parts }) => ({ method, path, part: Object.assign({}, ...parts) as OperationPart }));
}

/** Builds the document from an app's registered routes (those under /api, plus /healthz). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function openApiDocument(app: Hono<any, any, any>, version = "0.1.0"): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const { method, path, part: merged } of collectOperations(app)) {
    const { path: apiPath, params } = convertPath(path);
    const info = merged.info;
    const validated = merged.path ? ((jsonSchema(merged.path.schema, "input") as { properties?: Record<string, Schema> }).properties ?? {}) : {};
    const parameters: Schema[] = params.map((p) => ({
      name: p.name,
      in: "path",
      required: true,
      description: info?.params?.[p.name],
      schema: validated[p.name] ?? (p.values ? { type: "string", enum: p.values } : p.pattern ? { type: "string", pattern: p.pattern } : { type: "string" }),
    }));
    if (merged.query) {
      const qs = jsonSchema(merged.query.schema, "input") as { properties?: Record<string, Schema>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({ name, in: "query", required: qs.required?.includes(name) ?? false, description, schema: rest });
      }
    }
    const responses: Record<string, Schema> = {};
    const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
    for (const [status, r] of Object.entries(info?.responses ?? { 200: { description: "成功" } })) {
      responses[status] = {
        description: r.description,
        ...(r.schema || r.example !== undefined
          ? { content: { "application/json": { ...(r.schema ? { schema: jsonSchema(r.schema, "output") } : {}), ...(r.example !== undefined ? { example: r.example } : {}) } } }
          : Number(status) >= 400
            ? { content: errorContent }
            : {}),
      };
    }
    const errors = [
      // Every address under /api is checked for broken encoding and NUL bytes (middleware/clean-url.ts).
      ...(merged.body || merged.query || merged.path || path.startsWith("/api/") ? [400] : []),
      ...(info?.auth && info.auth !== "public" ? [401, 403] : []),
      ...(params.length > 0 ? [404] : []),
      ...(method === "post" && (info?.tag === "操作" || info?.tag === "督办") ? [409, 422] : []),
    ];
    for (const s of errors) responses[String(s)] ??= { description: STANDARD_ERRORS[s], content: errorContent };
    const operation: Operation = {
      operationId: `${method}${apiPath.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ""))}`,
      ...(info ? { summary: info.summary } : {}),
      ...(info?.description ? { description: info.description } : {}),
      tags: [info?.tag ?? "未分类"],
      ...(info ? { security: info.auth === "session" ? [{ session: [], csrf: [] }, { bearer: [] }] : info.auth === "admin" ? [{ bearer: [] }] : [] } : {}),
      parameters,
      ...(merged.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(merged.body.schema, "input"), example: merged.body.example } } } }
        : {}),
      responses,
    };
    (paths[apiPath] ??= {})[method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "协同 xietong API",
      version,
      description:
        "跨部门协同事项的 JSON 接口：小程序用它，其他系统也可以用它对接。所有错误都以 {error:{code,message}} 返回，message 为中文，输入有误时附正确示例。时间均为 ISO 8601（含时区）。",
    },
    tags: TAGS,
    paths,
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "xt_session", description: "小程序登录后的会话 Cookie（POST /api/auth/code 签发）" },
        csrf: { type: "apiKey", in: "header", name: "x-csrf-token", description: "用会话登录时，写操作须带登录返回的 csrfToken" },
        bearer: { type: "http", scheme: "bearer", description: "访问令牌（npm run token 签发）：绑定到人员的令牌可调用人员接口，admin 令牌可调用管理接口" },
      },
      schemas: { Error: jsonSchema(ErrorSchema, "output") },
    },
  };
}

const METHOD_COLOURS: Record<string, string> = { get: "#1f7a4d", post: "#2456a6", put: "#8a5a00", delete: "#a12a2a" };

/** A readable page of the document, rendered on the server (no scripts, nothing fetched from elsewhere). */
export function renderDocsPage(doc: OpenApiDocument) {
  const byTag = new Map<string, Array<{ path: string; method: string; op: Operation }>>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const list = byTag.get(op.tags[0]!) ?? [];
      list.push({ path, method, op });
      byTag.set(op.tags[0]!, list);
    }
  }
  const pretty = (v: unknown) => JSON.stringify(v, null, 2);
  const auth = (op: Operation) =>
    !op.security || op.security.length === 0 ? "无需登录" : op.security.some((s) => "session" in s) ? "会话（写操作带 x-csrf-token）或人员令牌" : "admin 访问令牌";
  const sections = doc.tags
    .filter((t) => byTag.has(t.name))
    .map(
      (t) => html`<section>
        <h2 id="${t.name}">${t.name}</h2>
        <p class="muted">${t.description}</p>
        ${byTag.get(t.name)!.map(
          ({ path, method, op }) => html`<details id="${op.operationId}">
            <summary><span class="m" style="background:${METHOD_COLOURS[method] ?? "#555"}">${method.toUpperCase()}</span> <code>${path}</code> ${op.summary ?? ""}</summary>
            ${op.description ? html`<p>${op.description}</p>` : ""}
            <p class="muted">认证：${auth(op)}</p>
            ${op.parameters.length
              ? html`<table>
                  <tr><th>参数</th><th>位置</th><th>必填</th><th>说明</th><th>类型</th></tr>
                  ${op.parameters.map(
                    (p) => html`<tr><td><code>${String(p.name)}</code></td><td>${p.in === "path" ? "路径" : "查询"}</td><td>${p.required ? "是" : "否"}</td><td>${String(p.description ?? "")}</td><td><code>${JSON.stringify(p.schema)}</code></td></tr>`,
                  )}
                </table>`
              : ""}
            ${op.requestBody
              ? html`<h4>请求体</h4><pre>${pretty((op.requestBody as { content: Record<string, { schema: unknown }> }).content["application/json"]!.schema)}</pre>
                  <h4>示例</h4><pre>${pretty((op.requestBody as { content: Record<string, { example: unknown }> }).content["application/json"]!.example)}</pre>`
              : ""}
            <h4>应答</h4>
            <ul>
              ${Object.entries(op.responses).map(([status, r]) => {
                const content = (r.content as Record<string, { schema?: unknown; example?: unknown }> | undefined)?.["application/json"];
                const schema = content?.schema && !("$ref" in (content.schema as object)) ? content.schema : undefined;
                return html`<li>
                  <b>${status}</b> ${String(r.description)}
                  ${schema ? html`<details class="schema"><summary>结构</summary><pre>${pretty(schema)}</pre></details>` : ""}
                  ${content?.example !== undefined ? html`<pre>${pretty(content.example)}</pre>` : ""}
                </li>`;
              })}
            </ul>
          </details>`,
        )}
      </section>`,
    );
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${doc.info.title}</title>
        <style>
          body { font-family: system-ui, "WenQuanYi Micro Hei", sans-serif; max-width: 960px; margin: 0 auto; padding: 16px; color: #1d2129; }
          h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #e5e6eb; padding-bottom: 4px; margin-top: 28px; }
          details.schema { border: none; padding: 0; margin: 2px 0; }
          details { border: 1px solid #e5e6eb; border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
          summary { cursor: pointer; } .m { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
          pre { background: #f7f8fa; padding: 8px; overflow: auto; font-size: 12px; } table { border-collapse: collapse; font-size: 13px; }
          td, th { border: 1px solid #e5e6eb; padding: 4px 6px; text-align: left; vertical-align: top; } .muted { color: #86909c; }
        </style>
      </head>
      <body>
        <h1>${doc.info.title} <small class="muted">v${doc.info.version}</small></h1>
        <p>${doc.info.description}</p>
        <p>机器可读的文档：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1）。</p>
        <nav>${doc.tags.filter((t) => byTag.has(t.name)).map((t) => html`<a href="#${t.name}">${t.name}</a> `)}</nav>
        ${sections}
      </body>
    </html>`;
}
