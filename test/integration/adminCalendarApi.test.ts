import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noticeMissingYear } from "../../src/commands/calendarNotices";
import { requestCreator } from "../../src/commands/requestCreator";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createSession } from "../../src/db/repositories/sessions";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The calendar admin API: this and next year's schedule with a warning when next year has no data, overrides
// with a reason (audited), open tasks' deadlines kept unless the admin asks to recompute, and the December notice.

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin: string;
let member = { cookie: "", csrf: "" };
beforeAll(async () => {
  h = await createHarness("2026-12-30T10:00:00+08:00"); // Wednesday
  await h.importOrg(smallOrg);
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
  const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", "ou_member").executeTakeFirstOrThrow();
  const s = await createSession(h.db.kysely, user.id, h.deps.now());
  member = { cookie: `xt_session=${s.sessionId}`, csrf: s.csrfToken };
});
afterAll(() => h.close());

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const dueOf = async (number: string) =>
  (await h.db.kysely.selectFrom("tasks").innerJoin("requests", "requests.id", "tasks.requestId").select(["tasks.dueAt", "tasks.originalDueAt"]).where("requests.number", "=", number).executeTakeFirstOrThrow());
const iso = (d: Date | string) => new Date(d).toISOString();

describe("/api/admin/calendar", () => {
  it("refuses a member's session with 403 in Chinese; bad input 400 with an example", async () => {
    const res = await app.request("/api/admin/calendar", { headers: { cookie: member.cookie } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.message).toBe("只有管理员可以使用管理功能，请联系系统管理员。");
    const badDate = await call("PUT", "/api/admin/calendar/days/2027-02-30", { kind: "holiday", reason: "测试原因" });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.message).toContain("日期须为真实存在的 YYYY-MM-DD，例如 2027-01-01");
    const noReason = await call("PUT", "/api/admin/calendar/days/2027-01-01", { kind: "holiday" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain("请填写调整原因");
    expect(JSON.parse(noReason.body.error.example)).toMatchObject({ kind: "holiday", reason: "国务院办公厅通知：2027 年元旦放假" });
    const badKind = await call("PUT", "/api/admin/calendar/days/2027-01-01", { kind: "day-off", reason: "测试原因" });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toContain("kind 只能是 holiday（放假）、workday（上班）或 statutory");
  });

  it("in December, with no 2027 data, the view warns and the admins are told once", async () => {
    const view = await call("GET", "/api/admin/calendar");
    expect(view.status).toBe(200);
    expect(view.body.years.map((y: any) => [y.year, y.statutory, y.hasData])).toEqual([[2026, true, true], [2027, false, false]]);
    expect(view.body.warning).toContain("2027 年的法定节假日和调休安排尚无数据");
    expect(view.body.years[0].days.find((d: any) => d.date === "2026-10-01")).toMatchObject({ kind: "holiday", name: "国庆节", source: "statutory" });

    expect(await noticeMissingYear(h.deps)).toEqual({ sent: 1 });
    expect(await noticeMissingYear(h.deps)).toEqual({ sent: 0 });
    const sent = await h.db.kysely.selectFrom("outbox").select(["recipientId", "payload"]).where("topic", "=", "calendar.missing_year").execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.recipientId).toBe("ou_admin");
    expect((sent[0]!.payload as any).text).toContain("2027 年的法定节假日和调休安排尚无数据");
  });

  it("a 2027 holiday moves new requests' deadlines; open tasks stay unless recomputed, which is audited", async () => {
    // Wed 12-30, 3 working days: Thu 12-31, Fri 01-01 (no 2027 data: a weekday), Mon 01-04.
    const a = await h.as("ou_member", requestCreator, { text: "核查某公司营业执照", source: "chat" });
    expect(iso((await dueOf(a.request.number)).dueAt)).toBe("2027-01-04T09:30:00.000Z");

    const set = await call("PUT", "/api/admin/calendar/days/2027-01-01", { kind: "holiday", reason: "国务院办公厅通知：2027 年元旦放假" });
    expect(set.body).toMatchObject({ date: "2027-01-01", isWorkday: false, changed: true, recomputedTasks: 0 });
    expect(iso((await dueOf(a.request.number)).dueAt)).toBe("2027-01-04T09:30:00.000Z");
    const b = await h.as("ou_member", requestCreator, { text: "核查另一公司营业执照", source: "chat" });
    expect(iso((await dueOf(b.request.number)).dueAt)).toBe("2027-01-05T09:30:00.000Z");

    const view = await call("GET", "/api/admin/calendar");
    expect(view.body.years[1]).toMatchObject({ year: 2027, hasData: true });
    expect(view.body.years[1].days).toEqual([{ date: "2027-01-01", kind: "holiday", name: null, source: "override", statutoryKind: null, note: "国务院办公厅通知：2027 年元旦放假" }]);
    expect(view.body.warning).toBeNull();

    const again = await call("PUT", "/api/admin/calendar/days/2027-01-04", { kind: "holiday", reason: "临时调整", recomputeOpenTasks: true });
    expect(again.body).toMatchObject({ isWorkday: false, recomputedTasks: 2 });
    // Each keeps its working-day count on the new calendar: a (2 then) -> Tue 01-05, b (3) -> Wed 01-06.
    expect(iso((await dueOf(a.request.number)).dueAt)).toBe("2027-01-05T09:30:00.000Z");
    expect(iso((await dueOf(b.request.number)).originalDueAt)).toBe("2027-01-06T09:30:00.000Z");
    const trail = await h.db.kysely.selectFrom("auditEvents").select(["action", "data", "actorName"]).where("requestId", "=", b.request.id).where("action", "=", "task.deadline_recomputed").execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actorName: "测试", data: { from: "2027-01-05T09:30:00.000Z", to: "2027-01-06T09:30:00.000Z", calendarDate: "2027-01-04", reason: "临时调整" } });

    const removed = await call("PUT", "/api/admin/calendar/days/2027-01-04", { kind: "statutory", reason: "调整撤销" });
    expect(removed.body).toMatchObject({ isWorkday: true, recomputedTasks: 0 });
    expect(iso((await dueOf(a.request.number)).dueAt)).toBe("2027-01-05T09:30:00.000Z");
    const gone = await call("PUT", "/api/admin/calendar/days/2027-01-04", { kind: "statutory", reason: "调整撤销" });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe("2027-01-04 没有管理员调整，已按法定安排。");

    const org = await h.db.kysely.selectFrom("auditEvents").select(["action", "data"]).where("chain", "=", "org").where("action", "like", "calendar.%").orderBy("seq").execute();
    expect(org.map((e) => [e.action, (e.data as any).date, (e.data as any).reason])).toEqual([
      ["calendar.set", "2027-01-01", "国务院办公厅通知：2027 年元旦放假"],
      ["calendar.set", "2027-01-04", "临时调整"],
      ["calendar.remove", "2027-01-04", "调整撤销"],
    ]);
  });

  it("outside December nothing is sent", async () => {
    h.setNow("2026-11-20T10:00:00+08:00");
    expect(await noticeMissingYear(h.deps)).toEqual({ sent: 0 });
    h.setNow("2026-12-30T10:00:00+08:00");
  });
});
