import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infoRequester } from "../../src/commands/infoRequester";
import { infoSupplier } from "../../src/commands/infoSupplier";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { createDb } from "../../src/db/client";
import { listAudit, verifyChain } from "../../src/db/repositories/audit";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The deadline sweep on a controllable clock: each step once, to the right people, never at night or on a holiday.
// One database for the file (creating one is slow on a busy machine): the scenarios follow each other in time,
// and each looks only at the notices about its own requests.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-09-28T10:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const raise = async (text: string) => (await h.as("ou_member", requestCreator, { text, source: "chat" })).request;
const accept = (number: string) => h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: number }, assignee: { openId: "ou_amrhandler" } });
const sweepAt = async (iso: string) => {
  h.setNow(iso);
  return deadlineSweep.perform(h.deps);
};
/** the deadline notices about these requests: "recipient: lines" (lines about other requests left out) */
const notices = async (...numbers: string[]) =>
  (await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("topic", "=", "deadline.notice").orderBy("id").execute())
    .map((m) => ({ to: m.recipientId, lines: (m.payload as { text: string }).text.split("\n").filter((l) => numbers.some((n) => l.includes(n))) }))
    .filter((m) => m.lines.length > 0)
    .map((m) => `${m.to}: ${m.lines.join("\n")}`);
const steps = async (requestId: number) =>
  (await listAudit(h.db.kysely, requestId)).filter((a) => a.action.startsWith("escalation.")).map((a) => `${a.action}/${(a.data as { outcome: string }).outcome}`);

describe("deadline steps on the working calendar", () => {
  it("a task due on the eve of National Day 2026 walks 临期, 签收超时, 超期 and 督办: each once, to the right people, silent in the holiday", async () => {
    h.setNow("2026-09-28T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查某公司营业执照 截止:2026-09-30");
    const n = r.number;
    await sweepAt("2026-09-28T10:01:00+08:00");
    expect(await notices(n)).toEqual([]);
    // 临期: 09:00 on the working day before the due day, to the department (no handler named yet): its work group.
    await sweepAt("2026-09-29T08:59:00+08:00");
    expect(await notices(n)).toEqual([]);
    await sweepAt("2026-09-29T09:00:00+08:00");
    expect(await notices(n)).toEqual([`oc_amr: 【临期】${n} 核查某公司营业执照：将于 9月30日 17:30 到期，请抓紧办理。`]);
    // 签收时限 (1 working day) missed at 9-29 17:30: the department is told.
    await sweepAt("2026-09-29T17:31:00+08:00");
    expect((await notices(n))[1]).toBe(`oc_amr: 【签收超时】${n} 核查某公司营业执照：签收时限 9月29日 17:30 已过，请尽快签收（/签收 ${n}）。`);
    h.setNow("2026-09-30T09:30:00+08:00");
    await accept(n);
    await sweepAt("2026-09-30T09:31:00+08:00");
    await sweepAt("2026-09-30T17:29:00+08:00");
    expect(await notices(n)).toHaveLength(2);
    // 超期: the handler and the target head.
    await sweepAt("2026-09-30T17:31:00+08:00");
    expect((await notices(n)).slice(2)).toEqual([
      `ou_amrhandler: 【超期】${n} 核查某公司营业执照（市市场监督管理局）：已于 9月30日 17:30 超过办结时限，请尽快办结。`,
      `ou_amrhead: 【超期】${n} 核查某公司营业执照（市市场监督管理局）：已于 9月30日 17:30 超过办结时限，请尽快办结。`,
    ]);
    const task = await h.db.kysely.selectFrom("tasks").selectAll().where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(task.everRed).toBe(true);
    // Nothing at night, nothing in the holiday, nothing on 10-08 (督办 is 2 working days after the due day).
    for (const at of ["2026-09-30T20:00:00+08:00", "2026-10-01T10:00:00+08:00", "2026-10-04T10:00:00+08:00", "2026-10-07T15:00:00+08:00", "2026-10-08T09:00:00+08:00", "2026-10-09T08:59:00+08:00"]) {
      await sweepAt(at);
    }
    expect(await notices(n)).toHaveLength(4);
    await sweepAt("2026-10-09T09:00:00+08:00");
    const supervise = `【督办】${n} 核查某公司营业执照（市市场监督管理局）：超期 2 个工作日仍未办结（截止 9月30日 17:30），请督促办理。`;
    expect((await notices(n)).slice(4)).toEqual([`ou_sup: ${supervise}`, `ou_streethead: ${supervise}`, `ou_streethead2: ${supervise}`]);
    await sweepAt("2026-10-09T09:01:00+08:00");
    await sweepAt("2026-10-12T10:00:00+08:00");
    expect(await notices(n)).toHaveLength(7);
    expect(await steps(r.id)).toEqual(["escalation.due_soon/sent", "escalation.accept_overdue/sent", "escalation.overdue/sent", "escalation.supervise/sent"]);
    const audit = (await listAudit(h.db.kysely, r.id)).filter((a) => a.action.startsWith("escalation."));
    expect(new Set(audit.map((a) => a.actorName))).toEqual(new Set(["系统（时限督办）"]));
    expect((await verifyChain(h.db.kysely, `request:${r.id}`)).ok).toBe(true);
    // Done late: red stays in its record.
    h.setNow("2026-10-12T11:00:00+08:00");
    await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: n }, result: "经核查，营业执照真实有效" });
    await sweepAt("2026-10-13T09:00:00+08:00");
    expect(await notices(n)).toHaveLength(7);
    expect((await h.db.kysely.selectFrom("tasks").select("everRed").where("requestId", "=", r.id).executeTakeFirstOrThrow()).everRed).toBe(true);
  });

  it("a server down from the deadline until night catches up on the next working morning, not at night or at the weekend", async () => {
    h.setNow("2026-10-14T10:00:00+08:00"); // Wednesday
    const r = await raise("@市监局 核查某公司营业执照 截止:2026-10-16");
    await accept(r.number);
    for (const at of ["2026-10-15T09:30:00+08:00", "2026-10-16T18:00:00+08:00", "2026-10-16T23:00:00+08:00", "2026-10-17T09:30:00+08:00", "2026-10-19T08:59:00+08:00"]) {
      await sweepAt(at);
    }
    expect(await notices(r.number)).toHaveLength(1); // the 临期 reminder of 10-15
    await sweepAt("2026-10-19T09:00:00+08:00");
    expect((await notices(r.number)).slice(1).map((x) => x.split(":")[0])).toEqual(["ou_amrhandler", "ou_amrhead"]);
  });

  it("several reminders to one person in one sweep go as one message", async () => {
    h.setNow("2026-11-02T10:00:00+08:00");
    const a = await raise("@市监局 核查甲公司营业执照 截止:2026-11-04");
    const b = await raise("@市监局 核查乙公司营业执照 截止:2026-11-04");
    for (const r of [a, b]) await accept(r.number);
    await sweepAt("2026-11-03T09:00:00+08:00");
    expect((await notices(a.number, b.number)).filter((x) => x.startsWith("ou_amrhandler:"))).toEqual([
      `ou_amrhandler: 【临期】${a.number} 核查甲公司营业执照：将于 11月4日 17:30 到期，请抓紧办理。\n【临期】${b.number} 核查乙公司营业执照：将于 11月4日 17:30 到期，请抓紧办理。`,
    ]);
  });

  it("补正: nothing fires while paused; the moved deadline re-arms the steps that had not fired", async () => {
    h.setNow("2026-11-23T10:00:00+08:00"); // Monday
    const r = await raise("@市监局 核查某公司营业执照 截止:2026-11-25"); // Wednesday 17:30
    h.setNow("2026-11-23T11:00:00+08:00");
    await accept(r.number);
    await h.as("ou_amrhandler", infoRequester, { task: { requestNumber: r.number }, question: "请补充统一社会信用代码" });
    for (const at of ["2026-11-24T09:00:00+08:00", "2026-11-25T17:30:00+08:00", "2026-11-26T10:00:00+08:00"]) await sweepAt(at);
    expect(await notices(r.number)).toEqual([]);
    const paused = await h.db.kysely.selectFrom("tasks").select("everRed").where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(paused.everRed).toBe(false);
    // Answered Thursday 11:00 after 3 days of working time waiting: the deadline moves by as much.
    h.setNow("2026-11-26T11:00:00+08:00");
    await h.as("ou_member", infoSupplier, { task: { requestNumber: r.number }, content: "91330100MA2XXXXX" });
    const task = await h.db.kysely.selectFrom("tasks").selectAll().where("requestId", "=", r.id).executeTakeFirstOrThrow();
    // Wed 17:30 + 72 h of working days (the rest of Wed, Thu, Fri, then Monday until 17:30) = Monday 11-30 17:30.
    expect(new Date(task.dueAt).toISOString()).toBe("2026-11-30T09:30:00.000Z");
    await sweepAt("2026-11-26T11:01:00+08:00");
    await sweepAt("2026-11-27T08:59:00+08:00");
    expect(await notices(r.number)).toEqual([]);
    await sweepAt("2026-11-27T09:00:00+08:00");
    expect(await notices(r.number)).toEqual([`ou_amrhandler: 【临期】${r.number} 核查某公司营业执照：将于 11月30日 17:30 到期，请抓紧办理。`]);
    const rows = await h.db.kysely.selectFrom("taskEscalations").selectAll().where("taskId", "=", task.id).execute();
    expect(rows.map((e) => new Date(e.armedFor).toISOString())).toEqual(rows.map(() => "2026-11-30T09:30:00.000Z"));
  });

  it("two job runners at once: every step fires once, whichever runner claims it", async () => {
    h.setNow("2026-12-07T10:00:00+08:00");
    const numbers: string[] = [];
    for (let i = 0; i < 12; i++) numbers.push((await raise(`@市监局 核查第${i}家公司营业执照 截止:2026-12-08`)).number);
    const url = process.env.TEST_DATABASE_URL;
    const second = url && h.db.kind === "postgres" ? await createDb({ databaseUrl: url, schema: h.db.schema, poolSize: 4 }) : null;
    try {
      h.setNow("2026-12-08T17:30:00+08:00");
      const other = second ? { ...h.deps, db: second } : h.deps;
      await Promise.all([deadlineSweep.perform(h.deps), deadlineSweep.perform(other), deadlineSweep.perform(h.deps), deadlineSweep.perform(other)]);
    } finally {
      await second?.close();
    }
    const ids = (await h.db.kysely.selectFrom("requests").select("id").where("number", "in", numbers).execute()).map((r) => r.id);
    const fired = await h.db.kysely.selectFrom("auditEvents").select(["taskId", "action"]).where("requestId", "in", ids).where("action", "like", "escalation.%").execute();
    // Each task: 临期 (due at 09:00 that morning) and 超期, once; its 签收时限 is the deadline itself, so no separate step.
    const perTask = new Map<number, string[]>();
    for (const f of fired) perTask.set(f.taskId!, [...(perTask.get(f.taskId!) ?? []), f.action]);
    expect(perTask.size).toBe(12);
    for (const actions of perTask.values()) expect(actions.sort()).toEqual(["escalation.due_soon", "escalation.overdue"]);
    // The work group hears of each task's 超期 once, whichever runner told it.
    const lines = (await notices(...numbers)).filter((x) => x.startsWith("oc_amr:")).flatMap((x) => x.split("\n")).filter((l) => l.includes("【超期】"));
    expect(lines.map((l) => l.match(/XT-\d{4}-\d{6}/)![0]).sort()).toEqual([...numbers].sort());
  });
});
