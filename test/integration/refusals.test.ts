import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../bot/core/dispatch";
import { commentAdder } from "../../src/commands/commentAdder";
import type { Command } from "../../src/commands/context";
import { infoRequester } from "../../src/commands/infoRequester";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskAssigner } from "../../src/commands/taskAssigner";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { taskReturner } from "../../src/commands/taskReturner";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { taskUrger } from "../../src/commands/taskUrger";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { DomainError } from "../../src/domain/types";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// A person who may not act is told so first, naming the role the action needs, with a correct example:
// before the state of the task, before the command's own rules, before a missing reason.

let h: Harness;
let app: ReturnType<typeof createApp>;
const tokens = new Map<string, string>();
const people = smallOrg.users.map((u) => u.openId);

interface Subject {
  number: string;
  taskId: number;
}
const subjects: Record<"approval" | "pending" | "working" | "done", Subject> = {} as never;

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  for (const u of smallOrg.users) {
    const person = await h.actor(u.openId);
    tokens.set(u.openId, (await issueApiToken(h.db.kysely, { name: u.name, role: "integration", userId: person.kind === "user" ? person.id : null })).token);
  }
  const raise = async (text: string): Promise<Subject> => {
    const { request, tasks } = await h.as("ou_member", requestCreator, { text, source: "chat" });
    return { number: request.number, taskId: tasks[0]!.id };
  };
  subjects.approval = await raise("查询某企业欠税情况"); // the tax-proof rule asks the street head first
  subjects.pending = await raise("@市监局 核查甲公司营业执照");
  subjects.working = await raise("@市监局 核查乙公司营业执照");
  await h.as("ou_amrdisp", taskAccepter, { task: { taskId: subjects.working.taskId } }); // no handler named yet
  subjects.done = await raise("@市监局 核查丙公司营业执照");
  await h.as("ou_amrdisp", taskAccepter, { task: { taskId: subjects.done.taskId }, assignee: { openId: "ou_amrhandler" } });
  await h.as("ou_amrhandler", taskCompleter, { task: { taskId: subjects.done.taskId }, result: "营业执照真实有效" });
});
afterAll(() => h.close());

interface Row {
  label: string;
  /** the roles the refusal must name */
  needs: string;
  on: keyof typeof subjects;
  allowed: string[];
  /** the command with complete input, and with its text left out (the refusal must not ask for the text) */
  run: (s: Subject, blank: boolean) => [Command<any, any>, unknown];
  api: (s: Subject) => [string, unknown];
}

const text = (blank: boolean, t: string) => (blank ? "" : t);
const HEADS = ["ou_streethead", "ou_streethead2"];
const OFFICE = ["ou_amrhead", "ou_amrdisp"];

const rows: Row[] = [
  {
    label: "审批同意",
    needs: "发起部门负责人",
    on: "approval",
    allowed: HEADS,
    run: (s) => [requestApprover, { request: { requestNumber: s.number }, decision: "approve" }],
    api: (s) => [`/api/requests/${s.number}/approve`, {}],
  },
  {
    label: "审批驳回",
    needs: "发起部门负责人",
    on: "approval",
    allowed: HEADS,
    run: (s, b) => [requestApprover, { request: { requestNumber: s.number }, decision: "reject", comment: text(b, "重复申请") }],
    api: (s) => [`/api/requests/${s.number}/reject`, { comment: "重复申请" }],
  },
  {
    label: "签收",
    needs: "承办部门收件员或承办部门负责人",
    on: "pending",
    allowed: OFFICE,
    run: (s) => [taskAccepter, { task: { requestNumber: s.number } }],
    api: (s) => [`/api/tasks/${s.taskId}/accept`, {}],
  },
  {
    label: "退回",
    needs: "承办部门收件员或承办部门负责人",
    on: "pending",
    allowed: OFFICE,
    run: (s, b) => [taskReturner, { task: { requestNumber: s.number }, reason: text(b, "不属于本部门职责") }],
    api: (s) => [`/api/tasks/${s.taskId}/return`, { reason: "不属于本部门职责" }],
  },
  {
    label: "转办",
    needs: "承办部门收件员、承办部门负责人或管理员",
    on: "pending",
    allowed: [...OFFICE, "ou_admin"],
    run: (s, b) => [taskTransferrer, { task: { requestNumber: s.number }, toDepartment: b ? "不存在的部门" : "tax", reason: text(b, "属税务职责") }],
    api: (s) => [`/api/tasks/${s.taskId}/transfer`, { department: "tax", reason: "属税务职责" }],
  },
  {
    label: "指派经办人",
    needs: "承办部门收件员或承办部门负责人",
    on: "working",
    allowed: OFFICE,
    run: (s) => [taskAssigner, { task: { requestNumber: s.number }, assignee: { name: "不存在的人" } }],
    api: (s) => [`/api/tasks/${s.taskId}/assign`, { assigneeOpenId: "ou_amrhandler" }],
  },
  {
    label: "办结",
    needs: "承办部门经办人或承办部门负责人",
    on: "working",
    allowed: ["ou_amrhandler", "ou_amrhandler2", "ou_amrhead"],
    run: (s, b) => [taskCompleter, { task: { requestNumber: s.number }, result: text(b, "经核查属实") }],
    api: (s) => [`/api/tasks/${s.taskId}/complete`, { result: "经核查属实" }],
  },
  {
    label: "要求补正",
    needs: "承办部门经办人或承办部门负责人",
    on: "working",
    allowed: ["ou_amrhandler", "ou_amrhandler2", "ou_amrhead"],
    run: (s, b) => [infoRequester, { task: { requestNumber: s.number }, question: text(b, "请补充统一社会信用代码") }],
    api: (s) => [`/api/tasks/${s.taskId}/request-info`, { question: "请补充统一社会信用代码" }],
  },
  {
    label: "撤回",
    needs: "发起人",
    on: "working",
    allowed: ["ou_member"],
    run: (s, b) => [requestWithdrawer, { request: { requestNumber: s.number }, reason: text(b, "企业已自行提交材料") }],
    api: (s) => [`/api/requests/${s.number}/withdraw`, { reason: "企业已自行提交材料" }],
  },
  {
    label: "催办",
    needs: "发起人、发起部门负责人或督查人员",
    on: "working",
    allowed: ["ou_member", ...HEADS, "ou_sup"],
    run: (s) => [taskUrger, { requestNumber: s.number }],
    api: (s) => [`/api/requests/${s.number}/urge`, {}],
  },
  {
    label: "补充说明",
    needs: "该事项的参与人",
    on: "working",
    allowed: ["ou_member", ...HEADS, ...OFFICE, "ou_amrhandler", "ou_amrhandler2", "ou_sup"],
    run: (s, b) => [commentAdder, { requestNumber: s.number, body: text(b, "企业联系人：李先生") }],
    api: (s) => [`/api/requests/${s.number}/comments`, { body: "企业联系人：李先生" }],
  },
  {
    label: "评价",
    needs: "发起人",
    on: "done",
    allowed: ["ou_member"],
    run: (s, b) => [taskEvaluator, { task: { requestNumber: s.number }, score: b ? 0 : 5 }],
    api: (s) => [`/api/tasks/${s.taskId}/evaluate`, { score: 5 }],
  },
];

async function refusal(openId: string, command: Command<any, any>, input: unknown): Promise<DomainError> {
  const err = await h.as(openId, command, input).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`${openId} was not refused: ${String(err)}`);
  return err;
}

function post(openId: string, path: string, body: unknown) {
  return app.request(path, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens.get(openId)}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe.each(rows)("$label by each person who may not", (row) => {
  it("is refused for the role, with a correct example, in chat and in the mini-app's API alike", async () => {
    const s = subjects[row.on];
    const refused = people.filter((p) => !row.allowed.includes(p));
    expect(refused.length).toBeGreaterThan(0);
    for (const who of refused) {
      for (const blank of [false, true]) {
        const [command, input] = row.run(s, blank);
        const err = await refusal(who, command, input);
        const reply = explain(err);
        expect(reply, `${who} ${blank ? "(no text)" : ""}`).toMatch(new RegExp(`^您无权${row.label}：只有${row.needs}可以${row.label}。`));
        expect(reply, who).toMatch(/(您的身份：|您不是该事项的参与人|该任务已指派给其他经办人)/);
        // The example is something this person may do on this request (or, at least, look it up).
        expect(reply, who).toMatch(new RegExp(`\\n正确示例：/(同意|签收|办结|补充|评价|催办|退回|转办|撤回|驳回|查询) ${s.number}`));
      }
      const [path, body] = row.api(s);
      const res = await post(who, path, body);
      const [command, input] = row.run(s, false);
      const err = await refusal(who, command, input);
      expect(res.status, `${who} ${path}`).toBe(403);
      expect((await res.json()).error).toEqual({ code: "forbidden", message: err.message, example: err.example });
    }
  });
});

describe("the refusals the issue names", () => {
  it("the requester's /办结 on a joint request is told who completes, not the lead/supporting order", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "某企业申请注销，请协助核查", source: "chat" });
    await h.as("ou_streethead", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    const err = await refusal("ou_member", taskCompleter, { task: { requestNumber: request.number }, result: "已办结" });
    expect(explain(err)).toBe(
      `您无权办结：只有承办部门经办人或承办部门负责人可以办结。您的身份：发起人。您可以催办、撤回、补充说明。\n正确示例：/催办 ${request.number}`,
    );
  });

  it("a non-head's /同意 after the request was approved and urged is told who approves", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "开具某企业纳税证明", source: "chat" });
    await h.as("ou_streethead", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    await h.as("ou_member", taskUrger, { requestNumber: request.number });
    const err = await refusal("ou_member2", requestApprover, { request: { requestNumber: request.number }, decision: "approve" });
    expect(explain(err)).toBe(`您无权审批同意：只有发起部门负责人可以审批同意。您不是该事项的参与人。\n正确示例：/查询 ${request.number}`);
    // A head who may approve is told the state, and who moved it there.
    expect(explain(await refusal("ou_streethead2", requestApprover, { request: { requestNumber: request.number }, decision: "approve" }))).toMatch(
      /^该任务已由 赵敏 审批同意，当前状态为「待签收」，无需重复操作。/,
    );
  });

  it("签收 naming a person the department does not have lists whom it can name", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "@市监局 核查丁公司营业执照", source: "chat" });
    const err = await refusal("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number }, assignee: { name: "不存在的人" } });
    expect(explain(err)).toBe(
      `市市场监督管理局没有名为「不存在的人」的经办人或负责人。可以指定：王芳、孙强、张伟。\n正确示例：/签收 ${request.number} @王芳`,
    );
    // By name, a real handler is accepted.
    const { task } = await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number }, assignee: { name: "王芳" } });
    const wang = await h.actor("ou_amrhandler");
    expect(task.assigneeId).toBe(wang.kind === "user" ? wang.id : -1);
  });
});

describe("a request the person may not see", () => {
  it("answers as if it did not exist, before any question of roles", async () => {
    const { request, tasks } = await h.as("ou_member", requestCreator, { text: "@市监局 核查举报线索", source: "miniapp", classification: "sensitive" });
    const hidden = explain(await refusal("ou_taxhead", taskAccepter, { task: { requestNumber: request.number } }));
    expect(hidden).toBe(`找不到编号为 ${request.number} 的协同事项，或您无权查看。\n正确示例：/查询 XT-2026-000001`);
    const missing = explain(await refusal("ou_taxhead", taskAccepter, { task: { requestNumber: "XT-2026-999999" } }));
    expect(missing.replace("XT-2026-999999", request.number)).toBe(hidden);
    const res = await post("ou_taxhead", `/api/tasks/${tasks[0]!.id}/accept`, {});
    const none = await post("ou_taxhead", `/api/tasks/999999/accept`, {});
    expect([res.status, none.status]).toEqual([404, 404]);
    expect((await res.json()).error.message.replace(String(tasks[0]!.id), "999999")).toBe((await none.json()).error.message);
  });
});
