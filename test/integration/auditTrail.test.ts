import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { hashRecord } from "../../src/db/repositories/audit";
import { checkpointDigest } from "../../src/db/repositories/auditCheckpoints";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { verifyAudit } from "../../src/db/repositories/auditVerification";
import { createApp } from "../../src/http/app";
import { auditCheckpoint } from "../../src/jobs/auditCheckpoint";
import { problemText } from "../../src/presenters/audit";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// 留痕: the trail refuses TRUNCATE, and verification finds every kind of tampering a database superuser can do
// (the tests play that attacker by switching the append-only triggers off), as far as the checkpoints reach.

const KEY = "k".repeat(40);
let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00");
  h.deps.config = { ...h.deps.config, audit: { hmacKey: KEY, adminChatId: undefined } };
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

/** A request with three records in its chain: 发起, 签收, 办结. */
async function requestWithThreeRecords(what: string) {
  const { request } = await h.as("ou_member", requestCreator, { text: `@市监局 ${what}`, source: "chat" });
  await h.as("ou_amrdisp", taskAccepter, { task: { requestNumber: request.number }, assignee: { openId: "ou_amrhandler" } });
  await h.as("ou_amrhandler", taskCompleter, { task: { requestNumber: request.number }, result: "已核查" });
  return { chain: `request:${request.id}`, number: request.number };
}

/** As an attacker with superuser rights: the guards off, the statements run, the guards on again. */
async function tamper(...statements: ReturnType<typeof sql>[]) {
  await sql`alter table audit_events disable trigger user`.execute(h.db.kysely);
  await sql`alter table audit_checkpoints disable trigger user`.execute(h.db.kysely);
  try {
    for (const s of statements) await s.execute(h.db.kysely);
  } finally {
    await sql`alter table audit_events enable trigger user`.execute(h.db.kysely);
    await sql`alter table audit_checkpoints enable trigger user`.execute(h.db.kysely);
  }
}

/** Rewrites a chain's second record and re-hashes it and everything after, so that the chain itself holds. */
async function rehashedRewrite(chain: string, actorName: string) {
  const rows = await h.db.kysely.selectFrom("auditEvents").selectAll().where("chain", "=", chain).orderBy("seq").execute();
  let prev = rows[0]!.hash;
  const updates = [];
  for (const row of rows.slice(1)) {
    const changed = { ...row, actorName: row.seq === 2 ? actorName : row.actorName, prevHash: prev };
    prev = hashRecord(changed);
    updates.push(sql`update audit_events set actor_name = ${changed.actorName}, prev_hash = ${changed.prevHash}, hash = ${prev} where id = ${row.id}`);
  }
  await tamper(...updates);
}

const texts = async (key: string | undefined = KEY) => (await verifyAudit(h.db.kysely, key)).problems.map(problemText);

describe("the trail refuses TRUNCATE", () => {
  it("for audit_events, also as part of a cascade, and for the checkpoints", async () => {
    await requestWithThreeRecords("核查某公司营业执照（截断）");
    const before = await h.db.kysely.selectFrom("auditEvents").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    await expect(sql`truncate audit_events`.execute(h.db.kysely)).rejects.toThrow("audit_events is append-only (TRUNCATE refused)");
    await expect(sql`truncate requests, tasks, audit_events, comments, evaluations, outbox, chat_previews, task_escalations, supervisions, rectifications, task_extensions, attachments, chat_files, chat_file_downloads`.execute(h.db.kysely)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    await expect(sql`truncate requests cascade`.execute(h.db.kysely)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    await expect(sql`truncate audit_checkpoints`.execute(h.db.kysely)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    const after = await h.db.kysely.selectFrom("auditEvents").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe("checkpoints", () => {
  it("are signed, listed for the admins, and only taken when something was added", async () => {
    const cp = await auditCheckpoint.perform(h.deps);
    expect(cp).toMatchObject({ seq: 1, chainCount: 2, recordCount: 4 }); // the org import's chain and one request's
    const sent = await h.db.kysely.selectFrom("outbox").selectAll().where("topic", "=", "audit.checkpoint").execute();
    expect(sent.map((m) => [m.recipientType, m.recipientId])).toEqual([["open_id", "ou_admin"]]);
    expect(sent[0]!.payload.text).toBe(
      `留痕检查点 #1：2 条链、4 条记录，摘要 ${cp!.digest.slice(0, 16)}，签名 ${cp!.hmac.slice(0, 16)}。请保留本消息：核验留痕（npm run audit:verify）时，最新检查点应与此一致。`,
    );
    await expect(sql`update audit_checkpoints set chain_count = 3`.execute(h.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_checkpoints`.execute(h.db.kysely)).rejects.toThrow(/append-only/);
    expect(await auditCheckpoint.perform(h.deps)).toBeNull();
    expect(await verifyAudit(h.db.kysely, KEY)).toMatchObject({ ok: true, chains: 2, records: 4, checkpoints: 1, problems: [] });
  });

  it("go to ADMIN_CHAT_ID when it is set", async () => {
    await requestWithThreeRecords("核查某公司营业执照（管理员群）");
    const deps = { ...h.deps, config: { ...h.deps.config, audit: { hmacKey: KEY, adminChatId: "oc_admins" } } };
    const cp = await auditCheckpoint.perform(deps);
    expect(cp).toMatchObject({ seq: 2, chainCount: 3, recordCount: 7 });
    const sent = await h.db.kysely.selectFrom("outbox").selectAll().where("topic", "=", "audit.checkpoint").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
    expect([sent.recipientType, sent.recipientId]).toEqual(["chat_id", "oc_admins"]);
  });
});

describe("npm run audit:verify finds what an attacker with superuser rights did", () => {
  it("an edited record, a deleted middle or last record, a deleted chain, a re-hashed chain", async () => {
    const edited = await requestWithThreeRecords("核查甲公司营业执照");
    const middle = await requestWithThreeRecords("核查乙公司营业执照");
    const last = await requestWithThreeRecords("核查丙公司营业执照");
    const gone = await requestWithThreeRecords("核查丁公司营业执照");
    const rehashed = await requestWithThreeRecords("核查戊公司营业执照");
    await auditCheckpoint.perform(h.deps);
    expect((await verifyAudit(h.db.kysely, KEY)).ok).toBe(true);

    await tamper(
      sql`update audit_events set data = jsonb_set(data, '{result}', '"未核查"') where chain = ${edited.chain} and seq = 3`,
      sql`delete from audit_events where chain = ${middle.chain} and seq = 2`,
      sql`delete from audit_events where chain = ${last.chain} and seq = 3`,
      sql`delete from audit_events where chain = ${gone.chain}`,
    );
    await rehashedRewrite(rehashed.chain, "别人");

    const report = await verifyAudit(h.db.kysely, KEY);
    expect(report.ok).toBe(false);
    expect(report.problems.map(problemText).sort()).toEqual(
      [
        `链 ${edited.chain}（${edited.number}） 第 3 条：记录内容与其哈希不符（被篡改）`,
        `链 ${middle.chain}（${middle.number}） 第 3 条：序号不连续（有记录被删除）`,
        `链 ${last.chain}（${last.number}） 第 3 条：末尾的记录被删除：检查点 #3 记录该链到第 3 条，现只到第 2 条`,
        `链 ${gone.chain}（${gone.number}）：整条链被删除：检查点 #3 记有该链的 3 条记录，现在一条也没有`,
        `链 ${rehashed.chain}（${rehashed.number}） 第 3 条：与检查点 #3 不符：该链被改写并重新计算了哈希`,
      ].sort(),
    );
  });

  it("a checkpoint rewritten to match a rewritten chain fails its signature; a deleted one leaves a gap", async () => {
    // Start from a clean slate of findings: only what this test does is reported on top of the last one.
    const known = new Set(await texts());
    const victim = await requestWithThreeRecords("核查己公司营业执照");
    const cp = (await auditCheckpoint.perform(h.deps))!;
    await rehashedRewrite(victim.chain, "别人");
    // The attacker puts the new head into the checkpoint and recomputes its digest; the HMAC needs the key.
    const newHead = await h.db.kysely.selectFrom("auditEvents").select(["seq", "hash"]).where("chain", "=", victim.chain).orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow();
    const heads = { ...cp.heads, [victim.chain]: [newHead.seq, newHead.hash] as [number, string] };
    const prev = await h.db.kysely.selectFrom("auditCheckpoints").select("digest").where("seq", "=", cp.seq - 1).executeTakeFirstOrThrow();
    const digest = checkpointDigest(prev.digest, { ...cp, heads });
    await tamper(sql`update audit_checkpoints set heads = ${JSON.stringify(heads)}::jsonb, digest = ${digest} where seq = ${cp.seq}`);
    expect((await texts()).filter((t) => !known.has(t))).toEqual([`检查点：检查点 #${cp.seq} 的签名不符（检查点被伪造或篡改）`]);
    // Without the key that forgery would pass: say that signatures were not checked.
    const unkeyed = await verifyAudit(h.db.kysely, undefined);
    expect(unkeyed.signaturesChecked).toBe(false);

    // Deleting a checkpoint (here #2, which anchors one untouched request) leaves a gap in their sequence.
    await tamper(sql`delete from audit_checkpoints where seq = 2`);
    expect((await texts()).filter((t) => !known.has(t))).toContain("检查点：检查点 #2 不见了（检查点被删除）");
  });
});

describe("GET /api/admin/audit/verify", () => {
  it("answers the same report to an admin, and refuses anyone else", async () => {
    const app = createApp(h.deps);
    const admin = (await issueApiToken(h.db.kysely, { name: "留痕核验", role: "admin" })).token;
    const supervisor = (await issueApiToken(h.db.kysely, { name: "督查", role: "supervisor" })).token;
    const res = await app.request("/api/admin/audit/verify", { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ok).toBe(false);
    expect(body.signaturesChecked).toBe(true);
    expect(body.problems.map((p: { text: string }) => p.text)).toEqual((await verifyAudit(h.db.kysely, KEY)).problems.map(problemText));
    expect(body.problems.some((p: { reason: string }) => p.reason.startsWith("整条链被删除"))).toBe(true);
    const refused = await app.request("/api/admin/audit/verify", { headers: { authorization: `Bearer ${supervisor}` } });
    expect(refused.status).toBe(403);
  });
});
