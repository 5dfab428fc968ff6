import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// The deadline sweep's notices reach the right chats on the platform (the sandbox, through the real SDK).

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-09-28T10:00:00+08:00"); // Monday before National Day
});
afterAll(() => h.close());

/** A sweep, then delivery; after a jump of the clock the platform's token has expired, so the first send is
 * refused, the token dropped and the message retried a few seconds later. */
const sweepAt = async (iso: string) => {
  h.setNow(iso);
  await deadlineSweep.perform(h.deps);
  await h.flush();
  h.setNow(new Date(new Date(iso).getTime() + 5_000).toISOString());
  await h.flush();
};
const cardsIn = (filter: { chatId?: string; receiveId?: string }) =>
  h.sandbox.messages(filter).filter((m) => m.msg_type === "interactive").map((m) => JSON.parse(m.content));
const text = (card: any): string => (card.body.elements as any[]).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");

describe("a request walks 临期, 超期 and 督办 in chat", () => {
  it("the department's group, the handler, the target head, the supervisor and the requesting head each get their card", async () => {
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司营业执照 截止:2026-09-30" });
    await h.flush();
    const n = "XT-2026-000001";
    // The announcement card shows the 签收时限 and the light in words.
    expect(text(cardsIn({ chatId: "oc_city_amr" })[0])).toContain("**签收时限**：9月29日 17:30");
    expect(text(cardsIn({ chatId: "oc_city_amr" })[0])).toContain("**时限**：🟢 绿灯 · 正常");

    await sweepAt("2026-09-29T09:00:00+08:00");
    const group = cardsIn({ chatId: "oc_city_amr" }).at(-1);
    expect(group.header.title.content).toBe("临期提醒");
    expect(text(group)).toContain(`【临期】${n} 核查某公司营业执照：将于 9月30日 17:30 到期`);

    h.setNow("2026-09-29T10:00:00+08:00");
    await h.as("ou_lina", taskAccepter, { task: { requestNumber: n }, assignee: { openId: "ou_wangfang" } });
    await h.flush();
    h.advanceHours(0.01);
    await h.flush();
    await sweepAt("2026-09-30T17:31:00+08:00");
    for (const who of ["ou_wangfang", "ou_zhangwei"]) {
      const c = cardsIn({ receiveId: who }).at(-1);
      expect(c.header.title.content, who).toBe("超期");
      expect(text(c), who).toContain(`【超期】${n}`);
    }
    // The holiday is silent; 督办 two working days after the due day, at 09:00.
    await sweepAt("2026-10-05T10:00:00+08:00");
    expect(cardsIn({ receiveId: "ou_jiangping" })).toEqual([]);
    await sweepAt("2026-10-09T09:00:00+08:00");
    for (const who of ["ou_jiangping", "ou_zhaomin"]) {
      const c = cardsIn({ receiveId: who }).at(-1);
      expect(c.header.title.content, who).toBe("督办通知");
      expect(text(c), who).toContain(`【督办】${n} 核查某公司营业执照（市市场监督管理局）：超期 2 个工作日仍未办结`);
    }
    // /查询 shows the light in words.
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: `/查询 ${n}` });
    await h.flush();
    h.advanceHours(0.01);
    await h.flush();
    expect(shown(h.sandbox, { receiveId: "ou_liuyang" }).at(-1)).toContain("🔴 红灯 · 超期 2 个工作日");
  });
});
