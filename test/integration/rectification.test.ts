import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appealDecider } from "../../src/commands/appealDecider";
import { disputeDecider } from "../../src/commands/disputeDecider";
import { ratingAppealer } from "../../src/commands/ratingAppealer";
import { rectificationAnswerer } from "../../src/commands/rectificationAnswerer";
import { rectificationReviewer } from "../../src/commands/rectificationReviewer";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { ratingAverages } from "../../src/db/repositories/evaluations";
import { departmentWeeks } from "../../src/db/repositories/digests";
import { pendingWorkFor, requestDetail } from "../../src/db/repositories/views";
import { loadLightClock } from "../../src/commands/escalationPolicy";
import { presentRequestDetail } from "../../src/presenters/request";
import { rectificationSweep } from "../../src/jobs/rectificationSweep";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 好差评 follow-up: a 差评 opens a 整改 item in the rating's transaction; the department answers, the requester
// confirms or disputes, supervisors decide disputes and appeals; the 整改 sweep reminds and escalates once each,
// only within working hours. One database for the file; each scenario raises its own request.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // Monday
  await h.importOrg(smallOrg);
}, 120_000);
afterAll(() => h.close());

/** A licence check raised by 刘洋 (滨江街道), done by 市监局 (王芳), ready to be rated. */
async function completed(at = "2026-11-23T10:00:00+08:00") {
  h.setNow(at);
  const { request } = await h.as("ou_member", requestCreator, { text: "@市监局 核查某公司营业执照", source: "chat" });
  await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number }, assignee: { openId: "ou_amrhandler" } });
  await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: request.number }, result: "经核查，营业执照真实有效" });
  return request;
}
const ref = (number: string) => ({ requestNumber: number });
const item = (requestId: number) => h.db.kysely.selectFrom("rectifications").selectAll().where("requestId", "=", requestId).executeTakeFirst();
const messages = async (requestId: number, topic: string) =>
  (await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload", "cardKey"]).where("requestId", "=", requestId).where("topic", "=", topic).orderBy("id").execute()).map(
    (m) => ({ to: m.recipientId, text: (m.payload as { text: string }).text, payload: m.payload as Record<string, unknown>, cardKey: m.cardKey }),
  );

describe("a 差评 opens a 整改 item", () => {
  it("a rating of 2 opens it in the same transaction, due in 5 working days, and tells the department's head and dispatcher with a card", async () => {
    const r = await completed();
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 2, comment: "答复敷衍" });
    const x = (await item(r.id))!;
    expect(x.state).toBe("open");
    // Monday 11-23 + 5 working days = Monday 11-30 17:30; reminded Friday 11-27 09:00.
    expect(new Date(x.dueAt).toISOString()).toBe(new Date("2026-11-30T17:30:00+08:00").toISOString());
    expect(new Date(x.remindAt).toISOString()).toBe(new Date("2026-11-27T09:00:00+08:00").toISOString());
    const cards = await messages(r.id, "rectification.opened");
    expect(cards.map((c) => c.to).sort()).toEqual(["ou_amrdisp", "ou_amrhead"]);
    expect(cards[0]!.payload).toMatchObject({ number: r.number, score: 2, label: "不满意", comment: "答复敷衍", rectificationDueAt: new Date(x.dueAt).toISOString() });
    expect(cards[0]!.text).toContain(`/整改 ${r.number}`);
    const evaluate = (await listAudit(h.db.kysely, r.id)).find((a) => a.action === "evaluate")!;
    expect(evaluate.data).toMatchObject({ score: 2, rectificationDueAt: new Date(x.dueAt).toISOString() });
  });

  it("on a sensitive request the 整改 card and the answer card carry none of the words people wrote", async () => {
    h.setNow("2026-11-23T10:00:00+08:00");
    const { request: r } = await h.as("ou_member", requestCreator, { text: "@市监局 核查举报线索", source: "miniapp", classification: "sensitive" });
    await h.as("ou_amrdisp", taskAccepter, { task: ref(r.number), assignee: { openId: "ou_amrhandler" } });
    await h.as("ou_amrhandler", taskCompleter, { task: ref(r.number), result: "线索属实" });
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 1, comment: "泄露了举报人信息" });
    await h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "已处分泄密人员" });
    const sent = [...(await messages(r.id, "rectification.opened")), ...(await messages(r.id, "rectification.answered"))];
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent) {
      expect(m.payload).toMatchObject({ sensitive: true, body: null, comment: null });
      expect(JSON.stringify(m.payload)).not.toContain("举报");
      expect(JSON.stringify(m.payload)).not.toContain("泄密");
    }
  });

  it("a rating of 3 opens none, and then there is nothing to answer", async () => {
    const r = await completed();
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 3 });
    expect(await item(r.id)).toBeUndefined();
    await expect(h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "已改进" })).rejects.toThrow(
      "该任务没有整改事项：只有评价为「不满意」或「非常不满意」的任务需要整改。",
    );
  });

  it("no self-rating: a requester who also holds a role in the rated department is refused", async () => {
    const member2 = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", "ou_member2").executeTakeFirstOrThrow();
    const amr = await h.db.kysely.selectFrom("departments").select("id").where("code", "=", "amr").executeTakeFirstOrThrow();
    await h.db.kysely.insertInto("userRoles").values({ userId: member2.id, role: "handler", departmentId: amr.id }).execute();
    h.setNow("2026-11-23T10:00:00+08:00");
    const { request } = await h.as("ou_member2", requestCreator, { text: "@市监局 核查另一公司营业执照", source: "chat" });
    await h.as("ou_amrdisp", taskAccepter, { task: ref(request.number), assignee: { openId: "ou_amrhandler" } });
    await h.as("ou_amrhandler", taskCompleter, { task: ref(request.number), result: "已核查" });
    await expect(h.as("ou_member2", taskEvaluator, { task: ref(request.number), score: 1, comment: "太慢" })).rejects.toThrow(
      "您也是承办部门的人员，不能评价本部门办理的任务。",
    );
    await h.db.kysely.deleteFrom("userRoles").where("userId", "=", member2.id).where("departmentId", "=", amr.id).execute();
  });
});

describe("answer, confirm, dispute and the supervisor's decision", () => {
  it("the head answers; the requester confirms; the 整改 closes on time and the heads are told", async () => {
    const r = await completed();
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 1, comment: "答复敷衍" });
    await expect(h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "confirm" })).rejects.toThrow("承办部门尚未答复整改情况");
    await expect(h.as("ou_amrhandler", rectificationAnswerer, { task: ref(r.number), answer: "已改进" })).rejects.toThrow(/您无权整改答复：只有承办部门收件员或承办部门负责人可以整改答复/);
    await expect(h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "  " })).rejects.toThrow("请写明整改情况");
    h.setNow("2026-11-25T11:00:00+08:00");
    await h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "已约谈经办人，建立答复前复核制度" });
    await expect(h.as("ou_amrdisp", rectificationAnswerer, { task: ref(r.number), answer: "再答一次" })).rejects.toThrow("该任务的整改已答复，无需重复答复。");
    const [card] = await messages(r.id, "rectification.answered");
    expect(card).toMatchObject({ to: "ou_member", cardKey: `rectification:${(await item(r.id))!.taskId}:requester` });
    expect(card!.payload).toMatchObject({ answer: "已约谈经办人，建立答复前复核制度", onTime: true, rectificationState: "answered" });
    await expect(h.as("ou_amrhead", rectificationReviewer, { task: ref(r.number), verdict: "confirm" })).rejects.toThrow(/您无权确认整改：只有发起人可以确认整改/);
    await h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "confirm" });
    await expect(h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "dispute", reason: "不对" })).rejects.toThrow("该整改已确认或已提出异议，无需重复操作。");
    expect((await item(r.id))!).toMatchObject({ state: "confirmed", verdict: "confirmed" });
    expect((await messages(r.id, "rectification.confirmed")).map((m) => `${m.to}: ${m.text}`)).toEqual([`ou_amrhead: 刘洋 已确认整改，整改事项办结。`]);
    const trail = (await listAudit(h.db.kysely, r.id)).map((a) => [a.action, a.actorName, a.fromState, a.toState]);
    expect(trail.slice(-3)).toEqual([
      ["evaluate", "刘洋", "completed", "completed"],
      ["rectify", "张伟", "completed", "completed"],
      ["confirmRectification", "刘洋", "completed", "completed"],
    ]);
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
  });

  it("a dispute needs a reason, goes to every supervisor, and a supervisor decides it with a comment", async () => {
    const r = await completed();
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 2, comment: "没有说明原因" });
    await h.as("ou_amrdisp", rectificationAnswerer, { task: ref(r.number), answer: "已补充说明" });
    await expect(h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "dispute" })).rejects.toThrow("提出整改异议时请写明理由");
    await expect(h.as("ou_sup", disputeDecider, { task: ref(r.number), decision: "upheld", comment: "x" })).rejects.toThrow("该任务没有待裁定的整改异议。");
    await h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "dispute", reason: "整改未落实到位" });
    expect((await messages(r.id, "rectification.disputed")).map((m) => m.to)).toEqual(["ou_sup", "ou_amrhead"]);
    expect((await messages(r.id, "rectification.disputed"))[0]!.text).toContain("刘洋 对整改答复有异议：整改未落实到位");
    await expect(h.as("ou_amrhead", disputeDecider, { task: ref(r.number), decision: "not_upheld", comment: "已落实" })).rejects.toThrow(/您无权裁定整改异议：只有督查人员可以/);
    await expect(h.as("ou_sup", disputeDecider, { task: ref(r.number), decision: "upheld", comment: " " })).rejects.toThrow("请写明裁定意见。");
    await h.as("ou_sup", disputeDecider, { task: ref(r.number), decision: "upheld", comment: "整改未针对答复超期的问题" });
    expect((await item(r.id))!).toMatchObject({ state: "resolved", decision: "upheld", decisionComment: "整改未针对答复超期的问题", decidedByName: "何督查" });
    const told = await messages(r.id, "rectification.decided");
    expect(told.map((m) => `${m.to}: ${m.text}`)).toEqual(["ou_amrhead: 督查 何督查 裁定整改异议：异议成立：整改未针对答复超期的问题"]);
    expect((await messages(r.id, "rectification.card")).at(-1)).toMatchObject({ to: "ou_member", payload: expect.objectContaining({ decision: "upheld", rectificationState: "resolved" }) });
    await expect(h.as("ou_sup", disputeDecider, { task: ref(r.number), decision: "not_upheld", comment: "改判" })).rejects.toThrow("该整改异议已裁定，无需重复裁定。");
  });
});

describe("the request page and 待办 show the 整改 and the appeal", () => {
  const detail = async (openId: string, number: string) => {
    const d = (await requestDetail(h.db.kysely, await h.actor(openId), number))!;
    return presentRequestDetail(d, undefined, await h.actor(openId), await loadLightClock(h.db.kysely, h.deps)).tasks[0]!;
  };
  const todo = async (openId: string) => pendingWorkFor(h.db.kysely, await h.actor(openId), 100);
  const numbers = (items: Array<{ number: string }>) => items.map((i) => i.number);

  it("each person sees the buttons they may press now, and their 待办 lists what waits for them", async () => {
    const r = await completed();
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 2, comment: "答复敷衍" });
    expect((await detail("ou_amrhead", r.number)).actions).toEqual(["rectify", "appeal"]);
    expect((await detail("ou_amrdisp", r.number)).actions).toEqual(["rectify"]);
    expect((await detail("ou_member", r.number)).actions).toEqual([]);
    expect((await detail("ou_member", r.number)).rectification).toMatchObject({ state: "open", label: "待整改", answer: null, onTime: null });
    expect(numbers((await todo("ou_amrhead")).toRectify)).toContain(r.number);
    await h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "已改进答复流程" });
    expect(numbers((await todo("ou_amrhead")).toRectify)).not.toContain(r.number);
    expect(numbers((await todo("ou_member")).toConfirmRectification)).toContain(r.number);
    expect((await detail("ou_member", r.number)).actions).toEqual(["confirmRectification", "disputeRectification"]);
    await h.as("ou_member", rectificationReviewer, { task: ref(r.number), verdict: "dispute", reason: "流程未改" });
    await h.as("ou_amrhead", ratingAppealer, { task: ref(r.number), reason: "评价不实" });
    expect(numbers((await todo("ou_sup")).toDecide).filter((x) => x === r.number)).toEqual([r.number]);
    const sup = await detail("ou_sup", r.number);
    // Within 10 working days of completion a supervisor may also send the task back under 督办 (重新督办).
    expect(sup.actions).toEqual(["decideDispute", "decideAppeal", "reopen"]);
    expect(sup.rectification).toMatchObject({ state: "disputed", answer: "已改进答复流程", onTime: true, disputeReason: "流程未改" });
    expect(sup.appeal).toMatchObject({ state: "pending", reason: "评价不实", excluded: false });
  });
});

describe("申诉: one appeal per rating; an excluded rating leaves the averages", () => {
  it("the head appeals once; a supervisor excludes it; the requester and the head are told; averages no longer count it", async () => {
    // A fresh department-week: ratings of 5 and 1 for 市监局 from this scenario only are compared before/after.
    const good = await completed("2026-12-07T10:00:00+08:00");
    await h.as("ou_member", taskEvaluator, { task: ref(good.number), score: 5 });
    const bad = await completed("2026-12-07T10:00:00+08:00");
    await h.as("ou_member", taskEvaluator, { task: ref(bad.number), score: 1, comment: "恶意差评测试" });
    const amr = await h.db.kysely.selectFrom("departments").select("id").where("code", "=", "amr").executeTakeFirstOrThrow();
    const week = async () =>
      (await departmentWeeks(h.db.kysely, [amr.id], new Date("2026-12-14T10:00:00+08:00"), new Date("2026-12-14T00:00:00+08:00"), new Date("2026-12-07T00:00:00+08:00")))[0]!;
    expect(await week()).toMatchObject({ ratings: 2, avgScore: 3 });
    const before = (await ratingAverages(h.db.kysely, [amr.id])).get(amr.id)!;

    await expect(h.as("ou_amrhandler", ratingAppealer, { task: ref(bad.number), reason: "不实" })).rejects.toThrow(/您无权申诉：只有承办部门负责人可以申诉/);
    await expect(h.as("ou_amrhead", ratingAppealer, { task: ref(bad.number), reason: "" })).rejects.toThrow("申诉须写明理由");
    await expect(h.as("ou_sup", appealDecider, { task: ref(bad.number), decision: "exclude", comment: "x" })).rejects.toThrow("该任务的评价没有待裁定的申诉。");
    await h.as("ou_amrhead", ratingAppealer, { task: ref(bad.number), reason: "该评价针对的是其他部门的答复" });
    await expect(h.as("ou_amrhead", ratingAppealer, { task: ref(bad.number), reason: "再申诉" })).rejects.toThrow("每条评价只能申诉一次，该评价已申诉。");
    expect((await messages(bad.id, "rating.appealed")).map((m) => `${m.to}: ${m.text}`)).toEqual([
      "ou_sup: 张伟 对该任务的评价提出申诉：该评价针对的是其他部门的答复。请在小程序中打开该事项裁定（不计入统计 / 维持评价）。",
    ]);
    await expect(h.as("ou_amrhead", appealDecider, { task: ref(bad.number), decision: "exclude", comment: "x" })).rejects.toThrow(/您无权裁定申诉/);
    await h.as("ou_sup", appealDecider, { task: ref(bad.number), decision: "exclude", comment: "评价对象有误" });
    await expect(h.as("ou_sup", appealDecider, { task: ref(bad.number), decision: "keep", comment: "改判" })).rejects.toThrow("该申诉已裁定，无需重复裁定。");
    const e = await h.db.kysely.selectFrom("evaluations").selectAll().where("requestId", "=", bad.id).executeTakeFirstOrThrow();
    expect(e).toMatchObject({ appealState: "excluded", excludedBy: "何督查", exclusionReason: "评价对象有误" });
    expect(e.excludedAt).not.toBeNull();
    expect((await messages(bad.id, "rating.appeal_decided")).map((m) => `${m.to}: ${m.text}`)).toEqual([
      "ou_member: 督查 何督查 裁定评价申诉：申诉成立，该评价不计入统计。意见：评价对象有误",
      "ou_amrhead: 督查 何督查 裁定评价申诉：申诉成立，该评价不计入统计。意见：评价对象有误",
    ]);
    expect(await week()).toMatchObject({ ratings: 1, avgScore: 5 });
    const after = (await ratingAverages(h.db.kysely, [amr.id])).get(amr.id)!;
    expect(after.ratings).toBe(before.ratings - 1);
  });

  it("a kept rating still counts", async () => {
    const r = await completed("2026-12-07T10:00:00+08:00");
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 2, comment: "答复不完整" });
    await h.as("ou_amrhead", ratingAppealer, { task: ref(r.number), reason: "已完整答复" });
    await h.as("ou_sup", appealDecider, { task: ref(r.number), decision: "keep", comment: "评价有据" });
    const e = await h.db.kysely.selectFrom("evaluations").selectAll().where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(e).toMatchObject({ appealState: "kept", excludedAt: null });
  });
});

describe("the 整改 sweep on a controllable clock", () => {
  const noticesOf = async (requestId: number) => (await messages(requestId, "rectification.notice")).map((m) => `${m.to}: ${m.text}`);
  const sweepAt = async (iso: string) => {
    h.setNow(iso);
    return rectificationSweep.perform(h.deps);
  };

  it("reminds the head once the working day before at 09:00, tells head and supervisors once when overdue, audited as the system", async () => {
    const r = await completed("2026-12-14T10:00:00+08:00"); // Monday
    await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 2, comment: "答复敷衍" });
    // Due Monday 12-21 17:30; reminded Friday 12-18 09:00.
    await sweepAt("2026-12-17T10:00:00+08:00");
    await sweepAt("2026-12-18T08:59:00+08:00");
    expect(await noticesOf(r.id)).toEqual([]);
    await Promise.all([sweepAt("2026-12-18T09:00:00+08:00"), rectificationSweep.perform(h.deps)]);
    await sweepAt("2026-12-18T15:00:00+08:00");
    const remind = `【整改临期】${r.number}：差评整改将于 12/21 17:30 到期，请尽快答复整改情况（/整改 ${r.number} 整改内容）。`;
    expect(await noticesOf(r.id)).toEqual([`ou_amrhead: ${remind}`]);
    await sweepAt("2026-12-21T17:29:00+08:00");
    await sweepAt("2026-12-21T17:31:00+08:00");
    await sweepAt("2026-12-22T09:00:00+08:00");
    const overdue = `【整改超期】${r.number}：差评整改已于 12/21 17:30 到期，承办部门仍未答复整改情况，请督促落实。`;
    expect(await noticesOf(r.id)).toEqual([`ou_amrhead: ${remind}`, `ou_amrhead: ${overdue}`, `ou_sup: ${overdue}`]);
    const steps = (await listAudit(h.db.kysely, r.id)).filter((a) => a.action.startsWith("rectification."));
    expect(steps.map((a) => [a.action, a.actorName, a.fromState])).toEqual([
      ["rectification.due_soon", "系统（整改督办）", null],
      ["rectification.overdue", "系统（整改督办）", null],
    ]);
    // Answered late: counted as not on time.
    await h.as("ou_amrhead", rectificationAnswerer, { task: ref(r.number), answer: "已整改" });
    expect((await messages(r.id, "rectification.answered"))[0]!.payload).toMatchObject({ onTime: false });
  });

  it("nothing at night or at the weekend: a reminder due Friday evening waits for Monday 09:00; an answered item is never chased", async () => {
    h.deps.config.rectifyWorkingDays = 1;
    try {
      const r = await completed("2026-12-25T17:00:00+08:00"); // Friday
      await h.as("ou_member", taskEvaluator, { task: ref(r.number), score: 1, comment: "答复敷衍" });
      const answered = await completed("2026-12-25T17:00:00+08:00");
      await h.as("ou_member", taskEvaluator, { task: ref(answered.number), score: 1, comment: "答复敷衍" });
      await h.as("ou_amrhead", rectificationAnswerer, { task: ref(answered.number), answer: "已整改" });
      expect(new Date((await item(r.id))!.dueAt).toISOString()).toBe(new Date("2026-12-28T17:30:00+08:00").toISOString());
      for (const at of ["2026-12-25T18:30:00+08:00", "2026-12-26T10:00:00+08:00", "2026-12-27T23:00:00+08:00", "2026-12-28T08:59:00+08:00"]) {
        expect(await sweepAt(at)).toEqual({ reminders: 0, overdue: 0 });
      }
      expect(await noticesOf(r.id)).toEqual([]);
      await sweepAt("2026-12-28T09:00:00+08:00");
      expect(await noticesOf(r.id)).toHaveLength(1);
      await sweepAt("2026-12-28T20:00:00+08:00");
      expect(await noticesOf(r.id)).toHaveLength(1);
      await sweepAt("2026-12-29T09:00:00+08:00");
      expect(await noticesOf(r.id)).toHaveLength(3);
      expect(await noticesOf(answered.id)).toEqual([]);
    } finally {
      h.deps.config.rectifyWorkingDays = 5;
    }
  });
});
