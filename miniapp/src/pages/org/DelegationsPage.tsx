import { useEffect, useState } from "preact/hooks";
import { allCategories, api, messageOf, read, type Delegation, type Me, type Person } from "../../api";
import { lastDay } from "../../components/DelegationBanner";
import { Panel, refuse, type Run } from "../../components/forms";

// 「我的代理」: a head or handler names a colleague of their department to act for them over a date range, for
// everything or one category; the list of delegations given and received; the delegator may end one early.

const firstDay = (startsAt: string) => lastDay(new Date(new Date(startsAt).getTime() + 1).toISOString());
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

export function DelegationsPage({ me }: { me: Me }) {
  const [list, setList] = useState<{ given: Delegation[]; received: Delegation[] } | null>(null);
  const [error, setError] = useState("");
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<number | null>(null);
  const [notice, setNotice] = useState("");
  const load = () => read(api.orgWork.delegations.$get()).then(setList, (e) => setError(messageOf(e, "加载失败，请重试。")));
  useEffect(() => void load(), []);
  const run: Run = async (call) => {
    const text = await call();
    setCreating(false);
    setRevoking(null);
    setNotice(text);
    await load();
  };
  const mayDelegate = me.roles.some((r) => r.role === "head" || r.role === "handler" || (r.role === "admin" && r.department === null));
  return (
    <div class="delegations">
      <h1>我的代理</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}（刷新页面后顶部显示代理提示）
        </p>
      )}
      {error && <p class="error">{error}</p>}
      {mayDelegate &&
        (creating ? (
          <DelegationForm me={me} run={run} onCancel={() => setCreating(false)} />
        ) : (
          <button class="primary" onClick={() => setCreating(true)}>
            设置代理人
          </button>
        ))}
      <h2>我委托的</h2>
      {list && list.given.length === 0 && <p class="hint">没有正在生效或将要生效的委托。</p>}
      <ul class="list">
        {(list?.given ?? []).map((d) => (
          <li class="item" data-delegation={d.id}>
            <div class="title">
              {d.deputy.name} 代理{d.category ? `「${d.category}」类事项` : "全部事项"}
            </div>
            <div class="meta">
              {firstDay(d.startsAt)} 至 {lastDay(d.endsAt)}（含），到期自动结束
            </div>
            {revoking === d.id ? (
              <Panel
                title={`取消 ${d.deputy.name} 的代理`}
                submit="确认取消"
                danger
                run={run}
                onCancel={() => setRevoking(null)}
                call={async () => ((await read(api.orgWork.delegations[":id{[0-9]+}"].revoke.$post({ param: { id: String(d.id) } }))).revoked ? `已取消 ${d.deputy.name} 的代理` : "该代理已结束")}
              >
                <p>取消后，{d.deputy.name} 不再代您处理事项。</p>
              </Panel>
            ) : (
              <button onClick={() => setRevoking(d.id)}>取消代理</button>
            )}
          </li>
        ))}
      </ul>
      <h2>我代理的</h2>
      {list && list.received.length === 0 && <p class="hint">目前没有人委托您代理。</p>}
      <ul class="list">
        {(list?.received ?? []).map((d) => (
          <li class="item">
            <div class="title">
              代 {d.delegator.name} 处理{d.category ? `「${d.category}」类事项` : "全部事项"}
            </div>
            <div class="meta">
              {firstDay(d.startsAt)} 至 {lastDay(d.endsAt)}（含）
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

function DelegationForm({ me, run, onCancel }: { me: Me; run: Run; onCancel: () => void }) {
  const [people, setPeople] = useState<Person[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [deputy, setDeputy] = useState("");
  const [startsOn, setStartsOn] = useState(today());
  const [endsOn, setEndsOn] = useState(today());
  const [category, setCategory] = useState("");
  useEffect(() => {
    read(api.views.departments[":code"].people.$get({ param: { code: me.department.code } })).then((r) => setPeople(r.items.filter((p) => p.openId !== me.openId)), () => setPeople([]));
    allCategories().then(setCategories, () => setCategories([]));
  }, []);
  return (
    <Panel
      title="设置代理人"
      submit="确认设置"
      run={run}
      onCancel={onCancel}
      call={async () => {
        if (!deputy) throw refuse("请选择代理人。");
        const r = await read(api.orgWork.delegations.$post({ json: { deputy, startsOn, endsOn, ...(category ? { category } : {}) } }));
        return `已设置：${r.deputy.name} 代理${r.category ? `「${r.category}」类事项` : "全部事项"}，${startsOn} 至 ${endsOn}`;
      }}
    >
      <label class="field">
        <span class="label">代理人</span>
        <select aria-label="代理人" value={deputy} onChange={(e) => setDeputy(e.currentTarget.value)}>
          <option value="">请选择本部门同事</option>
          {people.map((p) => (
            <option value={p.openId}>{p.name}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">开始日期</span>
        <input type="date" aria-label="开始日期" value={startsOn} onInput={(e) => setStartsOn(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">结束日期（含当天）</span>
        <input type="date" aria-label="结束日期" value={endsOn} onInput={(e) => setEndsOn(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">范围</span>
        <select aria-label="范围" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">全部事项</option>
          {categories.map((c) => (
            <option value={c}>仅「{c}」类</option>
          ))}
        </select>
      </label>
    </Panel>
  );
}
