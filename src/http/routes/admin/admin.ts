import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { orgImporter } from "../../../commands/orgImporter";
import { planRequest } from "../../../commands/requestPlanner";
import { PRIORITIES } from "../../../domain/types";
import { listParked, retryParked } from "../../../jobs/outboxDelivery";
import { presentParked } from "../../../presenters/outbox";
import { presentPlan } from "../../../presenters/plan";
import type { AppEnv } from "../../env";
import { errorBody, invalidInput } from "../../errors";
import { bearerAuth } from "../../middleware/bearer-auth";

const dryRunBody = z.object({
  text: z.string().trim().min(1, "text 不能为空：填写 /发起 之后的内容"),
  fromDepartment: z.string().trim().min(1, "fromDepartment 不能为空：填写发起部门编码"),
  category: z.string().trim().min(1).optional(),
  priority: z.enum(PRIORITIES).optional(),
  submittedAt: z.iso.datetime({ offset: true, message: "submittedAt 须为 ISO 时间，例如 2026-09-30T10:00:00+08:00" }).optional(),
});
const DRY_RUN_EXAMPLE = `{"text":"@市监局 核查某公司营业执照 截止:3个工作日","fromDepartment":"dh-binjiang"}`;

/** Admin API: configuration in, routing answers out. */
export const adminRoutes = new Hono<AppEnv>()
  .use("*", bearerAuth({ roles: ["admin"] }))
  .post("/import", async (c) => {
    const body = await readJson(c.req.raw);
    if (body === undefined) return c.json(errorBody("invalid_json", "请求体不是合法的 JSON。"), 400);
    const report = await runCommand(c.get("deps"), c.get("actor"), orgImporter, body);
    return c.json(report, 200);
  })
  .post("/routing/dry-run", async (c) => {
    const raw = await readJson(c.req.raw);
    if (raw === undefined) return c.json(errorBody("invalid_json", "请求体不是合法的 JSON。", { example: DRY_RUN_EXAMPLE }), 400);
    const parsed = dryRunBody.safeParse(raw);
    if (!parsed.success) return invalidInput(c, parsed.error, DRY_RUN_EXAMPLE);
    const deps = c.get("deps");
    const { submittedAt, ...rest } = parsed.data;
    const plan = await planRequest(deps, deps.db.kysely, { ...rest, submittedAt: submittedAt ? new Date(submittedAt) : undefined });
    return c.json(presentPlan(plan));
  });

/** Messages the platform kept refusing: an admin sees why and puts them back in the queue. */
export const outboxRoutes = new Hono<AppEnv>()
  .use("*", bearerAuth({ roles: ["admin"] }))
  .get("/parked", async (c) => {
    const rows = await listParked(c.get("deps"));
    return c.json({ items: rows.map(presentParked) });
  })
  .post("/:id/retry", async (c) => {
    const id = Number(c.req.param("id"));
    if (!Number.isInteger(id) || !(await retryParked(c.get("deps"), id))) {
      return c.json(errorBody("not_found", `没有编号为 ${c.req.param("id")} 的搁置消息。`), 404);
    }
    return c.json({ ok: true });
  });

async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return undefined;
  }
}
