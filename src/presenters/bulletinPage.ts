import { html } from "hono/html";
import type { Bulletin } from "../commands/bulletinSender";
import { RANKING_METHOD } from "../domain/dashboardFigures";

// The monthly 通报 as a printable page (A4, print CSS): the same data as the card and /api/dashboard/bulletin.
// hono/html escapes every interpolated value, so titles cannot inject markup.

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const day = (iso: string) => new Date(iso).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });

export function renderBulletinPage(b: Bulletin) {
  const [year, month] = b.month.split("-");
  const rankRows = (rows: Bulletin["top"]) =>
    rows.length
      ? rows.map(
          (r) => html`<tr><td>${r.rank} / ${r.of}</td><td>${r.department.name}</td><td>${r.completed}</td><td>${r.onTime}</td><td>${pct(r.onTimeRate)}</td><td>${pct(r.lowerBound)}</td><td>${r.volume}</td></tr>`,
        )
      : html`<tr><td colspan="7">本月办结任务的部门不足两个，不评。</td></tr>`;
  const rankHead = html`<tr><th>名次</th><th>部门</th><th>办结</th><th>按时</th><th>按时比例</th><th>Wilson 下限</th><th>收到</th></tr>`;
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${year}年${Number(month)}月 协同办理情况通报</title>
<style>
  body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; color: #111; }
  h1 { text-align: center; font-size: 1.6rem; } h2 { font-size: 1.15rem; border-left: 4px solid #b91c1c; padding-left: .5rem; margin-top: 1.6rem; }
  table { width: 100%; border-collapse: collapse; font-size: .9rem; } th, td { border: 1px solid #999; padding: .3rem .4rem; text-align: left; }
  th { background: #f3f4f6; } .meta { text-align: center; color: #555; } .method { font-size: .8rem; color: #444; }
  .print { position: fixed; top: 1rem; right: 1rem; }
  @media print { .print { display: none; } body { margin: 0; max-width: none; } @page { size: A4; margin: 18mm 15mm; } tr { break-inside: avoid; } h2 { break-after: avoid; } }
</style>
</head>
<body>
<button class="print" onclick="window.print()">打印</button>
<h1>${year}年${Number(month)}月 协同办理情况通报</h1>
<p class="meta">统计时段：${b.period.from} 至 ${b.period.to}${b.sentAt ? html`　通报发出：${day(b.sentAt)}` : ""}</p>
<h2>骏马（排名最前）</h2>
<table>${rankHead}${rankRows(b.top)}</table>
<h2>蜗牛（排名最后）</h2>
<table>${rankHead}${rankRows(b.bottom)}</table>
<h2>仍未办结的超期任务（${b.redOpen.length} 件）</h2>
<table><tr><th>编号</th><th>事项</th><th>承办部门</th><th>办结时限</th><th>超期</th></tr>
${b.redOpen.length ? b.redOpen.map((r) => html`<tr><td>${r.number}</td><td>${r.title}</td><td>${r.department.name}</td><td>${day(r.dueAt)}</td><td>${r.overdueWorkingDays} 个工作日</td></tr>`) : html`<tr><td colspan="5">无</td></tr>`}
</table>
<h2>超期未整改（${b.rectificationsOverdue.length} 项）</h2>
<table><tr><th>编号</th><th>事项</th><th>整改部门</th><th>整改时限</th></tr>
${b.rectificationsOverdue.length ? b.rectificationsOverdue.map((r) => html`<tr><td>${r.number}</td><td>${r.title}</td><td>${r.department.name}</td><td>${day(r.dueAt)}</td></tr>`) : html`<tr><td colspan="4">无</td></tr>`}
</table>
<p class="method">排名方法：${RANKING_METHOD}</p>
</body>
</html>`;
}
