import { Hono, type Context } from "hono";
import { z } from "zod";
import { appealDecider } from "../../../commands/appealDecider";
import { runCommand, type Command } from "../../../commands/context";
import { disputeDecider } from "../../../commands/disputeDecider";
import { ratingAppealer } from "../../../commands/ratingAppealer";
import { rectificationAnswerer } from "../../../commands/rectificationAnswerer";
import { rectificationReviewer } from "../../../commands/rectificationReviewer";
import type { TaskState } from "../../../domain/types";
import type { AppEnv } from "../../env";
import { sessionAuth } from "../../middleware/session-auth";
import { TaskResultSchema } from "../../schemas";
import { describe, jsonBody } from "../../validation";
import { taskPath } from "./paths";

// 整改 and 申诉 after a rating: the same commands and policies as the chat, one thin route each.

const auth = sessionAuth();
const required = (what: string, max = 2000) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(max, `${what}最长 ${max} 字`);
const taskParams = { id: "任务 id（事项详情中 tasks[].id）" };
const taskAnswer = { 200: { description: "任务的状态（整改与申诉不改变任务状态）", schema: TaskResultSchema } };
const taskId = (c: Context<AppEnv>) => ({ taskId: Number(c.req.param("id")) });

async function onTask<I>(c: Context<AppEnv>, command: Command<I, { task: { id: number; state: TaskState } }>, input: I) {
  const r = await runCommand(c.get("deps"), c.get("actor"), command, input);
  return c.json({ taskId: r.task.id, state: r.task.state });
}

const TASK = "/tasks/:id{[0-9]+}";

export const rectificationRoutes = new Hono<AppEnv>()
  .post(
    `${TASK}/rectification`,
    describe({ tag: "操作", auth: "session", summary: "整改答复", description: "差评（2 分及以下）开启整改后，承办部门负责人或收件员答复整改情况；发起人随后确认或提出异议。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ answer: required("整改情况", 4000) }), { answer: "已约谈经办人，建立答复前复核制度" }),
    (c) => onTask(c, rectificationAnswerer, { task: taskId(c), answer: c.req.valid("json").answer }),
  )
  .post(
    `${TASK}/rectification/verdict`,
    describe({ tag: "操作", auth: "session", summary: "确认整改或提出异议", description: "发起人确认整改（confirm，整改办结），或提出异议（dispute，须写理由），异议交督查裁定。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ verdict: z.enum(["confirm", "dispute"], { message: "verdict 只能是 confirm（确认整改）或 dispute（有异议）" }), reason: z.string().trim().max(2000).optional() }), {
      verdict: "confirm",
    }),
    (c) => onTask(c, rectificationReviewer, { task: taskId(c), verdict: c.req.valid("json").verdict, reason: c.req.valid("json").reason }),
  )
  .post(
    `${TASK}/rectification/decision`,
    describe({ tag: "操作", auth: "session", summary: "裁定整改异议", description: "督查裁定发起人的整改异议：upheld 异议成立，not_upheld 异议不成立，须写意见；发起人与承办部门负责人收到通知。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ decision: z.enum(["upheld", "not_upheld"], { message: "decision 只能是 upheld（异议成立）或 not_upheld（异议不成立）" }), comment: required("裁定意见") }), {
      decision: "not_upheld",
      comment: "整改措施已落实",
    }),
    (c) => onTask(c, disputeDecider, { task: taskId(c), decision: c.req.valid("json").decision, comment: c.req.valid("json").comment }),
  )
  .post(
    `${TASK}/appeal`,
    describe({ tag: "操作", auth: "session", summary: "申诉评价", description: "承办部门负责人认为评价有误或不实时申诉，须写理由；每条评价只能申诉一次，由督查裁定。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ reason: required("申诉理由") }), { reason: "该评价针对的是其他部门的答复" }),
    (c) => onTask(c, ratingAppealer, { task: taskId(c), reason: c.req.valid("json").reason }),
  )
  .post(
    `${TASK}/appeal/decision`,
    describe({ tag: "操作", auth: "session", summary: "裁定申诉", description: "督查裁定申诉：exclude 该评价不计入任何统计，keep 维持评价，须写意见；发起人与承办部门负责人收到通知。", params: taskParams, responses: taskAnswer }),
    auth,
    taskPath,
    jsonBody(z.object({ decision: z.enum(["exclude", "keep"], { message: "decision 只能是 exclude（不计入统计）或 keep（维持评价）" }), comment: required("裁定意见") }), {
      decision: "exclude",
      comment: "评价对象有误",
    }),
    (c) => onTask(c, appealDecider, { task: taskId(c), decision: c.req.valid("json").decision, comment: c.req.valid("json").comment }),
  );
