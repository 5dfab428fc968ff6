import { useState } from "preact/hooks";
import { api, ApiError, messageOf, read, type Plan } from "../../api";
import { flash } from "../../components/flash";
import { PRIORITY_LABELS, when } from "../../components/labels";

// 发起: the same words as the chat's /发起, a dry run first (where it goes, by which rule, by when), then create.

export const EXAMPLE = "@市监局 核查某公司营业执照 截止:2个工作日 #证照核查 !紧急";

export function RaisePage() {
  const [text, setText] = useState("");
  const [sensitive, setSensitive] = useState(false);
  const [plan, setPlan] = useState<{ for: string; plan: Plan } | null>(null);
  const [error, setError] = useState<{ message: string; example?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  // A preview holds only for the words it was made from.
  const current = plan && plan.for === text.trim() ? plan.plan : null;

  const attempt = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError({ message: messageOf(e), example: e instanceof ApiError ? e.example : undefined });
    }
    setBusy(false);
  };
  const preview = () =>
    attempt(async () => {
      const words = text.trim();
      setPlan({ for: words, plan: await read(api.requests.requests.preview.$post({ json: { text: words } })) });
    });
  const create = () =>
    attempt(async () => {
      const r = await read(api.requests.requests.$post({ json: { text: text.trim(), ...(sensitive ? { classification: "sensitive" as const } : {}) } }));
      flash(r.status === "pending_approval" ? `已发起 ${r.number}，已提交本部门负责人审批` : `已发起 ${r.number}，已发往 ${r.targets.map((t) => t.name).join("、")}`);
      location.hash = `#r/${encodeURIComponent(r.number)}`;
    });

  return (
    <div class="raise">
      <h1>发起协同事项</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <label class="field">
          <span class="label">事项内容</span>
          <textarea rows={4} placeholder={`例如：${EXAMPLE}`} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <div class="grammar">
          写法与聊天中的 /发起 相同：<code>@部门</code> 指定承办部门（可写多个，第一个主办），<code>#类别</code>，<code>截止:3个工作日</code> 或{" "}
          <code>截止:12月1日</code>，<code>!紧急</code> 或 <code>!特急</code>。不写 @部门 时按规则自动分派。
          <div class="example">
            示例：<code>{EXAMPLE}</code>{" "}
            <button type="button" class="link" onClick={() => setText(EXAMPLE)}>
              填入示例
            </button>
          </div>
        </div>
        <label class="check">
          <input type="checkbox" checked={sensitive} onChange={(e) => setSensitive(e.currentTarget.checked)} /> 涉密（聊天中不显示内容，仅相关人员可在小程序查看）
        </label>
        {error && (
          <p class="error" role="alert">
            {error.message}
            {error.example && (
              <>
                <br />
                正确示例：{error.example}
              </>
            )}
          </p>
        )}
        <div class="actions">
          <button class={current ? "" : "primary"} disabled={busy || !text.trim()}>
            预览
          </button>
          {current && (
            <button type="button" class="primary" disabled={busy} onClick={() => void create()}>
              确认发起
            </button>
          )}
        </div>
      </form>
      {current && <PlanView plan={current} />}
    </div>
  );
}

function PlanView({ plan }: { plan: Plan }) {
  const policy = plan.policy as { outboundApproval?: boolean; completionReview?: boolean };
  return (
    <section class="plan" aria-label="预览">
      <h2>预览</h2>
      <dl>
        <dt>发往</dt>
        <dd>
          <ul class="targets">
            {plan.targets.map((t) => (
              <li>
                {t.name}
                <span class={t.code === plan.lead.code ? "tag lead" : "tag"}>{t.code === plan.lead.code ? "主办" : "协办"}</span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>依据</dt>
        <dd>{plan.explanation}</dd>
        <dt>截止</dt>
        <dd>{when(plan.dueAt)}</dd>
        <dt>紧急程度</dt>
        <dd>
          {PRIORITY_LABELS[plan.priority]}
          {plan.category ? ` · 类别 ${plan.category}` : ""}
        </dd>
      </dl>
      {policy.outboundApproval && <p class="flag">发出前需本部门负责人审批</p>}
      {policy.completionReview && <p class="flag">办结结果需承办部门负责人确认</p>}
      {plan.missingYears.length > 0 && <p class="flag">{plan.missingYears.join("、")} 年的节假日安排尚未导入，截止时间暂按周末计算。</p>}
    </section>
  );
}
