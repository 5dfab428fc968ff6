import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type Deps } from "../../src/commands/context";
import { delegationRevoker } from "../../src/commands/delegationRevoker";
import { delegationSetter } from "../../src/commands/delegationSetter";
import { orgImporter } from "../../src/commands/orgImporter";
import { requestCreator } from "../../src/commands/requestCreator";
import fc from "fast-check";
import { appendAudit, hashRecord, requestChain, verifyChain } from "../../src/db/repositories/audit";
import { storeEvent } from "../../src/db/repositories/inbox";
import { loadUserActor } from "../../src/db/repositories/org";
import { flushOutbox, holdOutbox, type OutgoingMessage } from "../../src/db/repositories/outbox";
import { perform, type InboxHandler } from "../../src/jobs/inboxWorker";
import { createOrgCache } from "../../src/db/repositories/orgCache";
import { DomainError } from "../../src/domain/types";
import type { Actor } from "../../src/policies/actor";
import { ADMIN, createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The short event path keeps behaving as the long one did: each server's copy of the organisation follows any
// change made through another server (org_version), and numbers stay unique and gap-free though the counter is
// now touched last.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // a Monday
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

/** A second server on the same database: the same tables, a copy of the organisation of its own. */
const server = (): Deps => ({ ...h.deps, db: { ...h.db, orgCache: createOrgCache() } });

const targetsOf = async (requestId: number) =>
  (
    await h.db.kysely
      .selectFrom("tasks")
      .innerJoin("departments", "departments.id", "tasks.departmentId")
      .select("departments.name")
      .where("tasks.requestId", "=", requestId)
      .orderBy("tasks.id")
      .execute()
  ).map((r) => r.name);

describe("the organisation cached per server", () => {
  it("a change imported through server A is what server B's next request sees; without a change B reads nothing again", async () => {
    const a = server();
    const b = server();
    const member = await h.actor("ou_member");
    const first = await runCommand(b, member, requestCreator, { text: "@市监局 核查营业执照 缓存甲", source: "chat" });
    expect(await targetsOf(first.request.id)).toEqual(["市市场监督管理局"]);
    const loads = b.db.orgCache!.loads;
    await runCommand(b, member, requestCreator, { text: "@税务局 核对纳税记录 缓存乙", source: "chat" });
    expect(b.db.orgCache!.loads).toBe(loads); // served from B's copy

    // B does not know 档案馆 yet
    await expect(runCommand(b, member, requestCreator, { text: "@档案馆 调取档案 缓存丙", source: "chat" })).rejects.toThrow(/找不到部门/);

    // an admin imports through A: a new department, and a rule sending 档案 to it
    await runCommand(a, ADMIN, orgImporter, {
      departments: [{ code: "archive", name: "市档案馆", aliases: ["档案馆"], parent: "city" }],
      rules: [{ code: "archives", name: "档案调取", priority: 1, match: { keywordsAny: ["档案"] }, action: { targets: ["archive"], slaWorkingDays: 4 } }],
    });
    const named = await runCommand(b, member, requestCreator, { text: "@档案馆 调取档案 缓存丁", source: "chat" });
    expect(await targetsOf(named.request.id)).toEqual(["市档案馆"]);
    const routed = await runCommand(b, member, requestCreator, { text: "调取1998年婚姻登记档案 缓存戊", source: "chat" });
    expect(await targetsOf(routed.request.id)).toEqual(["市档案馆"]);
    expect(routed.plan.rule?.code).toBe("archives");
    expect(routed.plan.policy.slaWorkingDays).toBe(4);
  });

  it("a change written by any other means (plain SQL on the tables) reaches B too: department names, roles", async () => {
    const b = server();
    const member = await h.actor("ou_member");
    const before = await runCommand(b, member, requestCreator, { text: "@人社局 核对社保缴纳 改名前", source: "chat" });
    expect(before.plan.targets.map((d) => d.name)).toEqual(["市人力资源和社会保障局"]);
    await sql`update departments set name = '市人力资源社会保障局' where code = 'hrss'`.execute(h.db.kysely);
    const after = await runCommand(b, member, requestCreator, { text: "@人社局 核对社保缴纳 改名后", source: "chat" });
    expect(after.plan.targets.map((d) => d.name)).toEqual(["市人力资源社会保障局"]);
    const announced = await h.db.kysely.selectFrom("outbox").select("payload").where("requestId", "=", after.request.id).where("topic", "=", "task.announced").executeTakeFirstOrThrow();
    expect((announced.payload as { departmentName: string }).departmentName).toBe("市人力资源社会保障局");

    // a person B looked up loses the role: B's next transaction sees it
    const inB = async () => b.db.transaction(async (trx) => (await b.db.orgCache!.snapshot(trx), loadUserActor(trx, { openId: "ou_member2" })));
    expect((await inB())!.roles.map((r) => r.role)).toEqual(["member"]);
    await sql`delete from user_roles where user_id = (select id from users where open_id = 'ou_member2')`.execute(h.db.kysely);
    expect((await inB())!.roles).toEqual([]);
  });
});

describe("who stands in for whom, kept with the people in each server's copy", () => {
  it("a delegation set through server A reaches B's next transaction, from its first day; revoked, it stops at once", async () => {
    const a = server();
    const b = server();
    const idOf = async (openId: string) => (await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow()).id;
    const deputy = await idOf("ou_amrhandler2");
    const inB = async (at: Date) =>
      b.db.transaction(async (trx) => (await b.db.orgCache!.snapshot(trx), loadUserActor(trx, { openId: "ou_amrhandler2" }, at)));
    const standsInFor = async (at: Date) => ((await inB(at))!.deputyFor ?? []).map((d) => d.delegator.openId);
    const monday = new Date("2026-11-23T10:00:00+08:00");
    const wednesday = new Date("2026-11-25T10:00:00+08:00");
    const friday = new Date("2026-11-27T10:00:00+08:00");
    expect(await standsInFor(monday)).toEqual([]); // B now keeps "nobody" for this person

    const amrHandler = await h.actor("ou_amrhandler");
    const set = await runCommand(a, amrHandler, delegationSetter, { deputyId: deputy, startsOn: "2026-11-25", endsOn: "2026-11-26" });
    expect(await standsInFor(monday)).toEqual([]); // not yet in force
    expect(await standsInFor(wednesday)).toEqual(["ou_amrhandler"]);
    expect(await standsInFor(wednesday)).toEqual(["ou_amrhandler"]); // from B's copy
    expect((await inB(wednesday))!.deputyFor![0]!.delegator.roles.map((r) => r.role)).toEqual(["handler"]);
    expect(await standsInFor(friday)).toEqual([]); // over by itself

    await runCommand(a, amrHandler, delegationRevoker, { id: set.id });
    expect(await standsInFor(wednesday)).toEqual([]);
  });
});

describe("request numbers under concurrent creation", () => {
  it("40 requests at once, a third of them rolled back after being numbered: the committed ones are numbered 1..n of the year without gaps or repeats", async () => {
    const base = Number(
      (await h.db.kysely.selectFrom("requestCounters").select("lastValue").where("year", "=", 2026).executeTakeFirst())?.lastValue ?? 0,
    );
    const member = await h.actor("ou_member"); // (ou_member2 lost the role above)
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        h.db.transaction(async (trx) => {
          const created = await requestCreator(h.deps, { actor: member, trx }, { text: `@市监局 核查营业执照 并发${i}`, source: "chat" });
          if (i % 3 === 0) throw new DomainError("forbidden", "回滚"); // after the number was taken
          return created.request.number;
        }),
      ),
    );
    const unexpected = outcomes.filter((o) => o.status === "rejected" && (o.reason as Error).message !== "回滚");
    expect(unexpected.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const numbers = outcomes.filter((o) => o.status === "fulfilled").map((o) => (o as PromiseFulfilledResult<string>).value);
    expect(numbers).toHaveLength(26);
    const stored = await h.db.kysely.selectFrom("requests").select("number").where("title", "like", "%并发%").execute();
    expect(stored.map((r) => r.number).sort()).toEqual([...numbers].sort());
    const expected = Array.from({ length: 26 }, (_, i) => `XT-2026-${String(base + i + 1).padStart(6, "0")}`);
    expect([...numbers].sort()).toEqual(expected);
  });

  describe("through the inbox, the number is given by the transaction's last statement", () => {
    const counter = (db: typeof h.db.kysely) =>
      db.selectFrom("requestCounters").select("lastValue").where("year", "=", 2026).executeTakeFirst().then((r) => Number(r?.lastValue ?? 0));
    /** /发起 as the bot handles it: the request, then (optionally) more on its chain, then the reply naming it. */
    // (the person is read before: on PGlite a read outside the event's transaction waits for it to end)
    const raising = (member: Actor, text: string, seen: { counter?: number; stored?: string }, more?: (deps: Deps, requestId: number) => Promise<void>): InboxHandler => ({
      async handle(deps, row) {
        const { request } = await runCommand(deps, member, requestCreator, { text, source: "chat" });
        if (more) await more(deps, request.id);
        // what the transaction itself sees before its end
        seen.counter = await counter(deps.db.kysely);
        seen.stored = (await deps.db.kysely.selectFrom("requests").select("number").where("id", "=", request.id).executeTakeFirstOrThrow()).number;
        const reply: OutgoingMessage = { topic: "bot.reply", to: { type: "open_id", id: "ou_member" }, payload: { reply: { text: `已发起协同事项 ${request.number}\n查询进度：/查询 ${request.number}` }, event: row.eventId } };
        return [reply];
      },
      giveUp: () => [],
    });
    const outcome = async (title: string) => {
      const request = await h.db.kysely.selectFrom("requests").selectAll().where("title", "like", `%${title}`).executeTakeFirstOrThrow();
      const audit = await h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", requestChain(request.id)).orderBy("seq").execute();
      const messages = await h.db.kysely.selectFrom("outbox").select(["topic", "payload"]).where("requestId", "=", request.id).orderBy("id").execute();
      return { request, audit, messages };
    };
    const replyTo = async (eventId: string) =>
      (await h.db.kysely.selectFrom("outbox").select("payload").where("topic", "=", "bot.reply").execute())
        .map((r) => r.payload as { reply: { text: string }; event: string })
        .find((p) => p.event === eventId)?.reply.text;

    it("nothing before it moves the shared counter; the request, its first audit record, its cards and the reply all carry the number", async () => {
      const base = await counter(h.db.kysely);
      const seen: { counter?: number; stored?: string } = {};
      await storeEvent(h.db.kysely, { eventId: "ev_last_1", eventType: "im.message.receive_v1", payload: {}, at: h.deps.now() });
      expect(await perform(h.deps, raising(await h.actor("ou_member"), "@市监局 核查营业执照 最后编号", seen))).toEqual({ handled: 1, failed: 0, more: false });
      // until the last statement the counter has not moved and the row carries its placeholder
      expect(seen.counter).toBe(base);
      expect(seen.stored).toMatch(/^~/);

      const number = `XT-2026-${String(base + 1).padStart(6, "0")}`;
      const { request, audit, messages } = await outcome("最后编号");
      expect(request.number).toBe(number);
      expect(await counter(h.db.kysely)).toBe(base + 1);
      expect(audit.map((a) => [a.seq, a.action, (a.data as { number?: string }).number])).toEqual([[1, "create", number]]);
      expect(await verifyChain(h.db.kysely, requestChain(request.id))).toEqual({ ok: true, records: 1 });
      expect(messages.map((m) => m.topic)).toEqual(["task.announced"]);
      expect(JSON.stringify(messages[0]!.payload)).toContain(number);
      expect(JSON.stringify(messages[0]!.payload)).not.toContain("~");
      expect(await replyTo("ev_last_1")).toBe(`已发起协同事项 ${number}\n查询进度：/查询 ${number}`);
    });

    it("when something in the transaction needs the number sooner (another record on the request's chain), it is given then, and the chain still holds", async () => {
      const base = await counter(h.db.kysely);
      const seen: { counter?: number; stored?: string } = {};
      const note = async (deps: Deps, requestId: number) => {
        await deps.db.transaction((trx) =>
          appendAudit(trx, { chain: requestChain(requestId), requestId, actorId: null, actorName: "测试", action: "comment", data: { text: "补充" }, at: deps.now() }),
        );
      };
      await storeEvent(h.db.kysely, { eventId: "ev_last_2", eventType: "im.message.receive_v1", payload: {}, at: h.deps.now() });
      expect(await perform(h.deps, raising(await h.actor("ou_member"), "@税务局 核对纳税记录 提前编号", seen, note))).toEqual({ handled: 1, failed: 0, more: false });
      const number = `XT-2026-${String(base + 1).padStart(6, "0")}`;
      expect(seen).toEqual({ counter: base + 1, stored: number });
      const { request, audit, messages } = await outcome("提前编号");
      expect(request.number).toBe(number);
      expect(audit.map((a) => [a.seq, a.action])).toEqual([
        [1, "create"],
        [2, "comment"],
      ]);
      expect((audit[0]!.data as { number: string }).number).toBe(number);
      expect(await verifyChain(h.db.kysely, requestChain(request.id))).toEqual({ ok: true, records: 2 });
      expect(JSON.stringify(messages.map((m) => m.payload))).toContain(number);
      expect(await replyTo("ev_last_2")).toBe(`已发起协同事项 ${number}\n查询进度：/查询 ${number}`);
    });

    it("the first record, hashed by the database over the number, is the record the chain check hashes: any name, any text", async () => {
      const member = await h.actor("ou_member");
      const names = fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter((n) => !n.includes("\u0000"));
      await fc.assert(
        fc.asyncProperty(names, async (name) => {
          const ids: number[] = [];
          await h.db.transaction(async (trx) => {
            holdOutbox(trx);
            const { request } = await requestCreator(h.deps, { actor: { ...member, name } as Actor, trx }, { text: "@市监局 核查营业执照 任意名字", source: "chat" });
            ids.push(request.id);
            await flushOutbox(trx, (db) => db.updateTable("inboundEvents").set({ attempts: 0 }).where("eventId", "=", "none"));
          });
          const audit = await h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", requestChain(ids[0]!)).execute();
          expect(audit.map((a) => a.actorName)).toEqual([name]);
          expect((audit[0]!.data as { number: string }).number).toMatch(/^XT-2026-\d{6}$/);
          expect(audit[0]!.hash).toBe(hashRecord(audit[0]!));
          expect(await verifyChain(h.db.kysely, requestChain(ids[0]!))).toEqual({ ok: true, records: 1 });
        }),
        { numRuns: 25 },
      );
    });

    it("a request refused after it was created through the inbox takes no number: the next one has the one it would have had", async () => {
      const base = await counter(h.db.kysely);
      const member = await h.actor("ou_member");
      const refusing: InboxHandler = {
        async handle(deps) {
          await runCommand(deps, member, requestCreator, { text: "@市监局 核查营业执照 被拒", source: "chat" });
          await runCommand(deps, member, async () => {
            throw new DomainError("forbidden", "回滚");
          }, {});
          return [];
        },
        giveUp: () => [],
      };
      await storeEvent(h.db.kysely, { eventId: "ev_last_3", eventType: "im.message.receive_v1", payload: {}, at: h.deps.now() });
      await perform(h.deps, refusing).catch(() => undefined);
      expect(await h.db.kysely.selectFrom("requests").select("id").where("title", "like", "%被拒").execute()).toEqual([]);
      expect(await counter(h.db.kysely)).toBe(base);
      await storeEvent(h.db.kysely, { eventId: "ev_last_4", eventType: "im.message.receive_v1", payload: {}, at: h.deps.now() });
      await perform(h.deps, raising(member, "@市监局 核查营业执照 拒后", {}));
      expect((await outcome("拒后")).request.number).toBe(`XT-2026-${String(base + 1).padStart(6, "0")}`);
    });
  });
});
