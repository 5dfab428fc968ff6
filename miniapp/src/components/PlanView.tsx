import type { Plan } from "../api";
import { PRIORITY_LABELS, when } from "./labels";

// The 发起 preview: where a request would go, by which rule, by when. The text and the form pages show the same.

export function PlanView({ plan }: { plan: Plan }) {
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
