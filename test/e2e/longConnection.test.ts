import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../bot/sandbox/frame";
import { createBotHarness, shown, type BotHarness } from "../support/botHarness";

// LARK_MODE=ws: no event URL at all; the SDK's WSClient fetches /callback/ws/endpoint, connects, and the same
// handlers answer events that arrive as protobuf frames.

let h: BotHarness;
beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00", { LARK_MODE: "ws" });
});
afterAll(() => h.close());

describe("long-connection mode", () => {
  it("a chat command arrives over the long connection and is answered", async () => {
    const { delivery } = await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @市监局 核查某公司营业执照" });
    expect(delivery.status).toBe(200);
    await h.flush();
    expect(shown(h.sandbox, { receiveId: "ou_liuyang" }).at(-1)).toMatch(/^已发起协同事项 XT-2026-000001：核查某公司营业执照/);
  });

  it("a card click is answered through the ack frame with the updated card", async () => {
    const message = h.sandbox.messages({ chatId: "oc_city_amr" }).at(-1)!;
    const answer = await h.sandbox.clickCard({ openId: "ou_zhangwei", messageId: message.message_id, value: { a: "accept", taskId: 1 } });
    expect(answer.status).toBe(200);
    expect(answer.body.toast).toEqual({ type: "success", content: "已签收" });
    expect(JSON.parse(h.sandbox.messages({ chatId: "oc_city_amr" }).at(-1)!.content).body.elements[0].content).toContain("**状态**：办理中");
  });

  it("a redelivered event is handled once", async () => {
    const before = await h.db.kysely.selectFrom("requests").select("id").execute();
    await h.sandbox.sendUserMessage({ openId: "ou_liuyang", text: "/发起 @税务局 请出具完税证明" });
    expect((await h.sandbox.redeliverLast()).status).toBe(200);
    await h.flush();
    const after = await h.db.kysely.selectFrom("requests").select("id").execute();
    expect(after.length).toBe(before.length + 1);
  });
});

describe("the frame codec", () => {
  it("round-trips a frame with headers and payload", () => {
    const f = { SeqID: 300, LogID: 2 ** 40, service: 1, method: 1, headers: [{ key: "type", value: "event" }, { key: "trace_id", value: "中文" }], payload: Buffer.from("{}") };
    const back = decodeFrame(encodeFrame(f));
    expect({ ...back, payload: Buffer.from(back.payload!).toString() }).toEqual({ ...f, payload: "{}" });
  });
});
