import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotHarness, type BotHarness } from "../support/botHarness";

// One preview card creates at most one request: a double tap, a click later, a click after 修改 all answer
// with the request the first click created; a cancelled card creates nothing. Clicks go through the real
// path: the sandbox signs and encrypts card.action.trigger events to the webhook, concurrently when tapped twice.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00");
});
afterAll(() => h.close());

const buttons = (c: any): any[] => (c.body.elements as any[]).filter((e) => e.tag === "button");
const markdown = (c: any): string => (c.body.elements as any[]).filter((e) => e.tag === "markdown").map((e) => e.content).join("\n");
const requests = async () => Number((await h.db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

/** Sends free text as 刘洋 and returns the preview card's message and its three buttons' callback values. */
async function preview(text: string) {
  await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text });
  await h.flush();
  const m = h.sandbox.messages({ chatId: h.sandbox.p2pChatFor("ou_liuyang").chatId }).filter((x) => x.msg_type === "interactive").at(-1)!;
  const card = JSON.parse(m.content);
  expect(card.header.title.content).toBe("是否发起协同事项？");
  const [confirm, edit, cancel] = buttons(card).map((b) => b.behaviors[0].value);
  return { messageId: m.message_id, confirm, edit, cancel };
}

const click = (messageId: string, value: Record<string, unknown>) => h.sandbox.clickCard({ openId: "ou_liuyang", messageId, value });
const cardOf = (messageId: string) => JSON.parse(h.sandbox.messages().find((m) => m.message_id === messageId)!.content);

describe("确认发起 on a preview card", () => {
  it("tapped twice at once creates one request; both taps show it, and so does a click later", async () => {
    const p = await preview("请人社局出具张三的社保参保证明");
    const before = await requests();
    const answers = await Promise.all([click(p.messageId, p.confirm), click(p.messageId, p.confirm)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await requests()).toBe(before + 1);
    const { number } = await h.db.kysely.selectFrom("requests").select("number").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
    expect(answers.map((a) => a.body.toast).sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: "info", content: `该预览已发起为 ${number}，未重复发起。` },
      { type: "success", content: `已发起 ${number}` },
    ]);
    for (const a of answers) {
      expect(a.body.card.data.header.title.content).toBe("已发起协同事项");
      expect(markdown(a.body.card.data)).toContain(`已发起，编号 **${number}**。`);
      expect(markdown(a.body.card.data)).toContain("**发往**：市人力资源和社会保障局");
    }
    expect(buttons(cardOf(p.messageId))).toEqual([]);

    h.advanceHours(1); // (within the platform token's two hours: the sandbox expires it on its own clock)
    const later = await click(p.messageId, p.confirm);
    expect(later.body.toast).toEqual({ type: "info", content: `该预览已发起为 ${number}，未重复发起。` });
    expect(markdown(later.body.card.data)).toContain(`已发起，编号 **${number}**。`);
    const cancel = await click(p.messageId, p.cancel);
    expect(cancel.body.toast).toEqual({ type: "error", content: `该预览已发起为 ${number}，不能取消。如需撤回，请发送：/撤回 ${number} 撤回原因` });
    expect(await requests()).toBe(before + 1);
  });

  it("after 修改 the same card still creates at most one", async () => {
    const p = await preview("请人社局出具李四的社保参保证明");
    const before = await requests();
    expect((await click(p.messageId, p.edit)).body.toast.type).toBe("info");
    expect((await click(p.messageId, p.confirm)).body.toast.content).toMatch(/^已发起 XT-2026-\d{6}$/);
    expect((await click(p.messageId, p.confirm)).body.toast.content).toMatch(/^该预览已发起为 XT-2026-\d{6}，未重复发起。$/);
    expect(await requests()).toBe(before + 1);
  });

  it("a cancelled card cannot be confirmed afterwards", async () => {
    const p = await preview("请人社局出具王五的社保参保证明");
    const before = await requests();
    const cancelled = await click(p.messageId, p.cancel);
    expect(cancelled.body.toast).toEqual({ type: "info", content: "已取消" });
    expect(cancelled.body.card.data.header.title.content).toBe("已取消");
    const confirm = await click(p.messageId, p.confirm);
    expect(confirm.body.toast).toEqual({
      type: "error",
      content: "该预览已取消，未发起协同事项。如需发起，请重新发送内容。\n正确示例：/发起 请人社局出具王五的社保参保证明",
    });
    expect(confirm.body.card.data.header.title.content).toBe("已取消");
    expect(await requests()).toBe(before);
  });

  it("only the person who sent the text may confirm its card", async () => {
    const p = await preview("请人社局出具孙七的社保参保证明");
    const before = await requests();
    const other = await h.sandbox.clickCard({ openId: "ou_chenjing", messageId: p.messageId, value: p.confirm });
    expect(other.body.toast).toEqual({
      type: "error",
      content: "这张预览卡片不是您发送的内容，只有发送者可以确认或取消。如需发起，请自己发送。\n正确示例：/发起 请人社局出具孙七的社保参保证明",
    });
    expect(await requests()).toBe(before);
    expect((await click(p.messageId, p.confirm)).body.toast.type).toBe("success");
    expect(await requests()).toBe(before + 1);
  });

  it("two previews of the same text are two cards: each may be confirmed once", async () => {
    const a = await preview("请人社局出具赵六的社保参保证明");
    const b = await preview("请人社局出具赵六的社保参保证明");
    const before = await requests();
    await Promise.all([click(a.messageId, a.confirm), click(b.messageId, b.confirm), click(a.messageId, a.confirm)]);
    expect(await requests()).toBe(before + 2);
  });
});
