import type { AuditProblem, AuditReport } from "../db/repositories/auditVerification";

/** The verification report as the admin API answers it. */
export function presentAuditReport(r: AuditReport) {
  return {
    ok: r.ok,
    chains: r.chains,
    records: r.records,
    checkpoints: r.checkpoints,
    signaturesChecked: r.signaturesChecked,
    lastCheckpoint: r.lastCheckpoint ? { ...r.lastCheckpoint, takenAt: r.lastCheckpoint.takenAt.toISOString() } : null,
    problems: r.problems.map((p) => ({ chain: p.chain, requestNumber: p.requestNumber ?? null, seq: p.seq, reason: p.reason, text: problemText(p) })),
  };
}

/** One problem as a line a person reads: which chain (and request) or which checkpoint, and why. */
export function problemText(p: AuditProblem): string {
  if (p.chain === null) return `检查点：${p.reason}`;
  const where = `${p.chain}${p.requestNumber ? `（${p.requestNumber}）` : ""}`;
  return p.seq === null ? `链 ${where}：${p.reason}` : `链 ${where} 第 ${p.seq} 条：${p.reason}`;
}

/** The report as the command line prints it. */
export function auditReportLines(r: AuditReport, timeZone: string): string[] {
  const lines = [`留痕核验：${r.chains} 条链、${r.records} 条记录、${r.checkpoints} 个检查点。`];
  const cp = r.lastCheckpoint;
  if (cp) {
    const at = new Intl.DateTimeFormat("zh-CN", { timeZone, dateStyle: "short", timeStyle: "medium", hour12: false }).format(cp.takenAt);
    lines.push(`最新检查点 #${cp.seq}（${at}）：${cp.chains} 条链、${cp.records} 条记录，摘要 ${cp.digest.slice(0, 16)}。请与管理员群中最后一条检查点消息核对：若那条更新，说明之后的检查点被删除。`);
  } else {
    lines.push("还没有检查点：只核对了每条链内部的哈希，删除末尾记录、整条链或改写后重算哈希都无法发现。");
  }
  if (!r.signaturesChecked) lines.push("注意：未配置 AUDIT_HMAC_KEY，未核验检查点签名。");
  if (r.ok) {
    lines.push("全部完好。");
  } else {
    lines.push(`发现 ${r.problems.length} 处问题：`);
    for (const p of r.problems) lines.push(`  ${problemText(p)}`);
    lines.push("核验未通过。");
  }
  return lines;
}
