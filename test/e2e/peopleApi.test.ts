import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// The API the mini-app uses, signed in through the sandbox's code exchange (the same SDK calls as in Lark).

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(openId: string): Promise<Session> {
  const res = await fetch(`${h.base}/api/auth/code`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code: h.sandbox.issueAuthCode(openId) }),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/xt_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
  return { cookie: setCookie.split(";")[0]!, csrf: (await res.json()).csrfToken };
}

const get = (s: Session, path: string) => fetch(`${h.base}${path}`, { headers: { cookie: s.cookie } });
const post = (s: Session, path: string, body: unknown = {}, csrf = true) =>
  fetch(`${h.base}${path}`, {
    method: "POST",
    headers: { cookie: s.cookie, "content-type": "application/json", ...(csrf ? { "x-csrf-token": s.csrf } : {}) },
    body: JSON.stringify(body),
  });

describe("sign-in", () => {
  it("a head signs in with a platform code and sees who they are", async () => {
    const s = await signIn("ou_zhangwei");
    const me = await (await get(s, "/api/me")).json();
    expect(me).toMatchObject({ openId: "ou_zhangwei", name: "张伟", department: { code: "city-amr", name: "市市场监督管理局" }, roles: [{ role: "head", department: "city-amr" }] });
  });

  it("a code works once; bad and unregistered sign-ins are refused with a reason", async () => {
    const code = h.sandbox.issueAuthCode("ou_zhangwei");
    const once = () => fetch(`${h.base}/api/auth/code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    expect((await once()).status).toBe(200);
    const again = await once();
    expect(again.status).toBe(422);
    expect((await again.json()).error.message).toBe("登录授权码无效或已被使用，请重新打开小程序。");
    h.sandbox.addUser({ openId: "ou_visitor", name: "访客" });
    const visitor = await fetch(`${h.base}/api/auth/code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: h.sandbox.issueAuthCode("ou_visitor") }) });
    expect(visitor.status).toBe(403);
    expect((await fetch(`${h.base}/api/me`)).status).toBe(401);
  });
});

describe("what a person may see", () => {
  it("a sensitive request of another department answers 404, not the data", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "@税务局 核查举报线索", source: "miniapp", classification: "sensitive" });
    const outsider = await signIn("ou_zhangwei");
    const res = await get(outsider, `/api/requests/${request.number}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).not.toContain("举报");
    const taxHead = await signIn("ou_zhoujie");
    const seen = await (await get(taxHead, `/api/requests/${request.number}`)).json();
    expect(seen).toMatchObject({ number: request.number, body: "核查举报线索", tasks: [{ department: "国家税务总局临江市税务局", role: "lead", state: "pending_accept" }] });
  });

  it("the inbox pages with a cursor through every open task exactly once, earliest deadline first", async () => {
    for (let i = 0; i < 23; i++) {
      await h.as("ou_liuyang", requestCreator, { text: `@市监局 核查第${i}家企业 截止:${1 + (i % 3)}个工作日`, source: "miniapp" });
    }
    const s = await signIn("ou_lina");
    const seen: Array<{ taskId: number; dueAt: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ taskId: number; dueAt: string }>; next: string | null } = await (
        await get(s, `/api/inbox?limit=7${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor);
    const expected = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select(["tasks.id", "tasks.dueAt"])
      .where("departments.code", "=", "city-amr")
      .where("tasks.state", "in", ["pending_approval", "pending_accept", "in_progress", "awaiting_info"])
      .orderBy("tasks.dueAt")
      .orderBy("tasks.id")
      .execute();
    expect(seen.map((t) => t.taskId)).toEqual(expected.map((t) => t.id));
    expect(seen.length).toBeGreaterThanOrEqual(23);
    expect((await get(s, "/api/inbox?state=opened")).status).toBe(400);
    expect((await get(s, "/api/inbox?department=city-tax")).status).toBe(403);
  });
});

describe("actions", () => {
  it("writes need the session's CSRF token", async () => {
    const s = await signIn("ou_lina");
    const { tasks } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查营业执照", source: "miniapp" });
    const forged = await post(s, `/api/tasks/${tasks[0]!.id}/accept`, {}, false);
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe("csrf");
    const ok = await post(s, `/api/tasks/${tasks[0]!.id}/accept`, { assigneeOpenId: "ou_wangfang" });
    expect(await ok.json()).toEqual({ taskId: tasks[0]!.id, state: "in_progress" });
  });

  it("a head approves from the API; a second approval is told who did it", async () => {
    const { request } = await h.as("ou_liuyang", requestCreator, { text: "某企业申请注销，请协助核查", source: "miniapp" });
    const head = await signIn("ou_zhaomin");
    const res = await post(head, `/api/requests/${request.number}/approve`, { comment: "同意" });
    expect(await res.json()).toEqual({ number: request.number, status: "pending_accept" });
    const again = await post(head, `/api/requests/${request.number}/approve`, {});
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toBe("该任务已由 赵敏 审批同意，当前状态为「待签收」，无需重复操作。");
    const member = await signIn("ou_chenjing");
    // Someone who may not decide is told so, whatever the state.
    const refused = await post(member, `/api/requests/${request.number}/reject`, { comment: "不行" });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toEqual({
      code: "forbidden",
      message: "您无权审批驳回：只有发起部门负责人可以审批驳回。您不是该事项的参与人。",
      example: `/查询 ${request.number}`,
    });
  });
});

describe("every other action through the API", () => {
  it("return, resubmit, accept, request info, supply it, complete, evaluate, urge, comment, withdraw", async () => {
    const member = await signIn("ou_liuyang");
    const disp = await signIn("ou_lina");
    const head = await signIn("ou_zhangwei");
    const handler = await signIn("ou_wangfang");
    const { request, tasks } = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查某店铺经营情况", source: "miniapp" });
    const t = tasks[0]!.id;
    const n = request.number;
    const bad = await post(disp, `/api/tasks/${t}/return`, {});
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "invalid_input", example: '{"reason":"不属于本部门职责，建议转税务局"}' });
    expect(await (await post(disp, `/api/tasks/${t}/return`, { reason: "信息不全" })).json()).toMatchObject({ taskId: t, state: "returned" });
    expect(await (await post(member, `/api/tasks/${t}/resubmit`, { note: "补充了店铺地址" })).json()).toMatchObject({ taskId: t, state: "pending_accept" });
    await post(disp, `/api/tasks/${t}/accept`, { assigneeOpenId: "ou_wangfang" });
    expect(await (await post(handler, `/api/tasks/${t}/request-info`, { question: "请提供店铺门牌号" })).json()).toMatchObject({ taskId: t, state: "awaiting_info" });
    await post(member, `/api/requests/${n}/comments`, { body: "东湖路 18 号" });
    expect((await (await get(member, `/api/requests/${n}`)).json()).tasks[0].state).toBe("in_progress");
    expect(await (await post(member, `/api/requests/${n}/urge`, {})).json()).toEqual({ ok: true, urged: 1 });
    expect((await post(member, `/api/requests/${n}/urge`, {})).status).toBe(429);
    expect(await (await post(handler, `/api/tasks/${t}/complete`, { result: "经营正常" })).json()).toMatchObject({ taskId: t, state: "completed" });
    const rated = await post(member, `/api/tasks/${t}/evaluate`, { score: 1 });
    expect(rated.status).toBe(422);
    expect((await rated.json()).error.code).toBe("comment_required");
    expect(await (await post(member, `/api/tasks/${t}/evaluate`, { score: 4 })).json()).toMatchObject({ taskId: t, state: "completed" });
    // A second request, withdrawn; and an outsider's action refused with the reason.
    const other = await h.as("ou_liuyang", requestCreator, { text: "@市监局 核查另一家店铺", source: "miniapp" });
    const outsider = await post(head, `/api/requests/${other.request.number}/withdraw`, { reason: "我来撤" });
    expect(outsider.status).toBe(403);
    expect((await outsider.json()).error).toMatchObject({
      message: "您无权撤回：只有发起人可以撤回。您的身份：承办部门负责人。您可以签收、退回、转办、补充说明。",
      example: `/签收 ${other.request.number}`,
    });
    expect(await (await post(member, `/api/requests/${other.request.number}/withdraw`, { reason: "企业已迁出" })).json()).toMatchObject({ status: "cancelled" });
  });
});

describe("views", () => {
  it("the board's counts match the database, and a cell lists its tasks", async () => {
    h.setNow("2026-11-30T10:00:00+08:00"); // a week later: some tasks are overdue
    const sup = await signIn("ou_jiangping");
    const board = await (await get(sup, "/api/board")).json();
    expect(board.scope).toBe("all");
    const rows = await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .select(["requests.fromDepartmentId", "tasks.departmentId", "tasks.dueAt"])
      .where("tasks.state", "in", ["pending_approval", "pending_accept", "in_progress", "awaiting_info"])
      .execute();
    const total = board.cells.reduce((n: number, c: { open: number }) => n + c.open, 0);
    const overdue = board.cells.reduce((n: number, c: { overdue: number }) => n + c.overdue, 0);
    expect(total).toBe(rows.length);
    expect(overdue).toBe(rows.filter((r) => new Date(r.dueAt).getTime() < h.deps.now().getTime()).length);
    expect(overdue).toBeGreaterThan(0);
    const cell = board.cells.find((c: any) => c.from.code === "dh-binjiang" && c.to.code === "city-amr");
    const list = await (await get(sup, `/api/board/cell?from=dh-binjiang&to=city-amr&limit=100`)).json();
    expect(list.items).toHaveLength(cell.open);
    const outsider = await signIn("ou_jinyan"); // 东湖区人社局: not on either side
    expect((await get(outsider, "/api/board/cell?from=dh-binjiang&to=city-amr")).status).toBe(403);
    expect((await (await get(outsider, "/api/board")).json()).scope).toBe("mine");
  });

  it("the detail carries the timeline and comments; 待办 lists what waits", async () => {
    const member = await signIn("ou_liuyang");
    const detail = await (await get(member, "/api/requests/XT-2026-000001")).json();
    expect(detail.timeline[0]).toMatchObject({ seq: 1, actor: "刘洋", action: "发起", to: "待签收" });
    const disp = await signIn("ou_lina");
    const todo = await (await get(disp, "/api/todo")).json();
    expect(todo.toAccept.length).toBeGreaterThan(0);
    expect(todo.toAccept[0]).toMatchObject({ number: expect.stringMatching(/^XT-2026-/), state: "pending_accept", department: "市市场监督管理局" });
    const mine = await (await get(member, "/api/mine?limit=5")).json();
    expect(mine.items).toHaveLength(5);
    expect(mine.next).not.toBeNull();
  });
});

describe("inbox filters", () => {
  it("overdue, due soon, text, number, category and requesting department narrow the list", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const r1 = await h.as("ou_huangwei", requestCreator, { text: "@市监局 核查青山镇某饭店营业执照 #餐饮 截止:1个工作日", source: "miniapp" });
    await h.as("ou_huangwei", requestCreator, { text: "@市监局 核查青山镇某超市 截止:5个工作日", source: "miniapp" });
    let s = await signIn("ou_lina");
    const numbers = async (query: string) =>
      ((await (await get(s, `/api/inbox?limit=100&${query}`)).json()).items as Array<{ number: string }>).map((i) => i.number);
    expect(await numbers("q=饭店")).toEqual([r1.request.number]);
    expect(await numbers(`q=${r1.request.number.toLowerCase()}`)).toEqual([r1.request.number]);
    expect(await numbers("category=餐饮")).toEqual([r1.request.number]);
    expect((await numbers("from=dh-qingshan")).length).toBe(2);
    expect(await numbers("from=dh-qingshan&due=soon")).toEqual([]); // due tomorrow 17:30: more than a day away
    h.setNow("2026-11-24T09:00:00+08:00");
    expect((await get(s, "/api/inbox")).status).toBe(401); // sessions last 12 hours
    s = await signIn("ou_lina");
    expect(await numbers("from=dh-qingshan&due=soon")).toEqual([r1.request.number]);
    h.setNow("2026-11-24T18:00:00+08:00");
    expect(await numbers("from=dh-qingshan&due=overdue")).toEqual([r1.request.number]);
    expect(await numbers("from=dh-qingshan&due=soon")).toEqual([]);
    expect(await numbers(`q=${encodeURIComponent("100%_")}`)).toEqual([]);
    const bad = await get(s, "/api/inbox?due=late");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("due 只能是 overdue（已超期）或 soon（一天内到期）");
  });
});
