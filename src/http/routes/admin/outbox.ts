import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { parkedMessageDiscarder } from "../../../commands/parkedMessageDiscarder";
import { parkedMessageRetrier } from "../../../commands/parkedMessageRetrier";
import { listParked } from "../../../db/repositories/outbox";
import { presentParked } from "../../../presenters/outbox";
import type { AppEnv } from "../../env";
import { bearerAuth } from "../../middleware/bearer-auth";
import { OkSchema } from "../../schemas";
import { describe, idParam, jsonBody, pathParams } from "../../validation";

const time = z.string().meta({ description: "ISO 8601 时间" });
const ParkedListSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.number().int(),
      topic: z.string(),
      recipient: z.strictObject({ type: z.enum(["open_id", "chat_id"]), id: z.string() }),
      requestId: z.number().int().nullable(),
      parkReason: z.string().nullable().meta({ description: "为什么停止发送：平台拒收（如机器人不在群内），或连续失败超过设定时长（默认 24 小时）" }),
      attempts: z.number().int().meta({ description: "真实失败的次数（5xx、超时、网络错误）" }),
      waits: z.number().int().meta({ description: "平台要求等待的次数（限流 429、等待原卡片送达），不算失败" }),
      lastError: z.string().nullable(),
      firstFailedAt: time.nullable(),
      parkedAt: time.nullable(),
      createdAt: time,
    }),
  ),
});
/** Why a parked message is given up: the same schema for the API and the mini-app's form. */
export const discardBody = z.object({
  reason: z
    .string({ message: "请填写 reason：作废的原因，如 该群已解散，通知不再需要" })
    .trim()
    .min(2, "reason 至少 2 个字：写明作废的原因，如 该群已解散，通知不再需要")
    .max(500, "reason 最长 500 字"),
});
const DISCARD_EXAMPLE = { reason: "该群已解散，通知不再需要" };
const RetriedSchema = z.strictObject({
  retried: z.number().int().meta({ description: "放回发送队列的消息条数" }),
  ids: z.array(z.number().int()),
});

/** Messages the platform kept refusing: an admin sees why and puts them back in the queue, one or all at once. */
export const outboxRoutes = new Hono<AppEnv>()
  .use("*", bearerAuth({ roles: ["admin"], sessions: true }))
  .get(
    "/parked",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "搁置的消息",
      description: "已停止自动重试的外发消息（平台拒收，或连续失败超过设定时长），含停止的原因、失败与等待次数和最后一次错误。限流只会让消息等待，不会使其搁置。",
      responses: { 200: { description: "最近搁置的 100 条，新的在前", schema: ParkedListSchema } },
    }),
    async (c) => {
      const rows = await listParked(c.get("deps").db.kysely);
      return c.json({ items: rows.map(presentParked) });
    },
  )
  .post(
    "/parked/retry",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "重发全部搁置的消息",
      description: "排除原因后（如平台故障恢复、机器人已加入群），把所有搁置的消息一次放回发送队列，按原顺序发送；每条仍用原 uuid，已送达过的不会重复显示。操作记入留痕。",
      responses: { 200: { description: "已放回队列（没有搁置的消息时 retried 为 0）", schema: RetriedSchema } },
    }),
    async (c) => {
      const { retried } = await runCommand(c.get("deps"), c.get("actor"), parkedMessageRetrier, "all");
      return c.json({ retried: retried.length, ids: retried });
    },
  )
  .post(
    "/:id{[0-9]+}/retry",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "重发一条搁置的消息",
      description: "排除原因后，把一条搁置的消息放回发送队列。操作记入留痕。",
      params: { id: "消息 id" },
      responses: { 200: { description: "已放回队列", schema: OkSchema } },
    }),
    pathParams(z.object({ id: idParam }), "/api/admin/outbox/42/retry"),
    async (c) => {
      await runCommand(c.get("deps"), c.get("actor"), parkedMessageRetrier, { id: c.req.valid("param").id });
      return c.json({ ok: true as const });
    },
  )
  .post(
    "/:id{[0-9]+}/discard",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "作废一条搁置的消息",
      description: "不再发送这条消息（如群已解散、人员已离岗、内容已过时），须写明原因；消息从搁置列表中移除，保留记录。操作记入留痕。",
      params: { id: "消息 id" },
      responses: { 200: { description: "已作废", schema: OkSchema }, 404: { description: "没有该 id 的搁置消息" } },
    }),
    pathParams(z.object({ id: idParam }), "/api/admin/outbox/42/discard"),
    jsonBody(discardBody, DISCARD_EXAMPLE),
    async (c) => {
      await runCommand(c.get("deps"), c.get("actor"), parkedMessageDiscarder, { id: c.req.valid("param").id, reason: c.req.valid("json").reason });
      return c.json({ ok: true as const });
    },
  );
