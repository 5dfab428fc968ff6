import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../../bot/core/dispatch";
import { runCommand } from "../../src/commands/context";
import { storeEvent } from "../../src/db/repositories/inbox";
import type { OutgoingMessage } from "../../src/db/repositories/outbox";
import type { InboundEventRow } from "../../src/db/tables";
import { DomainError } from "../../src/domain/types";
import { MAX_ATTEMPTS, perform, type InboxHandler } from "../../src/jobs/inboxWorker";
import { ADMIN, createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The inbox worker: each stored event handled in one transaction with its effects and its reply.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const reply = (row: InboundEventRow, text: string): OutgoingMessage => ({ topic: "bot.reply", to: { type: "open_id", id: "ou_member" }, payload: { reply: { text }, event: row.eventId } });
const store = (eventId: string) => storeEvent(h.db.kysely, { eventId, eventType: "im.message.receive_v1", payload: { n: 1 }, at: h.deps.now() });
const repliesTo = async (eventId: string) =>
  (await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "bot.reply").execute())
    .map((r) => r.payload as { reply: { text: string }; event: string })
    .filter((p) => p.event === eventId)
    .map((p) => p.reply.text);
const departmentsLike = (prefix: string) => h.db.kysely.selectFrom("departments").select("code").where("code", "like", `${prefix}%`).execute();
const event = (eventId: string) => h.db.kysely.selectFrom("inboundEvents").select(["attempts", "handledAt", "lastError"]).where("eventId", "=", eventId).executeTakeFirstOrThrow();

/** A department written, then a refusal: what a command does when it refuses halfway. */
const halfThenRefuse = async (_deps: unknown, { trx }: { trx: any }, code: string) => {
  await trx.insertInto("departments").values({ code, name: `半途写入 ${code}` }).execute();
  throw new DomainError("refused", "这件事现在不能办。", { example: "/查询 XT-2026-000001" });
};

describe("the inbox worker", () => {
  it("a command refused halfway leaves nothing behind, and the explaining reply is sent once", async () => {
    // Like the bot's handleMessage: the refusal is caught and answered.
    const handler: InboxHandler = {
      async handle(deps, row) {
        try {
          await runCommand(deps, ADMIN, halfThenRefuse as never, `half-${row.eventId}`);
          return [reply(row, "已办好")];
        } catch (err) {
          return [reply(row, explain(err))];
        }
      },
      giveUp: (row) => [reply(row, "已放弃")],
    };
    await store("ev_half");
    expect(await perform(h.deps, handler)).toEqual({ handled: 1, failed: 0, more: false });
    expect(await departmentsLike("half-")).toEqual([]);
    expect(await repliesTo("ev_half")).toEqual(["这件事现在不能办。\n正确示例：/查询 XT-2026-000001"]);
    expect(await perform(h.deps, handler)).toEqual({ handled: 0, failed: 0, more: false });
    expect(await repliesTo("ev_half")).toHaveLength(1);
  });

  it("a handler that keeps failing is retried with backoff, then given up with one reply saying so; its writes never commit", async () => {
    let calls = 0;
    const handler: InboxHandler = {
      async handle(deps, row) {
        calls++;
        await deps.db.kysely.insertInto("departments").values({ code: `bug-${calls}`, name: "出错前写入" }).execute();
        throw new Error(`程序错误 ${row.eventId}`);
      },
      giveUp: (row) => [reply(row, "已放弃")],
    };
    await store("ev_bug");
    expect(await perform(h.deps, handler)).toEqual({ handled: 0, failed: 1, more: false });
    expect(await perform(h.deps, handler)).toEqual({ handled: 0, failed: 0, more: false }); // not due again yet
    for (let i = 0; i < 2 * MAX_ATTEMPTS && !(await event("ev_bug")).handledAt; i++) {
      h.advanceHours(1);
      await perform(h.deps, handler);
    }
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(await event("ev_bug")).toMatchObject({ attempts: MAX_ATTEMPTS, lastError: "程序错误 ev_bug", handledAt: expect.any(Date) });
    expect(await repliesTo("ev_bug")).toEqual(["已放弃"]);
    expect(await departmentsLike("bug-")).toEqual([]);
  });

  it("a pass stopped at its limit says more may be waiting; a pass that found nothing more due says not", async () => {
    const handler: InboxHandler = { handle: async (_deps, row) => [reply(row, "收到")], giveUp: () => [] };
    for (const id of ["ev_lim_1", "ev_lim_2", "ev_lim_3"]) await store(id);
    // the job loop runs a pass again only when it says more: the third event is not left for the timer
    expect(await perform(h.deps, handler, { limit: 2 })).toEqual({ handled: 2, failed: 0, more: true });
    expect(await perform(h.deps, handler, { limit: 2 })).toEqual({ handled: 1, failed: 0, more: false });
    for (const id of ["ev_lim_1", "ev_lim_2", "ev_lim_3"]) expect(await repliesTo(id)).toEqual(["收到"]);
  });

  it("two workers at once handle every event exactly once", async () => {
    const seen: string[] = [];
    const handler: InboxHandler = {
      async handle(deps, row) {
        seen.push(row.eventId);
        await deps.db.kysely.insertInto("departments").values({ code: `pair-${row.eventId}`, name: "并发写入" }).execute();
        return [reply(row, "好的")];
      },
      giveUp: () => [],
    };
    const ids = Array.from({ length: 12 }, (_, i) => `ev_pair_${i}`);
    for (const id of ids) await store(id);
    const [a, b] = await Promise.all([perform(h.deps, handler), perform(h.deps, handler)]);
    expect(a!.handled + b!.handled).toBe(ids.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(await departmentsLike("pair-")).toHaveLength(ids.length);
    for (const id of ids) expect(await repliesTo(id)).toEqual(["好的"]);
  });
});
