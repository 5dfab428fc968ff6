import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { appendAuditBatch, GENESIS_HASH, hashRecord, listAudit, requestChain, type AuditRecordInput } from "../../src/db/repositories/audit";
import { verifyAudit } from "../../src/db/repositories/auditVerification";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// appendAuditBatch (the deadline sweep writes up to 10,000 records at once, across as many chains): each chain
// continues from its own last record, records of one chain keep the order they were given in, and what is stored
// is exactly what was hashed (nulls, nested data, Chinese text), so `npm run audit:verify` holds.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

describe("a batch of audit records", () => {
  it("spanning many chains: each continues its chain in the order given, and everything verifies", async () => {
    const { request } = await h.as("ou_member", requestCreator, { text: "@市监局 核查甲公司营业执照", source: "chat" });
    const before = await listAudit(h.db.kysely, request.id);
    expect(before.length).toBeGreaterThan(0);
    const actor = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", "ou_amrhandler").executeTakeFirstOrThrow();
    const at = new Date("2026-11-23T02:00:00Z");
    const record = (chain: string, n: number): AuditRecordInput => ({
      chain,
      requestId: chain === requestChain(request.id) ? request.id : null,
      taskId: null,
      actorId: n % 2 === 0 ? actor.id : null,
      actorName: n % 2 === 0 ? "王办理" : "系统（时限督办）",
      action: `escalation.step${n}`,
      fromState: n % 3 === 0 ? null : "in_progress",
      toState: "in_progress",
      data: { n, label: "超期", notified: [`ou_${n}`, "ou_amrhead"], nested: { z: 1, a: [null, "引号\"与\\反斜杠"] } },
      at,
    });
    // 300 new chains of two records each, and three more for the request, all interleaved.
    const inputs: AuditRecordInput[] = [];
    for (let i = 0; i < 300; i++) {
      inputs.push(record(`batch:${String(i).padStart(3, "0")}`, 1));
      if (i % 100 === 0) inputs.push(record(requestChain(request.id), inputs.length));
    }
    for (let i = 299; i >= 0; i--) inputs.push(record(`batch:${String(i).padStart(3, "0")}`, 2));
    await h.db.transaction((trx) => appendAuditBatch(trx, inputs));

    const trail = await listAudit(h.db.kysely, request.id);
    expect(trail.map((r) => r.seq)).toEqual([...before.map((r) => r.seq), before.length + 1, before.length + 2, before.length + 3]);
    const added = trail.slice(before.length);
    expect(added.map((r) => r.action)).toEqual(inputs.filter((i) => i.chain === requestChain(request.id)).map((i) => i.action));
    expect(added[0]!.prevHash).toBe(before.at(-1)!.hash);
    expect(added[1]!.prevHash).toBe(added[0]!.hash);
    expect(added[2]!.prevHash).toBe(added[1]!.hash);

    const rows = await h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "like", "batch:%").orderBy("id").execute();
    expect(rows).toHaveLength(600);
    const chain7 = rows.filter((r) => r.chain === "batch:007");
    expect(chain7.map((r) => [r.seq, r.action])).toEqual([
      [1, "escalation.step1"],
      [2, "escalation.step2"],
    ]);
    expect(chain7[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain7[1]!.prevHash).toBe(chain7[0]!.hash);
    // stored as given: the row read back hashes to its stored hash
    expect(chain7[0]).toMatchObject({ actorId: null, actorName: "系统（时限督办）", fromState: "in_progress", toState: "in_progress", requestId: null, taskId: null });
    expect(chain7[1]).toMatchObject({ actorId: actor.id, actorName: "王办理", data: { n: 2, nested: { z: 1, a: [null, "引号\"与\\反斜杠"] } } });
    for (const row of [...chain7, ...added]) expect(hashRecord(row)).toBe(row.hash);
    // ids follow the order the records were given in
    expect(rows.slice(0, 300).every((r) => r.seq === 1)).toBe(true);

    const report = await verifyAudit(h.db.kysely, undefined);
    expect(report.problems).toEqual([]);
  });

  it("a second batch on the same chains continues them", async () => {
    await h.db.transaction((trx) =>
      appendAuditBatch(
        trx,
        ["batch:001", "batch:000", "batch:001"].map((chain, n) => ({ chain, actorId: null, actorName: "系统（时限督办）", action: `again.${n}`, at: new Date("2026-11-23T03:00:00Z") })),
      ),
    );
    const rows = await h.db.kysely.selectFrom("auditEvents").select(["chain", "seq", "action"]).where("action", "like", "again.%").orderBy("id").execute();
    expect(rows).toEqual([
      { chain: "batch:001", seq: 3, action: "again.0" },
      { chain: "batch:000", seq: 3, action: "again.1" },
      { chain: "batch:001", seq: 4, action: "again.2" },
    ]);
    expect((await verifyAudit(h.db.kysely, undefined)).problems).toEqual([]);
  });
});
