import type { Me } from "../api";

// The banner on every screen while a 代理 is in force: the delegator is reminded who acts for them and until
// when; the deputy, for whom they act (their actions are recorded as "X（代 Y）").

type Delegation = Me["delegations"]["given"][number];

/** The last day of a delegation, as M月D日 (endsAt is the start of the day after, exclusive). */
export function lastDay(endsAt: string): string {
  const parts = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric" }).formatToParts(new Date(new Date(endsAt).getTime() - 1));
  const part = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${part("month")}月${part("day")}日`;
}

const scope = (d: Delegation) => (d.category ? `「${d.category}」类事项` : "全部事项");

export function DelegationBanner({ me }: { me: Me }) {
  const { given, received } = me.delegations;
  if (given.length === 0 && received.length === 0) return null;
  return (
    <div class="delegation-banner" role="status" aria-label="代理提示">
      {given.map((d) => (
        <p>
          已委托 {d.deputy.name} 代理{d.category ? `「${d.category}」类事项` : ""}，至 {lastDay(d.endsAt)}。<a href="#delegations">我的代理</a>
        </p>
      ))}
      {received.map((d) => (
        <p>
          您正代理 {d.delegator.name} 处理{scope(d)}，至 {lastDay(d.endsAt)}；您的操作将记为「{me.name}（代 {d.delegator.name}）」。
        </p>
      ))}
    </div>
  );
}
