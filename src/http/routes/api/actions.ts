import { Hono, type Context } from "hono";
import { z } from "zod";
import { commentAdder } from "../../../commands/commentAdder";
import { completionReviewer } from "../../../commands/completionReviewer";
import { runCommand, type Command } from "../../../commands/context";
import { infoRequester } from "../../../commands/infoRequester";
import { requestResubmitter } from "../../../commands/requestResubmitter";
import { requestWithdrawer } from "../../../commands/requestWithdrawer";
import { taskArbitrator } from "../../../commands/taskArbitrator";
import { taskCompleter } from "../../../commands/taskCompleter";
import { taskEvaluator } from "../../../commands/taskEvaluator";
import { taskReturner } from "../../../commands/taskReturner";
import { taskTransferrer } from "../../../commands/taskTransferrer";
import { taskUrger } from "../../../commands/taskUrger";
import type { AppEnv } from "../../env";
import { invalidInput } from "../../errors";
import { sessionAuth } from "../../middleware/session-auth";

// Every other action of the mini-app: the same commands and policies as the chat, one thin route each.

const auth = sessionAuth();
const text = (name: string) => z.string({ message: `请填写 ${name}` });

/** Validates the body, runs the command as the signed-in person, answers with the task's (or request's) new state. */
function action<S extends z.ZodType, I, O>(schema: S, example: string, command: Command<I, O>, toInput: (c: Context<AppEnv>, b: z.infer<S>) => I) {
  return async (c: Context<AppEnv>) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success) return invalidInput(c, parsed.error, example);
    const result = (await runCommand(c.get("deps"), c.get("actor"), command, toInput(c, parsed.data))) as { task?: { id: number; state: string }; request?: { number: string; status: string } };
    return c.json({
      ...(result.task ? { taskId: result.task.id, state: result.task.state } : {}),
      ...(result.request ? { number: result.request.number, status: result.request.status } : {}),
      ...(result.task || result.request ? {} : result),
    });
  };
}

const taskId = (c: Context<AppEnv>) => ({ taskId: Number(c.req.param("id")) });
const numberOf = (c: Context<AppEnv>) => c.req.param("number") ?? "";

export const actionRoutes = new Hono<AppEnv>()
  .post("/tasks/:id/return", auth, action(z.object({ reason: text("reason") }), '{"reason":"不属于本部门职责"}', taskReturner, (c, b) => ({ task: taskId(c), reason: b.reason })))
  .post(
    "/tasks/:id/transfer",
    auth,
    action(z.object({ department: text("department（部门编码）"), reason: text("reason") }), '{"department":"city-tax","reason":"属税务职责"}', taskTransferrer, (c, b) => ({
      task: taskId(c),
      toDepartment: b.department,
      reason: b.reason,
    })),
  )
  .post("/tasks/:id/request-info", auth, action(z.object({ question: text("question") }), '{"question":"请补充统一社会信用代码"}', infoRequester, (c, b) => ({ task: taskId(c), question: b.question })))
  .post("/tasks/:id/complete", auth, action(z.object({ result: text("result") }), '{"result":"经核查，营业执照真实有效"}', taskCompleter, (c, b) => ({ task: taskId(c), result: b.result })))
  .post(
    "/tasks/:id/review",
    auth,
    action(z.object({ decision: z.enum(["confirm", "sendBack"]), comment: z.string().optional() }), '{"decision":"confirm"}', completionReviewer, (c, b) => ({
      task: taskId(c),
      decision: b.decision,
      comment: b.comment,
    })),
  )
  .post("/tasks/:id/resubmit", auth, action(z.object({ department: z.string().optional(), note: z.string().optional() }), '{"note":"已补充地址"}', requestResubmitter, (c, b) => ({ task: taskId(c), toDepartment: b.department, note: b.note })))
  .post(
    "/tasks/:id/arbitrate",
    auth,
    action(z.object({ department: text("department（部门编码）"), comment: text("comment") }), '{"department":"city-hrss","comment":"依职责由人社局办理"}', taskArbitrator, (c, b) => ({
      task: taskId(c),
      department: b.department,
      comment: b.comment,
    })),
  )
  .post(
    "/tasks/:id/evaluate",
    auth,
    action(z.object({ score: z.number().int(), comment: z.string().optional() }), '{"score":5,"comment":"办理及时"}', taskEvaluator, (c, b) => ({ task: taskId(c), score: b.score, comment: b.comment })),
  )
  .post("/requests/:number/withdraw", auth, action(z.object({ reason: text("reason") }), '{"reason":"企业已自行提交"}', requestWithdrawer, (c, b) => ({ request: { requestNumber: numberOf(c) }, reason: b.reason })))
  .post("/requests/:number/urge", auth, action(z.object({ department: z.string().optional() }), "{}", taskUrger, (c, b) => ({ requestNumber: numberOf(c), departmentCode: b.department })))
  .post("/requests/:number/comments", auth, action(z.object({ body: text("body") }), '{"body":"补充说明"}', commentAdder, (c, b) => ({ requestNumber: numberOf(c), body: b.body })));
