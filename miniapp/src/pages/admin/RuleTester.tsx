import { useState } from "preact/hooks";
import { describeIssues } from "../../../../src/domain/importFormat";
import { api, messageOf, read, type Department } from "../../api";
import { when } from "../../components/labels";
import { ruleOf, type Rule, type RuleForm } from "./RulesPage";

// The tester beside the rule form: a typed text from a chosen department at a chosen time, routed by the rules
// as saved and as edited (the form, before saving), side by side. Routing is the server's planner, as for /发起.

type Outcome = Awaited<ReturnType<typeof test>>["saved"];
const test = (json: Parameters<typeof api.rules.test.$post>[0]["json"]) => read(api.rules.test.$post({ json }));

export function RuleTester({ form, base, departments }: { form: RuleForm; base: Rule | null; departments: Department[] }) {
  const [textValue, setText] = useState("");
  const [from, setFrom] = useState("");
  const [at, setAt] = useState("");
  const [result, setResult] = useState<{ saved: Outcome; edited: Outcome | null; draftError: string } | null>(null);
  const [error, setError] = useState("");
  const run = async (e: Event) => {
    e.preventDefault();
    try {
      const draft = ruleOf(form, base);
      const submittedAt = at ? `${at}:00+08:00` : undefined;
      const r = await test({ text: textValue, fromDepartment: from, ...(submittedAt ? { submittedAt } : {}), ...(draft.success ? { draft: draft.data } : {}) });
      setResult({ ...r, draftError: draft.success ? "" : `表单有误，未按修改后的规则试算：${describeIssues(draft.error)}` });
      setError("");
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form class="panel tester" aria-label="规则试算" onSubmit={run}>
      <h3>试算</h3>
      <label class="field">
        <span class="label">发起内容（/发起 之后的内容）</span>
        <input value={textValue} placeholder="例如 核查某公司营业执照" onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">发起部门</span>
        <select value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
          <option value="">请选择</option>
          {departments.map((d) => (
            <option value={d.code}>{d.name}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">发起时间（北京时间，可不填：现在）</span>
        <input type="datetime-local" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button class="primary">试算</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {result && (
        <div class="compare">
          <Result title="按已保存的规则" outcome={result.saved} />
          {result.edited ? <Result title="按修改后的规则" outcome={result.edited} /> : <p class="error">{result.draftError}</p>}
        </div>
      )}
    </form>
  );
}

function Result({ title, outcome }: { title: string; outcome: Outcome }) {
  return (
    <section class="result" aria-label={title}>
      <h4>{title}</h4>
      {outcome.ok ? (
        <dl>
          <dt>承办部门</dt>
          <dd>{outcome.plan.targets.map((t) => t.name).join("、")}</dd>
          <dt>规则</dt>
          <dd>{outcome.plan.rule ? `${outcome.plan.rule.code} 第 ${outcome.plan.rule.version} 版` : "未匹配规则"}</dd>
          <dt>办理要求</dt>
          <dd>
            时限 {String(outcome.plan.policy.slaWorkingDays)} 个工作日{outcome.plan.policy.outboundApproval ? "，发出前须审批" : ""}
            {outcome.plan.policy.completionReview ? "，办结须审核" : ""}
          </dd>
          <dt>签收时限</dt>
          <dd>{when(outcome.plan.acceptDueAt)}</dd>
          <dt>办结时限</dt>
          <dd>{when(outcome.plan.dueAt)}</dd>
          <dt>说明</dt>
          <dd>{outcome.plan.explanation}</dd>
        </dl>
      ) : (
        <p class="error">{outcome.error.message}</p>
      )}
    </section>
  );
}
