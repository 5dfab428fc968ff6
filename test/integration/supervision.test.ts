import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskReopener } from "../../src/commands/taskReopener";
import { taskSupervisor } from "../../src/commands/taskSupervisor";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { isUnderSupervision } from "../../src/db/repositories/supervisions";
import { createApp } from "../../src/http/app";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 督办: a supervisor's instruction, the sweep's automatic 督办, 销号 when the task is done, reopening, and the
// supervisors' list. One database for the file; each scenario sets its own clock and looks at its own requests.

let h: Harness;
let app: ReturnType<typeof createApp>;
const tokens = new Map<string, string>();
beforeAll(async () => {
  h = await createHarness("2026-09-28T10:00:00+08:00");
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  for (const openId of ["ou_sup", "ou_streethead", "ou_admin", "ou_amrhead"]) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role: "integration", userId: user.id })).token);
  }
}, 120_000);
afterAll(() => h.close());

const raise = async (text: string) => (await h.as("ou_member", requestCreator, { text, source: "chat" })).request;
const accept = (number: string) => h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_amrhandler" } });
const supervisionsOf = (requestId: number) => h.db.kysely.selectFrom("supervisions").selectAll().where("requestId", "=", requestId).orderBy("id").execute();
const taskOf = (requestId: number) => h.db.kysely.selectFrom("tasks").selectAll().where("requestId", "=", requestId).executeTakeFirstOrThrow();
const actions = async (requestId: number) => (await listAudit(h.db.kysely, requestId)).map((a) => a.action);
const messagesOf = async (requestId: number, topic: string) =>
  (await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload", "urgent"]).where("requestId", "=", requestId).where("topic", "=", topic).orderBy("id").execute()).map(
    (m) => ({ to: m.recipientId, urgent: m.urgent, instruction: (m.payload as { instruction?: string }).instruction, supervisor: (m.payload as { supervisor?: string }).supervisor }),
  );
const get = async (openId: string, path: string) => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });
  return { status: res.status, body: (await res.json()) as any };
};
const post = async (openId: string, path: string, body: unknown) => {
  const res = await app.request(path, { method: "POST", headers: { authorization: `Bearer ${tokens.get(openId)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

describe("the sweep's 督办 step", () => {
  it("opens a 督办 record as a system action, in the step's transaction, once", async () => {
    h.setNow("2026-09-28T10:00:00+08:00");
    const r = await raise("@市监局 核查某公司营业执照 截止:2026-09-30");
    h.setNow("2026-09-28T10:01:00+08:00");
    await deadlineSweep.perform(h.deps);
    const task = await taskOf(r.id);
    expect(await isUnderSupervision(h.db.kysely, task.id)).toBe(false);
    // 2 working days after the due day (the National Day holiday in between): 10-09 09:00.
    h.setNow("2026-10-09T08:59:00+08:00");
    await deadlineSweep.perform(h.deps);
    expect(await supervisionsOf(r.id)).toEqual([]);
    h.setNow("2026-10-09T09:00:00+08:00");
    await deadlineSweep.perform(h.deps);
    h.setNow("2026-10-09T09:30:00+08:00");
    await deadlineSweep.perform(h.deps);
    const rows = await supervisionsOf(r.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ taskId: task.id, openedById: null, openedByName: "系统（时限督办）", closedAt: null, instructions: [] });
    expect(await isUnderSupervision(h.db.kysely, task.id)).toBe(true);
    const trail = await actions(r.id);
    expect(trail.filter((a) => a === "supervision.open")).toHaveLength(1);
    expect(trail.indexOf("supervision.open")).toBe(trail.indexOf("escalation.supervise") + 1);
    // The supervisor's instruction then adds to the system's 督办 rather than opening a second one.
    h.setNow("2026-10-09T10:00:00+08:00");
    const s = await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请今天下班前办结" });
    expect(s).toMatchObject({ opened: false, instructions: 1 });
    expect(await supervisionsOf(r.id)).toHaveLength(1);
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
  });
});

describe("a supervisor's 督办", () => {
  it("opens the 督办, tells the target head with an urgent notice, the handler and the requesting heads; a second instruction adds to it", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("@市监局 核查绿洲路某超市食品经营许可证");
    await accept(r.number);
    const first = await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请于本周五前办结并报送结果" });
    expect(first).toMatchObject({ opened: true, instructions: 1 });
    const messages = await messagesOf(r.id, "task.supervised");
    expect(messages).toEqual([
      { to: "ou_amrhead", urgent: ["ou_amrhead"], instruction: "请于本周五前办结并报送结果", supervisor: "何督查" },
      { to: "ou_amrhandler", urgent: null, instruction: "请于本周五前办结并报送结果", supervisor: "何督查" },
      { to: "ou_streethead", urgent: null, instruction: "请于本周五前办结并报送结果", supervisor: "何督查" },
      { to: "ou_streethead2", urgent: null, instruction: "请于本周五前办结并报送结果", supervisor: "何督查" },
    ]);
    h.setNow("2026-11-24T10:00:00+08:00");
    const second = await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请说明延误原因" });
    expect(second).toMatchObject({ opened: false, instructions: 2 });
    const [row] = await supervisionsOf(r.id);
    expect(row!.instructions.map((i) => `${i.by}: ${i.text}`)).toEqual(["何督查: 请于本周五前办结并报送结果", "何督查: 请说明延误原因"]);
    expect((await actions(r.id)).filter((a) => a === "supervise")).toHaveLength(2);
    // The request page shows the record and the status.
    const detail = await get("ou_sup", `/api/requests/${r.number}`);
    expect(detail.body.tasks[0].supervision).toMatchObject({ status: "open", text: "督办中（自 11月23日 起，2 条意见）", instructions: 2 });
    expect(detail.body.tasks[0].supervisions[0].instructions.map((i: { text: string }) => i.text)).toEqual(["请于本周五前办结并报送结果", "请说明延误原因"]);
    expect(detail.body.tasks[0].actions).toContain("supervise");
    expect((await get("ou_amrhead", `/api/requests/${r.number}`)).body.tasks[0].actions).not.toContain("supervise");
  });

  it("refuses anyone but a supervisor, an empty instruction, and a task that is not open, each in Chinese with an example", async () => {
    h.setNow("2026-11-23T11:00:00+08:00");
    const r = await raise("@市监局 核查某药店经营资质");
    await expect(h.as("ou_streethead", taskSupervisor, { task: { requestNumber: r.number }, instruction: "快点" })).rejects.toMatchObject({
      message: expect.stringContaining("您无权督办：只有督查人员可以督办。"),
      example: expect.stringMatching(/^\/催办 /),
    });
    await expect(h.as("ou_admin", taskSupervisor, { task: { requestNumber: r.number }, instruction: "快点" })).rejects.toThrow("只有督查人员可以督办");
    await expect(h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "  " })).rejects.toMatchObject({
      message: "请填写督办意见。",
      example: `/督办 ${r.number} 请于本周五前办结并报送结果`,
    });
    await h.as("ou_member", requestWithdrawer, { request: { requestNumber: r.number }, reason: "企业已自行提交" });
    await expect(h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请办理" })).rejects.toThrow("无法督办：该任务当前状态为「已撤回」");
    expect(await supervisionsOf(r.id)).toEqual([]);
    const api = await post("ou_streethead", `/api/tasks/${(await taskOf(r.id)).id}/supervise`, { instruction: "快点" });
    expect(api.status).toBe(403);
  });
});

describe("a sensitive request under 督办", () => {
  it("the 督办 card carries no title or body, and reaches only people who may open the request", async () => {
    h.setNow("2026-11-23T15:00:00+08:00");
    const { request: r } = await h.as("ou_member", requestCreator, { text: "@市监局 据举报某仓库存放假冒药品", classification: "sensitive", source: "chat" });
    await accept(r.number);
    await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请今日核实" });
    const rows = await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("requestId", "=", r.id).where("topic", "=", "task.supervised").orderBy("id").execute();
    expect(rows.map((m) => m.recipientId)).toEqual(["ou_amrhead", "ou_amrhandler", "ou_streethead", "ou_streethead2"]);
    for (const m of rows) {
      expect(m.payload).toMatchObject({ title: `涉密事项 ${r.number}（请在小程序中查看）`, body: null, sensitive: true });
      expect(JSON.stringify(m.payload)).not.toContain("假冒药品");
    }
  });
});

describe("销号 and reopening", () => {
  it("办结 closes the open 督办 in the same transaction, audited; the supervisor reopens it within 10 working days, not after", async () => {
    h.setNow("2026-11-23T14:00:00+08:00");
    const r = await raise("@市监局 核查某餐馆卫生许可");
    await accept(r.number);
    await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请尽快办结" });
    const task = await taskOf(r.id);
    h.setNow("2026-11-24T10:00:00+08:00");
    await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: r.number }, result: "经核查，许可证有效" });
    expect(await isUnderSupervision(h.db.kysely, task.id)).toBe(false);
    expect(await supervisionsOf(r.id)).toMatchObject([{ closeReason: "办结", closedAt: new Date("2026-11-24T10:00:00+08:00") }]);
    const trail = await listAudit(h.db.kysely, r.id);
    const close = trail.find((a) => a.action === "supervision.close")!;
    expect(close).toMatchObject({ actorName: "王芳", data: expect.objectContaining({ label: "督办已销号", reason: "办结" }) });
    expect(trail.at(-2)!.action).toBe("complete");
    const detail = await get("ou_sup", `/api/requests/${r.number}`);
    expect(detail.body.tasks[0].supervision).toMatchObject({ status: "closed", text: "已销号" });
    expect(detail.body.tasks[0].actions).toContain("reopen");
    expect(detail.body.timeline.map((e: { action: string }) => e.action)).toContain("督办已销号");

    // Not by the target head; then the supervisor, who finds the result not acceptable.
    await expect(h.as("ou_amrhead", taskReopener, { task: { requestNumber: r.number }, reason: "不合格" })).rejects.toThrow("您无权重新督办：只有督查人员可以重新督办");
    h.setNow("2026-11-25T10:00:00+08:00");
    const reopened = await post("ou_sup", `/api/tasks/${task.id}/reopen`, { reason: "未附核查材料，请补充后重新办结" });
    expect(reopened).toEqual({ status: 200, body: { taskId: task.id, state: "in_progress" } });
    expect(await taskOf(r.id)).toMatchObject({ state: "in_progress", completedAt: null });
    const [row] = await supervisionsOf(r.id);
    expect(row).toMatchObject({ closedAt: null, closeReason: null, reopenedCount: 1 });
    expect(row!.instructions.at(-1)!.text).toBe("未附核查材料，请补充后重新办结");
    expect((await messagesOf(r.id, "task.reopened")).map((m) => m.to)).toEqual(["ou_amrhead", "ou_amrhandler"]);
    expect((await h.db.kysely.selectFrom("requests").select("status").where("id", "=", r.id).executeTakeFirstOrThrow()).status).toBe("in_progress");

    // Completed again, then 11 working days later: too late to reopen.
    h.setNow("2026-11-26T10:00:00+08:00");
    await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: r.number }, result: "已补充核查材料" });
    expect(await isUnderSupervision(h.db.kysely, task.id)).toBe(false);
    h.setNow("2026-12-11T10:00:00+08:00");
    await expect(h.as("ou_sup", taskReopener, { task: { requestNumber: r.number }, reason: "仍不合格" })).rejects.toThrow("该任务办结已超过 10 个工作日（11 个工作日）");
    expect((await get("ou_sup", `/api/requests/${r.number}`)).body.tasks[0].actions).not.toContain("reopen");
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
  });

  it("reopening a task that was never under 督办 opens one, with the reason as its instruction", async () => {
    h.setNow("2026-11-24T11:00:00+08:00");
    const r = await raise("@市监局 核查某书店出版物经营许可");
    await accept(r.number);
    await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: r.number }, result: "许可有效" });
    expect(await supervisionsOf(r.id)).toEqual([]);
    await h.as("ou_sup", taskReopener, { task: { requestNumber: r.number }, reason: "未核对经营范围" });
    expect(await supervisionsOf(r.id)).toMatchObject([{ openedByName: "何督查", closedAt: null, reopenedCount: 0, instructions: [{ text: "未核对经营范围" }] }]);
    expect((await taskOf(r.id)).state).toBe("in_progress");
  });

  it("a withdrawn request closes its open 督办 too", async () => {
    h.setNow("2026-11-27T10:00:00+08:00");
    const r = await raise("@市监局 核查某小区电梯维保单位资质");
    await h.as("ou_sup", taskSupervisor, { task: { requestNumber: r.number }, instruction: "请尽快签收" });
    await h.as("ou_member", requestWithdrawer, { request: { requestNumber: r.number }, reason: "已由区里处理" });
    expect(await supervisionsOf(r.id)).toMatchObject([{ closeReason: "撤回" }]);
  });
});

describe("the 督办 list", () => {
  it("lists red and supervised tasks across departments for supervisors only, with its filters and pages", async () => {
    // Fresh requests raised on 12-01; the list is read on 12-10 (6 working days after their 12-02 due day).
    h.setNow("2026-12-01T10:00:00+08:00");
    const late = await raise("@市监局 核查甲公司营业执照 截止:1个工作日");
    const lateTax = await raise("@税务局 出具乙公司纳税证明 截止:1个工作日 !紧急");
    h.setNow("2026-12-03T10:00:00+08:00");
    const onTime = await raise("@人社局 核查丙公司社保参保");
    const newer = await raise("@市监局 核查丁公司营业执照 截止:1个工作日");
    await h.as("ou_sup", taskSupervisor, { task: { requestNumber: onTime.number }, instruction: "请优先办理" });
    h.setNow("2026-12-10T10:00:00+08:00");
    const numbers = async (query: string) => {
      const items: string[] = [];
      let next: string | null = null;
      do {
        const res = await get("ou_sup", `/api/supervision?limit=2${query}${next ? `&cursor=${next}` : ""}`);
        expect(res.status).toBe(200);
        items.push(...res.body.items.map((i: { number: string }) => i.number));
        next = res.body.next;
      } while (next);
      return items.filter((n) => [late.number, lateTax.number, onTime.number, newer.number].includes(n));
    };
    expect(await numbers("")).toEqual([late.number, lateTax.number, newer.number, onTime.number]);
    expect(await numbers("&to=amr")).toEqual([late.number, newer.number]);
    expect(await numbers("&from=street&to=hrss")).toEqual([onTime.number]);
    expect(await numbers("&priority=urgent")).toEqual([lateTax.number]);
    expect(await numbers("&open=true")).toEqual([onTime.number]);
    // Due 12-02: 6 working days overdue on 12-10; due 12-04: 4.
    expect(await numbers("&overdueDays=5")).toEqual([late.number, lateTax.number]);
    expect(await numbers("&overdueDays=4")).toEqual([late.number, lateTax.number, newer.number]);
    const row = (await get("ou_sup", `/api/supervision?to=amr&limit=100`)).body.items.find((i: { number: string }) => i.number === late.number);
    expect(row).toMatchObject({
      title: "核查甲公司营业执照",
      toDepartment: { code: "amr", name: "市市场监督管理局" },
      fromDepartment: { code: "street" },
      assignee: null,
      state: "pending_accept",
      light: "red",
      lightText: "超期 6 个工作日",
      supervision: { status: "none", text: "未督办" },
    });
    const supervised = (await get("ou_sup", `/api/supervision?open=true&limit=100`)).body.items.find((i: { number: string }) => i.number === onTime.number);
    expect(supervised.supervision).toMatchObject({ status: "open", text: "督办中（自 12月3日 起，1 条意见）" });
    // Nobody else: not a head, not an admin.
    for (const who of ["ou_streethead", "ou_admin", "ou_amrhead"]) {
      expect(await get(who, "/api/supervision")).toEqual({ status: 403, body: { error: expect.objectContaining({ code: "forbidden", message: "只有督查人员可以查看督办清单。" }) } });
    }
    const bad = await get("ou_sup", "/api/supervision?to=nowhere");
    expect(bad).toMatchObject({ status: 404, body: { error: { message: "找不到部门 nowhere。" } } });
    expect((await get("ou_sup", "/api/supervision?overdueDays=-1")).status).toBe(400);
  });
});
