import { useEffect, useState } from "preact/hooks";
import { describeIssues, ruleItem } from "../../../../src/domain/importFormat";
import { allDepartments, api, messageOf, read, type Department } from "../../api";
import { refuse } from "../../components/forms";
import { when } from "../../components/labels";
import { RuleTester } from "./RuleTester";

// 路由规则 (admins): the rules by priority, flagged when an earlier rule catches their keywords first; move up and
// down, disable, edit (saved as a new version) with the tester beside the form, and each rule's versions.

export type Rule = Awaited<ReturnType<typeof loadRules>>[number];
const loadRules = async () => (await read(api.rules.index.$get())).items;

/** The form's fields as typed: lists as "、"- or comma-separated text. */
export interface RuleForm {
  code: string;
  name: string;
  priority: string;
  enabled: boolean;
  keywordsAny: string;
  keywordsAll: string;
  category: string;
  fromDepartments: string;
  targets: string;
  lead: string;
  slaWorkingDays: string;
  outboundApproval: boolean;
  completionReview: boolean;
}

const list = (s: string) => s.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);
const text = (v: unknown) => (Array.isArray(v) ? v.join("、") : typeof v === "string" || typeof v === "number" ? String(v) : "");

function formOf(r: Rule | null, nextPriority: number): RuleForm {
  const m = (r?.match ?? {}) as Record<string, unknown>;
  const a = (r?.action ?? {}) as Record<string, unknown>;
  return {
    code: r?.code ?? "",
    name: r?.name ?? "",
    priority: String(r?.priority ?? nextPriority),
    enabled: r?.enabled ?? true,
    keywordsAny: text(m.keywordsAny),
    keywordsAll: text(m.keywordsAll),
    category: text(m.category),
    fromDepartments: text(m.fromDepartments),
    targets: text(a.targets),
    lead: text(a.lead),
    slaWorkingDays: text(a.slaWorkingDays),
    outboundApproval: a.outboundApproval === true,
    completionReview: a.completionReview === true,
  };
}

/** The form as the API's rule item (keeping the action fields the form does not show), checked by the same zod schema. */
export function ruleOf(f: RuleForm, base: Rule | null) {
  const keep = { ...((base?.action ?? {}) as Record<string, unknown>) };
  delete keep.lead;
  delete keep.slaWorkingDays;
  const match: Record<string, unknown> = {};
  if (list(f.keywordsAny).length) match.keywordsAny = list(f.keywordsAny);
  if (list(f.keywordsAll).length) match.keywordsAll = list(f.keywordsAll);
  if (f.category.trim()) match.category = f.category.trim();
  if (list(f.fromDepartments).length) match.fromDepartments = list(f.fromDepartments);
  const priorities = (base?.match as { priorities?: unknown } | undefined)?.priorities;
  if (priorities) match.priorities = priorities;
  const action: Record<string, unknown> = { ...keep, targets: list(f.targets), outboundApproval: f.outboundApproval, completionReview: f.completionReview };
  if (f.lead.trim()) action.lead = f.lead.trim();
  if (f.slaWorkingDays.trim()) action.slaWorkingDays = Number(f.slaWorkingDays);
  return ruleItem.safeParse({ code: f.code.trim(), name: f.name, priority: Number(f.priority), enabled: f.enabled, match, action });
}

export function RulesPage() {
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<{ rule: Rule | null } | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const reload = () => loadRules().then(setRules, (e) => setError(messageOf(e, "规则加载失败，请重试。")));
  useEffect(() => void reload(), []);

  const act = async (call: () => Promise<string>) => {
    try {
      setNotice(await call());
      setError("");
      await reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const move = (i: number, by: number) =>
    act(async () => {
      const codes = rules!.map((r) => r.code);
      [codes[i], codes[i + by]] = [codes[i + by]!, codes[i]!];
      await read(api.rules.reorder.$post({ json: { codes } }));
      return "顺序已调整。";
    });
  const toggle = (r: Rule) =>
    act(async () => {
      const { code: _code, ...body } = { code: r.code, name: r.name, priority: r.priority, enabled: !r.enabled, match: r.match, action: r.action };
      const saved = await read(api.rules[":code"].$put({ param: { code: r.code }, json: body as never }));
      return `规则「${r.name}」已${r.enabled ? "停用" : "启用"}（第 ${saved.version} 版）。`;
    });

  if (editing) {
    const nextPriority = Math.max(0, ...(rules ?? []).map((r) => r.priority)) + 10;
    return (
      <RuleEditor
        rule={editing.rule}
        nextPriority={nextPriority}
        onDone={(msg) => {
          setEditing(null);
          if (msg) setNotice(msg);
          void reload();
        }}
      />
    );
  }
  return (
    <div class="rules">
      <div class="actions">
        <button class="primary" onClick={() => setEditing({ rule: null })}>
          新建规则
        </button>
      </div>
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {rules?.length === 0 && <p class="hint">还没有路由规则。</p>}
      <ul class="list">
        {(rules ?? []).map((r, i) => (
          <li class="item" data-rule={r.code}>
            <div class="title">
              {r.priority}. {r.name} <small>（{r.code} 第 {r.version} 版）</small>
              {!r.enabled && <span class="tag">已停用</span>}
            </div>
            <div class="meta">
              {summary(r)}
            </div>
            {r.warning && <div class="meta warning">⚠ {r.warning}</div>}
            <div class="actions">
              <button disabled={i === 0} onClick={() => void move(i, -1)}>上移</button>
              <button disabled={i === rules!.length - 1} onClick={() => void move(i, 1)}>下移</button>
              <button onClick={() => setEditing({ rule: r })}>编辑</button>
              <button onClick={() => void toggle(r)}>{r.enabled ? "停用" : "启用"}</button>
              <button onClick={() => setHistory(history === r.code ? null : r.code)}>版本历史</button>
            </div>
            {history === r.code && <RuleHistory code={r.code} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function summary(r: Rule): string {
  const m = r.match as Record<string, unknown>;
  const a = r.action as Record<string, unknown>;
  const parts: string[] = [];
  if (text(m.keywordsAny)) parts.push(`任一关键词：${text(m.keywordsAny)}`);
  if (text(m.keywordsAll)) parts.push(`全部关键词：${text(m.keywordsAll)}`);
  if (text(m.category)) parts.push(`类别：${text(m.category)}`);
  parts.push(`承办：${text(a.targets)}`);
  if (a.slaWorkingDays) parts.push(`时限 ${text(a.slaWorkingDays)} 个工作日`);
  return parts.join(" · ");
}

function RuleHistory({ code }: { code: string }) {
  const [items, setItems] = useState<Awaited<ReturnType<typeof load>> | null>(null);
  const [error, setError] = useState("");
  const load = async () => (await read(api.rules[":code"].history.$get({ param: { code } }))).items;
  useEffect(() => void load().then(setItems, (e) => setError(messageOf(e))), [code]);
  return (
    <div class="panel history" aria-label={`${code} 版本历史`}>
      {error && <p class="error">{error}</p>}
      {(items ?? []).map((v) => (
        <div class="version" data-version={v.version}>
          <b>第 {v.version} 版</b>
          {v.current && <span class="tag">当前</span>} <small>{v.createdBy ?? "系统"} · {when(v.createdAt)} · 路由任务 {v.tasks} 个</small>
          <ul>
            {v.changes.map((c) => (
              <li>{c.text}</li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function RuleEditor({ rule, nextPriority, onDone }: { rule: Rule | null; nextPriority: number; onDone: (msg?: string) => void }) {
  const [form, setForm] = useState<RuleForm>(formOf(rule, nextPriority));
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => void allDepartments().then(setDepartments, () => setDepartments([])), []);
  const set = (patch: Partial<RuleForm>) => setForm({ ...form, ...patch });
  const field = (key: keyof RuleForm, label: string, placeholder: string) => (
    <label class="field">
      <span class="label">{label}</span>
      <input value={form[key] as string} placeholder={placeholder} disabled={key === "code" && !!rule} onInput={(e) => set({ [key]: e.currentTarget.value })} />
    </label>
  );
  const check = (key: "enabled" | "outboundApproval" | "completionReview", label: string) => (
    <label class="check">
      <input type="checkbox" checked={form[key]} onChange={(e) => set({ [key]: e.currentTarget.checked })} /> {label}
    </label>
  );
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const parsed = ruleOf(form, rule);
      if (!parsed.success) throw refuse(`规则有误：${describeIssues(parsed.error)}。例如：关键词「营业执照、证照」，承办部门「city-amr」。`);
      const { code, ...body } = parsed.data;
      const saved = await read(api.rules[":code"].$put({ param: { code }, json: body }));
      onDone(saved.changed ? `规则「${body.name}」已保存为第 ${saved.version} 版。` : "没有改动，未保存新版本。");
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };
  return (
    <div class="rule-editor">
      <form class="panel" aria-label="编辑规则" onSubmit={save}>
        <h3>{rule ? `编辑规则 ${rule.code}（当前第 ${rule.version} 版）` : "新建规则"}</h3>
        {field("code", "编码", "小写字母、数字、- 和 _，例如 licence")}
        {field("name", "名称", "例如 证照核查")}
        {field("priority", "优先级（数字小的先匹配）", "例如 10")}
        {field("keywordsAny", "任一关键词", "用顿号或逗号分隔，例如 营业执照、证照")}
        {field("keywordsAll", "全部关键词", "每个都须出现，例如 企业、注销")}
        {field("category", "类别", "可不填，例如 证照")}
        {field("fromDepartments", "限定发起部门（编码）", "可不填")}
        {field("targets", "承办部门（编码）", "多个即联办，例如 city-amr")}
        {field("lead", "主办部门（编码）", "可不填：默认第一个承办部门")}
        {field("slaWorkingDays", "办结时限（工作日）", "可不填：按紧急程度")}
        {check("enabled", "启用")} {check("outboundApproval", "发出前须负责人审批")} {check("completionReview", "办结须承办部门负责人审核")}
        <datalist id="department-codes">
          {departments.map((d) => (
            <option value={d.code}>{d.name}</option>
          ))}
        </datalist>
        <p class="hint">部门编码：{departments.map((d) => `${d.name} ${d.code}`).join("；")}</p>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          <button class="primary" disabled={busy}>{busy ? "正在保存…" : "保存为新版本"}</button>
          <button type="button" onClick={() => onDone()}>取消</button>
        </div>
      </form>
      <RuleTester form={form} base={rule} departments={departments} />
    </div>
  );
}
