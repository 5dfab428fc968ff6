import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type HandoverPreview, type Me, type Person } from "../../api";
import { Panel, refuse, type Run } from "../../components/forms";
import { STATE_LABELS } from "../../components/labels";

// 离岗交接 (#handover/<openId>): what the leaving person holds (open tasks, their open requests and drafts,
// approvals waiting for them, their roles), and one step that moves all of it to a successor. For admins and the
// head of the person's department; the 组织机构 page links here for a person.

const ROLE_LABELS: Record<string, string> = { head: "负责人", dispatcher: "收件员", handler: "经办人", member: "成员" };

export function HandoverPage({ me, openId }: { me: Me; openId: string | undefined }) {
  const headOf = me.roles.filter((r) => r.role === "head" && r.department).map((r) => r.department!);
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    if (openId || headOf.length === 0) return;
    read(api.views.departments[":code"].people.$get({ param: { code: headOf[0]! } })).then((r) => setPeople(r.items.filter((p) => p.openId !== me.openId)), () => setPeople([]));
  }, [openId]);
  if (!openId) {
    return (
      <div class="handover">
        <h1>离岗交接</h1>
        <p class="hint">选择要办理离岗交接的人员（管理员也可从「组织机构」中的人员进入）。</p>
        <ul class="list">
          {people.map((p) => (
            <li class="item">
              <a href={`#handover/${encodeURIComponent(p.openId)}`}>{p.name}</a>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return <HandoverOf openId={openId} />;
}

function HandoverOf({ openId }: { openId: string }) {
  const [preview, setPreview] = useState<HandoverPreview | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [successor, setSuccessor] = useState("");
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [confirming, setConfirming] = useState(false);
  const load = () =>
    read(api.orgWork.handover[":openId"].$get({ param: { openId } })).then(
      (p) => {
        setPreview(p);
        setError("");
      },
      (e) => setError(messageOf(e, "加载失败，请重试。")),
    );
  useEffect(() => void load(), [openId]);
  useEffect(() => {
    if (!preview) return;
    read(api.views.departments[":code"].people.$get({ param: { code: preview.person.departmentCode } })).then((r) => setPeople(r.items.filter((p) => p.openId !== openId)), () => setPeople([]));
  }, [preview?.person.departmentCode]);
  const run: Run = async (call) => {
    setNotice(await call());
    setConfirming(false);
    await load();
  };
  if (error) return <p class="notice refused">{error}</p>;
  if (!preview) return <p class="hint">正在加载…</p>;
  const nothing = preview.tasks.length + preview.requests.length + preview.approvals.length + preview.roles.length + preview.withheld === 0;
  return (
    <div class="handover">
      <h1>离岗交接：{preview.person.name}</h1>
      <p class="meta">{preview.person.department}</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {preview.withheld > 0 && (
        <p class="notice" role="note">
          另有 {preview.withheld} 项涉密事项，您无权查看其编号和标题；交接时一并移交给接替人。
        </p>
      )}
      <section aria-label="经办的任务">
        <h2>经办的任务（{preview.tasks.length}）</h2>
        <ul class="list">
          {preview.tasks.map((t) => (
            <li class="item">
              <a href={`#r/${t.number}`}>{t.number}</a> {t.title} <span class="tag">{STATE_LABELS[t.state] ?? t.state}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="发起的事项">
        <h2>发起的事项与草稿（{preview.requests.length}）</h2>
        <ul class="list">
          {preview.requests.map((r) => (
            <li class="item">
              <a href={`#r/${r.number}`}>{r.number}</a> {r.title} <span class="tag">{STATE_LABELS[r.status] ?? r.status}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="待审批">
        <h2>待其审批（{preview.approvals.length}）</h2>
        <ul class="list">
          {preview.approvals.map((r) => (
            <li class="item">
              <a href={`#r/${r.number}`}>{r.number}</a> {r.title}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="角色">
        <h2>部门角色</h2>
        <p>{preview.roles.map((r) => `${r.department}${ROLE_LABELS[r.role] ?? r.role}`).join("、") || "无"}</p>
      </section>
      {nothing ? (
        <p class="hint">没有需要交接的工作。</p>
      ) : confirming ? (
        <Panel
          title="交接给接替人"
          submit="确认交接"
          run={run}
          onCancel={() => setConfirming(false)}
          call={async () => {
            if (!successor) throw refuse("请选择接替人。");
            const r = await read(api.orgWork.handover[":openId"].$post({ param: { openId }, json: { successor } }));
            return `已交接给 ${r.to.name}：任务 ${r.tasks.length} 项，发起的事项 ${r.requests.length} 项，角色 ${r.roles.length} 个`;
          }}
        >
          <label class="field">
            <span class="label">接替人</span>
            <select aria-label="接替人" value={successor} onChange={(e) => setSuccessor(e.currentTarget.value)}>
              <option value="">请选择</option>
              {people.map((p) => (
                <option value={p.openId}>{p.name}</option>
              ))}
            </select>
          </label>
          <p>以上任务、事项、草稿与角色将一并移交给接替人，操作记入留痕。</p>
        </Panel>
      ) : (
        <button class="primary" onClick={() => setConfirming(true)}>
          交接给接替人
        </button>
      )}
    </div>
  );
}
