import type { Executor } from "../client";
import type { AuditCheckpointRow } from "../tables";
import { ChainChecker, GENESIS_HASH } from "./audit";
import { checkpointDigest, hmacMatches, keyIdOf, listCheckpoints } from "./auditCheckpoints";

/** One thing found broken: in a chain (chain set) or in the checkpoints (chain null). */
export interface AuditProblem {
  chain: string | null;
  /** the request's number, for a request's chain whose request still exists */
  requestNumber?: string | undefined;
  seq: number | null;
  reason: string;
}

export interface AuditReport {
  ok: boolean;
  chains: number;
  records: number;
  checkpoints: number;
  /** the newest checkpoint: compare its digest with the last one posted to the admins' chat */
  lastCheckpoint: { seq: number; takenAt: Date; digest: string; chains: number; records: number } | null;
  /** false when no key was given: checkpoint signatures were not checked */
  signaturesChecked: boolean;
  problems: AuditProblem[];
}

type Anchor = { seq: number; hash: string; checkpoint: number };

const BATCH = 2000;

/**
 * Verifies every chain (hashes, links, no gaps) and every checkpoint (sequence, digest chain, HMAC), then
 * each chain against its last checkpointed head: that record must still be there with the same hash, so a
 * deleted tail, a deleted chain or a chain rewritten and re-hashed since is found. Streams the records.
 */
export async function verifyAudit(db: Executor, key: string | undefined): Promise<AuditReport> {
  const problems: AuditProblem[] = [];
  const checkpoints = await listCheckpoints(db);
  const anchors = replayCheckpoints(checkpoints, key, problems);

  let chains = 0;
  let records = 0;
  let checker = null as ChainChecker | null;
  const finish = (c: ChainChecker) => {
    chains++;
    records += c.records;
    if (c.brokenAt) problems.push({ chain: c.chain, seq: c.brokenAt.seq, reason: c.brokenAt.reason });
    const anchor = anchors.get(c.chain);
    anchors.delete(c.chain);
    if (anchor && c.lastSeq < anchor.seq) {
      problems.push({
        chain: c.chain,
        seq: c.lastSeq + 1,
        reason: `末尾的记录被删除：检查点 #${anchor.checkpoint} 记录该链到第 ${anchor.seq} 条，现只到第 ${c.lastSeq} 条`,
      });
    }
  };
  let after: { chain: string; seq: number } | null = null;
  for (;;) {
    let q = db.selectFrom("auditEvents").selectAll().orderBy("chain").orderBy("seq").limit(BATCH);
    if (after) {
      const { chain, seq } = after;
      // A row comparison, so that each batch is a range scan of the (chain, seq) index.
      q = q.where((eb) => eb(eb.refTuple("chain", "seq"), ">", eb.tuple(chain, seq)));
    }
    const rows = await q.execute();
    for (const row of rows) {
      if (checker?.chain !== row.chain) {
        if (checker) finish(checker);
        checker = new ChainChecker(row.chain);
      }
      checker.add(row);
      const anchor = anchors.get(row.chain);
      if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash) {
        problems.push({ chain: row.chain, seq: row.seq, reason: `与检查点 #${anchor.checkpoint} 不符：该链被改写并重新计算了哈希` });
      }
    }
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1]!;
    after = { chain: last.chain, seq: last.seq };
  }
  if (checker) finish(checker);
  // What is left was checkpointed and has no record at all now.
  for (const [chain, anchor] of anchors) {
    problems.push({ chain, seq: null, reason: `整条链被删除：检查点 #${anchor.checkpoint} 记有该链的 ${anchor.seq} 条记录，现在一条也没有` });
  }

  await attachRequestNumbers(db, problems);
  const newest = checkpoints.at(-1);
  return {
    ok: problems.length === 0,
    chains,
    records,
    checkpoints: checkpoints.length,
    lastCheckpoint: newest
      ? { seq: newest.seq, takenAt: new Date(newest.takenAt), digest: newest.digest, chains: newest.chainCount, records: newest.recordCount }
      : null,
    signaturesChecked: key !== undefined,
    problems,
  };
}

/** Checks the checkpoints as a chain of their own and returns the last known head of every chain. */
function replayCheckpoints(checkpoints: AuditCheckpointRow[], key: string | undefined, problems: AuditProblem[]): Map<string, Anchor> {
  const anchors = new Map<string, Anchor>();
  const flag = (seq: number, reason: string) => problems.push({ chain: null, seq, reason });
  const keyId = key === undefined ? null : keyIdOf(key);
  let prevDigest = GENESIS_HASH;
  let prevHmac = GENESIS_HASH;
  let expected = 1;
  for (const cp of checkpoints) {
    if (cp.seq !== expected) {
      flag(cp.seq, `检查点 #${expected}${cp.seq - 1 > expected ? ` 至 #${cp.seq - 1}` : ""} 不见了（检查点被删除）`);
    } else {
      if (cp.prevHmac !== prevHmac) flag(cp.seq, `检查点 #${cp.seq} 与上一个检查点不衔接`);
      if (checkpointDigest(prevDigest, cp) !== cp.digest) flag(cp.seq, `检查点 #${cp.seq} 的内容与其摘要不符（被篡改）`);
    }
    if (keyId !== null && key !== undefined) {
      if (cp.keyId !== keyId) flag(cp.seq, `检查点 #${cp.seq} 由另一把密钥签名（指纹 ${cp.keyId}），当前配置的 AUDIT_HMAC_KEY（指纹 ${keyId}）无法核验`);
      else if (!hmacMatches(key, cp)) flag(cp.seq, `检查点 #${cp.seq} 的签名不符（检查点被伪造或篡改）`);
    }
    for (const [chain, [seq, hash]] of Object.entries(cp.heads)) anchors.set(chain, { seq, hash, checkpoint: cp.seq });
    if (anchors.size !== cp.chainCount) flag(cp.seq, `检查点 #${cp.seq} 记有 ${cp.chainCount} 条链，历次检查点所列合计 ${anchors.size} 条`);
    prevDigest = cp.digest;
    prevHmac = cp.hmac;
    expected = cp.seq + 1;
  }
  return anchors;
}

async function attachRequestNumbers(db: Executor, problems: AuditProblem[]): Promise<void> {
  const ids = [...new Set(problems.map((p) => /^request:(\d+)$/.exec(p.chain ?? "")?.[1]).filter((x): x is string => x !== undefined).map(Number))];
  if (ids.length === 0) return;
  const rows = await db.selectFrom("requests").select(["id", "number"]).where("id", "in", ids).execute();
  const byId = new Map(rows.map((r) => [`request:${r.id}`, r.number]));
  for (const p of problems) if (p.chain) p.requestNumber = byId.get(p.chain);
}
