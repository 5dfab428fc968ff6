import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, type Deps } from "../../src/commands/context";
import { delegationRevoker } from "../../src/commands/delegationRevoker";
import { delegationSetter } from "../../src/commands/delegationSetter";
import { orgImporter } from "../../src/commands/orgImporter";
import { requestCreator } from "../../src/commands/requestCreator";
import { loadUserActor } from "../../src/db/repositories/org";
import { createOrgCache } from "../../src/db/repositories/orgCache";
import { DomainError } from "../../src/domain/types";
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
});
