import { useEffect, useState } from "preact/hooks";
import { allCategories, api, ApiError, messageOf, read, type Department, type Plan } from "../../api";
import { useFormFiles } from "../../components/attachments";
import { flash } from "../../components/flash";
import { PRIORITY_LABELS } from "../../components/labels";
import { PlanView } from "../../components/PlanView";
import { DepartmentPicker } from "../../components/pickers";

// 发起 by form, for those who do not want the text grammar: departments chosen (several = 联办, the first leads),
// category, a due date no later than the rule allows, priority and 密级; the same live preview as the text page,
// and the same API (its `form` input) and command behind it.

type Priority = "normal" | "urgent" | "critical";
type Classification = "public" | "internal" | "sensitive";
const CLASSIFICATION_LABELS: Record<Classification, string> = { internal: "内部", public: "公开", sensitive: "涉密（聊天中不显示内容）" };

const dayOf = (iso: string) => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date(iso));

export function RaiseFormPage() {
  const [targets, setTargets] = useState<Department[]>([]);
  const [content, setContent] = useState("");
  const [category, setCategory] = useState("");
  const [categories, setCategories] = useState<string[]>([]);
  const [dueDate, setDueDate] = useState("");
  const [priority, setPriority] = useState<Priority>("normal");
  const [classification, setClassification] = useState<Classification>("internal");
  const [plan, setPlan] = useState<{ key: string; plan: Plan; latest: string } | null>(null);
  const [error, setError] = useState<{ message: string; example?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const files = useFormFiles({ attachedTo: "request" });
  useEffect(() => void allCategories().then(setCategories, () => setCategories([])), []);

  const form = {
    departments: targets.map((d) => d.code),
    content: content.trim(),
    ...(category.trim() ? { category: category.trim() } : {}),
    ...(dueDate ? { dueDate } : {}),
    priority,
  };
  const key = JSON.stringify(form);
  const current = plan && plan.key === key ? plan : null;

  // Live preview: a moment after the last change. Without a date first, which gives the latest the rule allows
  // (the date picker's bound); then with the chosen date, which is what will be created.
  useEffect(() => {
    if (!form.content) {
      setPlan(null);
      setError(null);
      return;
    }
    let stale = false;
    const timer = setTimeout(async () => {
      try {
        const { dueDate: chosen, ...rest } = form;
        const bound = await read(api.requests.requests.preview.$post({ json: { form: rest } }));
        const exact = chosen ? await read(api.requests.requests.preview.$post({ json: { form } })) : bound;
        if (!stale) {
          setPlan({ key, plan: exact, latest: dayOf(bound.dueAt) });
          setError(null);
        }
      } catch (e) {
        if (!stale) {
          setPlan(null);
          setError({ message: messageOf(e), example: e instanceof ApiError ? e.example : undefined });
        }
      }
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [key]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await read(api.requests.requests.$post({ json: { form, classification } }));
      const raised = r.status === "pending_approval" ? `已发起 ${r.number}，已提交本部门负责人审批` : `已发起 ${r.number}，已发往 ${r.targets.map((t) => t.name).join("、")}`;
      // The request exists now: its files follow; a refused one is named on the request's page, where it can be replaced.
      const sent = await files.send(r.number);
      flash(raised + (sent.ok ? `，附件 ${sent.ok} 个` : "") + (sent.failed ? `；有 ${sent.failed} 个文件未能上传（类型或大小不符），请在事项页面重新上传` : ""));
      location.hash = `#r/${encodeURIComponent(r.number)}`;
    } catch (e) {
      setError({ message: messageOf(e), example: e instanceof ApiError ? e.example : undefined });
    }
    setBusy(false);
  };

  const tomorrow = dayOf(new Date(Date.now() + 86_400_000).toISOString());
  return (
    <div class="raise raise-form">
      <h1>发起协同事项（表单）</h1>
      <p class="hint">
        习惯聊天写法？<a href="#new">用一句话发起</a>
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (current) void create();
        }}
      >
        <div class="field" aria-label="承办部门">
          <span class="label">承办部门（可选多个，第一个主办；不选时按规则自动分派）</span>
          {targets.length > 0 && (
            <ul class="targets picked-list">
              {targets.map((d, i) => (
                <li>
                  {d.name}
                  <span class={i === 0 ? "tag lead" : "tag"}>{i === 0 ? "主办" : "协办"}</span>{" "}
                  <button type="button" class="link" aria-label={`移除 ${d.name}`} onClick={() => setTargets(targets.filter((t) => t.code !== d.code))}>
                    移除
                  </button>
                </li>
              ))}
            </ul>
          )}
          <DepartmentPicker label="添加承办部门" value={null} exclude={targets.map((d) => d.code)} onChange={(d) => d && setTargets([...targets, d])} />
        </div>
        <label class="field">
          <span class="label">事项内容</span>
          <textarea rows={4} placeholder="例如：核查某公司营业执照及纳税情况" value={content} onInput={(e) => setContent(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="label">
            类别<small>（可选）</small>
          </span>
          <input list="raise-form-categories" placeholder="如 证照核查" value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
          <datalist id="raise-form-categories">
            {categories.map((c) => (
              <option value={c} />
            ))}
          </datalist>
        </label>
        <label class="field">
          <span class="label">
            要求办结日期<small>（可选，不晚于 {current?.latest ?? plan?.latest ?? "规则允许的日期"}）</small>
          </span>
          <input type="date" min={tomorrow} max={current?.latest ?? plan?.latest} value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="label">紧急程度</span>
          <select value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
            {Object.entries(PRIORITY_LABELS).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="label">密级</span>
          <select value={classification} onChange={(e) => setClassification(e.currentTarget.value as Classification)}>
            {Object.entries(CLASSIFICATION_LABELS).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
        </label>
        {files.field}
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
          <button class="primary" disabled={busy || !current}>
            确认发起
          </button>
        </div>
      </form>
      {current && <PlanView plan={current.plan} />}
    </div>
  );
}
