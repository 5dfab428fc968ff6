import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { digests } from "../../src/jobs/digests";
import { ADMIN, createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-20T10:00:00+08:00"); // Friday
  await h.importOrg({ ...smallOrg, users: smallOrg.users.map((u) => (u.openId === "ou_taxdisp" ? { ...u, dailyDigest: false } : u)) });
});
afterAll(() => h.close());

const raise = async (text: string) => (await h.as("ou_member", requestCreator, { text, source: "chat" })).request;
const messagesTo = async (openId: string) =>
  (await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "deadline.notice").where("recipientId", "=", openId).orderBy("id").execute()).map(
    (m) => (m.payload as { title: string; text: string }),
  ).filter((m) => m.title.startsWith("今日待办提醒") || m.title.endsWith("每周简报")); // the digests, not the sweep's own notices

describe("digests", () => {
  it("a handler gets one morning list of what is due soon or overdue; a head gets the week's figures on Monday; each once; quiet if empty; opt-out respected", async () => {
    const a = await raise("@市监局 核查甲公司营业执照 截止:2026-11-23");
    const t = await raise("@税务局 核对某企业开票信息 截止:2026-11-23");
    await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: a.number }, assignee: { openId: "ou_amrhandler" } });
    await h.as("ou_taxdisp", taskAccepter, { task: { requestNumber: t.number } });
    await deadlineSweep.perform(h.deps); // arms the steps (the 临期 window)
    h.setNow("2026-11-21T09:30:00+08:00"); // Saturday: no digests
    await digests.perform(h.deps);
    expect(await messagesTo("ou_amrhandler")).toEqual([]);
    h.setNow("2026-11-23T09:05:00+08:00"); // Monday morning
    await digests.perform(h.deps);
    await digests.perform(h.deps);
    const mine = await messagesTo("ou_amrhandler");
    expect(mine).toHaveLength(1);
    expect(mine[0]!.title).toBe("今日待办提醒（1 项）");
    expect(mine[0]!.text).toBe(`【临期】${a.number} 核查甲公司营业执照，截止 11月23日 17:30`);
    expect(await messagesTo("ou_amrhandler2")).toEqual([]); // nothing for them: quiet
    expect(await messagesTo("ou_taxdisp")).toEqual([]); // opted out
    const weekly = await messagesTo("ou_amrhead");
    expect(weekly).toHaveLength(1);
    expect(weekly[0]!.title).toBe("市市场监督管理局 每周简报");
    expect(weekly[0]!.text).toContain("在办 1 件，其中临期 1 件、超期 0 件");
  });
});

describe("escalation policies in the import", () => {
  it("are stored per rule and priority, and a wrong one is rejected with a Chinese reason", async () => {
    const report = await runCommand(h.deps, ADMIN, orgImporter, {
      escalationPolicies: [{ code: "licence", name: "证照核查", rule: "licence", superviseAfterWorkingDays: 1, acceptWorkingDays: 2 }],
    });
    expect(report.created).toEqual([{ kind: "escalationPolicy", key: "licence" }]);
    await expect(
      runCommand(h.deps, ADMIN, orgImporter, { escalationPolicies: [{ code: "bad", name: "错", rule: "nope", dueSoon: { days: 1 } }] }),
    ).rejects.toMatchObject({ report: { rejected: [{ kind: "escalationPolicy", key: "bad", reason: expect.stringContaining("workingDaysBefore") }] } });
    // The rule's 签收时限 is now 2 working days: a request raised Monday 10:00 must be accepted by Wednesday 17:30.
    h.setNow("2026-11-23T10:00:00+08:00");
    const r = await raise("@市监局 核查丙公司营业执照 截止:3个工作日");
    const task = await h.db.kysely.selectFrom("tasks").select("acceptDueAt").where("requestId", "=", r.id).executeTakeFirstOrThrow();
    expect(new Date(task.acceptDueAt!).toISOString()).toBe("2026-11-25T09:30:00.000Z");
  });
});
