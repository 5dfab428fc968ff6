import { useEffect, useState } from "preact/hooks";
import { describeIssues, escalationPolicyItem } from "../../../../src/domain/importFormat";
import { api, messageOf, read } from "../../api";
import { refuse } from "../../components/forms";
import { PRIORITY_LABELS } from "../../components/labels";

// 督办策略 (admins): per scope (all, a rule, a priority, or both), the 签收时限, the 临期 reminder window, who is
// told when a task goes overdue, and after how many working days the supervisors get a 督办. Unset fields keep the
// defaults (or the wider policy's). Checked with the same zod schema as the API.

type Policy = Awaited<ReturnType<typeof load>>[number];
const load = async () => (await read(api.policies.index.$get())).items;

interface Form {
  code: string;
  name: string;
  rule: string;
  priority: string;
  acceptWorkingDays: string;
  windowKind: "" | "days" | "hours";
  workingDaysBefore: string;
  at: string;
  workingHoursBefore: string;
  overdueNotice: "" | "yes" | "no";
  supervise: string;
}
const EMPTY: Form = { code: "", name: "", rule: "", priority: "", acceptWorkingDays: "", windowKind: "", workingDaysBefore: "", at: "", workingHoursBefore: "", overdueNotice: "", supervise: "" };

function formOf(p: Policy): Form {
  const s = p.settings;
  const d = s.dueSoon;
  return {
    code: p.code,
    name: p.name,
    rule: p.rule ?? "",
    priority: p.priority ?? "",
    acceptWorkingDays: s.acceptWorkingDays ? String(s.acceptWorkingDays) : "",
    windowKind: !d ? "" : "workingHoursBefore" in d ? "hours" : "days",
    workingDaysBefore: d && "workingDaysBefore" in d ? String(d.workingDaysBefore) : "",
    at: d && "at" in d && d.at ? d.at : "",
    workingHoursBefore: d && "workingHoursBefore" in d ? String(d.workingHoursBefore) : "",
    overdueNotice: s.overdueNotice === undefined ? "" : s.overdueNotice ? "yes" : "no",
    supervise: s.superviseAfterWorkingDays === undefined ? "" : s.superviseAfterWorkingDays === null ? "never" : String(s.superviseAfterWorkingDays),
  };
}

function itemOf(f: Form) {
  const item: Record<string, unknown> = { code: f.code.trim(), name: f.name, rule: f.rule.trim() || null, priority: f.priority || null };
  if (f.acceptWorkingDays) item.acceptWorkingDays = Number(f.acceptWorkingDays);
  if (f.windowKind === "days") item.dueSoon = { workingDaysBefore: Number(f.workingDaysBefore), ...(f.at ? { at: f.at } : {}) };
  if (f.windowKind === "hours") item.dueSoon = { workingHoursBefore: Number(f.workingHoursBefore) };
  if (f.overdueNotice) item.overdueNotice = f.overdueNotice === "yes";
  if (f.supervise) item.superviseAfterWorkingDays = f.supervise === "never" ? null : Number(f.supervise);
  return escalationPolicyItem.safeParse(item);
}

function describe(p: Policy): string {
  const s = p.settings;
  const parts = [`适用：${p.rule ? `规则 ${p.rule}` : "全部规则"}、${p.priority ? PRIORITY_LABELS[p.priority] : "全部紧急程度"}`];
  if (s.acceptWorkingDays) parts.push(`签收时限 ${s.acceptWorkingDays} 个工作日`);
  if (s.dueSoon) parts.push("workingHoursBefore" in s.dueSoon ? `到期前 ${s.dueSoon.workingHoursBefore} 个工作小时临期提醒` : `到期前 ${s.dueSoon.workingDaysBefore} 个工作日${s.dueSoon.at ?? "09:00"} 临期提醒`);
  if (s.overdueNotice !== undefined) parts.push(s.overdueNotice ? "超期告知经办人和承办部门负责人" : "超期不另行告知");
  if (s.superviseAfterWorkingDays !== undefined) parts.push(s.superviseAfterWorkingDays === null ? "不自动督办" : `到期后 ${s.superviseAfterWorkingDays} 个工作日督办（告知督查人员）`);
  return parts.join(" · ");
}

export function PoliciesPage() {
  const [items, setItems] = useState<Policy[] | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const reload = () => load().then(setItems, (e) => setError(messageOf(e, "策略加载失败，请重试。")));
  useEffect(() => void reload(), []);
  const set = (patch: Partial<Form>) => setForm({ ...form!, ...patch });

  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const parsed = itemOf(form!);
      if (!parsed.success) throw refuse(`策略有误：${describeIssues(parsed.error)}。例如：编码 licence-late，名称 证照督办，到期后 3 个工作日督办。`);
      const { code, ...body } = parsed.data;
      const r = await read(api.policies[":code"].$put({ param: { code }, json: body }));
      setNotice(r.changed ? `策略「${body.name}」已保存，${r.rearmedTasks} 个在办任务按新策略重新安排提醒。` : "没有改动。");
      setForm(null);
      setError("");
      await reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const remove = async (p: Policy) => {
    try {
      const r = await read(api.policies[":code"].$delete({ param: { code: p.code } }));
      setNotice(`策略「${p.name}」已删除，恢复默认；${r.rearmedTasks} 个在办任务重新安排提醒。`);
      await reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const input = (key: keyof Form, label: string, placeholder: string, disabled = false) => (
    <label class="field">
      <span class="label">{label}</span>
      <input value={form![key]} placeholder={placeholder} disabled={disabled} onInput={(e) => set({ [key]: e.currentTarget.value })} />
    </label>
  );
  return (
    <div class="policies">
      <p class="hint">未设置的项按默认：签收时限 1 个工作日，到期前一个工作日 09:00 临期提醒（特急提前 4 个工作小时），超期告知经办人和负责人，到期后 2 个工作日督办。</p>
      {!form && (
        <div class="actions">
          <button class="primary" onClick={() => (setForm(EMPTY), setIsNew(true))}>新建策略</button>
        </div>
      )}
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {form && (
        <form class="panel" aria-label="编辑督办策略" onSubmit={save}>
          {input("code", "编码", "例如 licence-late", !isNew)}
          {input("name", "名称", "例如 证照督办")}
          {input("rule", "适用规则（编码，可不填：全部）", "例如 licence")}
          <label class="field">
            <span class="label">适用紧急程度</span>
            <select value={form.priority} onChange={(e) => set({ priority: e.currentTarget.value })}>
              <option value="">全部</option>
              {Object.entries(PRIORITY_LABELS).map(([k, v]) => (
                <option value={k}>{v}</option>
              ))}
            </select>
          </label>
          {input("acceptWorkingDays", "签收时限（工作日，可不填）", "例如 1")}
          <label class="field">
            <span class="label">临期提醒窗口</span>
            <select value={form.windowKind} onChange={(e) => set({ windowKind: e.currentTarget.value as Form["windowKind"] })}>
              <option value="">按默认</option>
              <option value="days">到期前 N 个工作日</option>
              <option value="hours">到期前 N 个工作小时</option>
            </select>
          </label>
          {form.windowKind === "days" && input("workingDaysBefore", "提前工作日数", "例如 1")}
          {form.windowKind === "days" && input("at", "提醒时间（HH:mm）", "例如 09:00")}
          {form.windowKind === "hours" && input("workingHoursBefore", "提前工作小时数", "例如 4")}
          <label class="field">
            <span class="label">超期时告知经办人和承办部门负责人</span>
            <select value={form.overdueNotice} onChange={(e) => set({ overdueNotice: e.currentTarget.value as Form["overdueNotice"] })}>
              <option value="">按默认（告知）</option>
              <option value="yes">告知</option>
              <option value="no">不告知</option>
            </select>
          </label>
          {input("supervise", "到期后几个工作日督办（告知督查人员；写 never 不督办）", "例如 2")}
          <div class="actions">
            <button class="primary">保存</button>
            <button type="button" onClick={() => setForm(null)}>取消</button>
          </div>
        </form>
      )}
      {items?.length === 0 && <p class="hint">还没有督办策略，全部按默认。</p>}
      <ul class="list">
        {(items ?? []).map((p) => (
          <li class="item" data-policy={p.code}>
            <div class="title">
              {p.name} <small>（{p.code}）</small>
            </div>
            <div class="meta">{describe(p)}</div>
            <div class="actions">
              <button onClick={() => (setForm(formOf(p)), setIsNew(false))}>编辑</button>
              <button class="danger" onClick={() => void remove(p)}>删除</button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
