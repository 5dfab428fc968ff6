import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type ApiToken, type Department, type Person } from "../../api";
import { Panel, refuse, type Run } from "../../components/forms";
import { when } from "../../components/labels";
import { DepartmentPicker } from "../../components/pickers";

// 访问令牌 (admins): who may call the API without signing in. A token is admin-only (or supervisor) for a system
// of our own, or bound to a person so another system acts for them. The secret is shown once, right after it is made.

const ROLE_LABELS: Record<string, string> = { admin: "管理员", supervisor: "督查", integration: "代表人员" };

export function TokensPage() {
  const [items, setItems] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState("");
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<number | null>(null);
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const load = () => read(api.tokens.index.$get()).then((r) => setItems(r.items), (e) => setError(messageOf(e, "加载失败，请重试。")));
  useEffect(() => void load(), []);
  const run: Run = async (call) => {
    await call();
    setCreating(false);
    setRevoking(null);
    await load();
  };
  return (
    <div class="tokens">
      <h1>访问令牌</h1>
      {issued && (
        <section class="issued" role="status" aria-label="新令牌">
          <p>
            已为「{issued.name}」生成令牌。<b>只显示这一次</b>，请立即复制保存：
          </p>
          <code class="secret">{issued.token}</code>
          <button type="button" onClick={() => setIssued(null)}>
            我已保存
          </button>
        </section>
      )}
      {creating ? (
        <CreateTokenForm run={run} onIssued={setIssued} onCancel={() => setCreating(false)} />
      ) : (
        <button class="primary" onClick={() => setCreating(true)}>
          生成令牌
        </button>
      )}
      {error && <p class="error">{error}</p>}
      {items && items.length === 0 && <p class="hint">还没有访问令牌。</p>}
      <ul class="list">
        {(items ?? []).map((t) => (
          <li class="item" data-token={t.id}>
            <div class="title">
              {t.name} <span class="tag">{ROLE_LABELS[t.role] ?? t.role}</span>
              {t.revokedAt && <span class="tag revoked">已吊销</span>}
            </div>
            <div class="meta">
              {t.user ? `代表 ${t.user.name}（${t.user.openId}）· ` : ""}生成于 {when(t.createdAt)} · {t.lastUsedAt ? `最后使用 ${when(t.lastUsedAt)}` : "从未使用"}
              {t.revokedAt ? ` · 吊销于 ${when(t.revokedAt)}` : ""}
            </div>
            {!t.revokedAt &&
              (revoking === t.id ? (
                <Panel title={`吊销 ${t.name}`} submit="确认吊销" danger run={run} onCancel={() => setRevoking(null)} call={async () => (await read(api.tokens[":id{[0-9]+}"].revoke.$post({ param: { id: String(t.id) } }))).name}>
                  <p>吊销后，使用该令牌的系统将无法再调用接口。</p>
                </Panel>
              ) : (
                <button onClick={() => setRevoking(t.id)}>吊销</button>
              ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CreateTokenForm({ run, onIssued, onCancel }: { run: Run; onIssued: (t: { name: string; token: string }) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"admin" | "supervisor" | "person">("person");
  const [department, setDepartment] = useState<Department | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [openId, setOpenId] = useState("");
  useEffect(() => {
    setOpenId("");
    if (!department) return setPeople([]);
    read(api.views.departments[":code"].people.$get({ param: { code: department.code } })).then((r) => setPeople(r.items), () => setPeople([]));
  }, [department]);
  return (
    <Panel
      title="生成令牌"
      submit="生成"
      run={run}
      onCancel={onCancel}
      call={async () => {
        if (kind === "person" && !openId) throw refuse("请选择令牌代表的人员：先选部门，再选人员。");
        const r = await read(api.tokens.index.$post({ json: kind === "person" ? { name, openId } : { name, role: kind } }));
        onIssued({ name: r.name, token: r.token });
        return r.name;
      }}
    >
      <label class="field">
        <span class="label">用途</span>
        <input placeholder="如 政务服务网对接" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">类型</span>
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
          <option value="person">代表某位人员（对接系统以其身份和权限办理）</option>
          <option value="admin">管理员（调用管理接口）</option>
          <option value="supervisor">督查（调用督查接口）</option>
        </select>
      </label>
      {kind === "person" && (
        <>
          <DepartmentPicker label="人员所在部门" value={department} onChange={setDepartment} />
          {department && (
            <label class="field">
              <span class="label">人员</span>
              <select aria-label="人员" value={openId} onChange={(e) => setOpenId(e.currentTarget.value)}>
                <option value="">请选择人员</option>
                {people.map((p) => (
                  <option value={p.openId}>{p.name}</option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
    </Panel>
  );
}
