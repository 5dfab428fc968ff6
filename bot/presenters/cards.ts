import type { Card } from "../core/types";
import { EVALUATION_LABELS, EVALUATION_SCORES } from "../../src/domain/types";
import { dateTimeFormat } from "../../src/domain/intl";

// Chat presenters: Card JSON 2.0 for the platform, built from plain views. Buttons carry a callback value
// `{a: <action>, ...ids}` that bot/core/cardActions.ts maps back to the same commands the text uses.

export interface TaskView {
  requestId: number;
  number: string;
  title: string;
  sensitive: boolean;
  body?: string | null;
  priorityLabel: string;
  taskId: number;
  departmentName: string;
  taskRole: "lead" | "supporting";
  state: string;
  stateLabel: string;
  dueAt: string;
  /** 签收时限, once the task reached the department */
  acceptDueAt?: string | null;
  /** 红黄绿灯 in words (正常 / 临期 / 超期 2 个工作日 …) */
  light?: "green" | "yellow" | "red";
  lightText?: string;
  fromDepartmentName?: string;
  requesterName?: string;
  /** the latest thing that happened, one line */
  note?: string | null;
  /** shown to an inbox the task has left (transferred away): no buttons */
  readOnly?: boolean;
  /** 延期: the first deadline and the number of granted extensions (shown when > 0) */
  originalDueAt?: string | null;
  extensionCount?: number;
  /** 附件: how many, the 办结 result's file names, and the request's page in the mini-app */
  files?: CardFiles;
}

export interface CardFiles {
  count: number;
  /** names of the files attached to the 办结 result; never filled for a sensitive request */
  resultNames: string[];
  /** the request's page in the mini-app (PUBLIC_URL/app/#r/编号), when the address people use is known */
  pageUrl: string | null;
}

/** "**附件**：2 个　[在小程序中查看](…)": counted and linked, never named (a sensitive request's files stay out of chat). */
function filesLine(v: TaskView): string | null {
  const f = v.files;
  if (!f || (!f.count && !f.pageUrl)) return null;
  const link = f.pageUrl ? `[在小程序中查看](${f.pageUrl})` : "";
  return f.count ? `**附件**：${f.count} 个${link ? `　${link}` : "，请在小程序中查看"}` : `**详情**：${link}`;
}

/** "原时限 12月1日 17:30，已延期 1 次" once a task's deadline was extended, else null. */
export function extensionNote(originalDueAt: string | Date | null | undefined, extensionCount: number | undefined): string | null {
  if (!extensionCount || !originalDueAt) return null;
  return `原时限 ${formatLocalTime(new Date(originalDueAt).toISOString())}，已延期 ${extensionCount} 次`;
}

const TEMPLATE: Record<string, string> = {
  pending_approval: "orange",
  pending_accept: "blue",
  in_progress: "wathet",
  awaiting_info: "yellow",
  completed: "green",
  rejected: "grey",
  returned: "red",
  cancelled: "grey",
};

export function formatLocalTime(iso: string, timeZone = "Asia/Shanghai"): string {
  return dateTimeFormat("zh-CN", { timeZone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false })
    .format(new Date(iso))
    .replace(/\//, "月")
    .replace(/ /, "日 ");
}

function card(title: string, template: string, elements: unknown[]): Card {
  return {
    schema: "2.0",
    config: { update_multi: true },
    header: { title: { tag: "plain_text", content: title }, template },
    body: { elements },
  };
}

const md = (content: string) => ({ tag: "markdown", content });
const input = (name: string, placeholder: string) => ({
  tag: "input",
  name,
  placeholder: { tag: "plain_text", content: placeholder },
});
const button = (text: string, type: "primary" | "default" | "danger", value: Record<string, unknown>, submit?: string) => ({
  tag: "button",
  text: { tag: "plain_text", content: text },
  type,
  ...(submit ? { form_action_type: "submit", name: submit } : {}),
  behaviors: [{ type: "callback", value }],
});
const form = (name: string, elements: unknown[]) => ({ tag: "form", name, elements });

function facts(v: TaskView): string {
  const lines = [
    `**编号**：${v.number}`,
    v.fromDepartmentName ? `**发起**：${v.fromDepartmentName}${v.requesterName ? ` ${v.requesterName}` : ""}` : null,
    `**承办**：${v.departmentName}（${v.taskRole === "lead" ? "主办" : "协办"}）`,
    `**截止**：${formatLocalTime(v.dueAt)}　**紧急程度**：${v.priorityLabel}`,
    extensionNote(v.originalDueAt, v.extensionCount) ? `**延期**：${extensionNote(v.originalDueAt, v.extensionCount)}` : null,
    v.acceptDueAt && v.state === "pending_accept" ? `**签收时限**：${formatLocalTime(v.acceptDueAt)}` : null,
    `**状态**：${v.stateLabel}`,
    v.light && v.lightText ? `**时限**：${lightMark(v.light, v.lightText)}` : null,
    filesLine(v),
  ];
  return lines.filter(Boolean).join("\n");
}

/** The light as a coloured mark plus its words, never colour alone: "🔴 红灯 · 超期 2 个工作日". */
export function lightMark(light: "green" | "yellow" | "red", text: string): string {
  const mark = { green: "🟢 绿灯", yellow: "🟡 黄灯", red: "🔴 红灯" }[light];
  return `${mark} · ${text}`;
}

/** Deadline notices of the sweep (临期, 签收超时, 超期, 督办), one card per recipient listing each request. */
export function deadlineNoticeCard(v: { title: string; supervise: boolean; lines: string[] }): Card {
  const urgent = v.supervise || v.lines.some((l) => l.startsWith("【超期】"));
  return card(v.title, urgent ? "red" : "orange", [md(v.lines.join("\n")), md("查看详情：/查询 编号，或在小程序中打开。")]);
}

/** 督办 (or 重新督办) of a task: number, title (none for sensitive requests), the instruction, who, and the deadline. */
export function supervisionCard(v: {
  reopened: boolean;
  number: string;
  title: string;
  departmentName: string;
  instruction: string;
  supervisor: string;
  dueAt: string;
  lightText?: string | undefined;
}): Card {
  const head = v.reopened ? `【重新督办】${v.number}` : `【督办】${v.number}`;
  return card(head, "red", [
    md(
      [
        `**${v.title}**`,
        `承办部门：${v.departmentName}`,
        `办结时限：${formatLocalTime(v.dueAt)}${v.lightText ? `（${v.lightText}）` : ""}`,
        `督查人员：${v.supervisor}`,
        `${v.reopened ? "重新督办理由" : "督办意见"}：${v.instruction}`,
      ].join("\n"),
    ),
    md(v.reopened ? `办理结果未获认可，任务已退回办理中，请按意见办理后重新办结：/办结 ${v.number} 结果` : `请按督办意见抓紧办理，办结后督办自动销号。查看详情：/查询 ${v.number}`),
  ]);
}

function bodyText(v: TaskView): string {
  if (v.sensitive) return "该事项为涉密事项，内容不在聊天中显示，请在小程序中查看。";
  return v.body ? `**内容**：${v.body}` : "";
}

/** Announced in the target department's group: 签收 / 退回 / 转办 while it waits to be accepted. */
export function taskCard(v: TaskView): Card {
  const elements: unknown[] = [md(facts(v)), ...(bodyText(v) ? [md(bodyText(v))] : [])];
  if (v.note) elements.push(md(`> ${v.note}`));
  if (v.readOnly) elements.push(md(`该任务已转至 ${v.departmentName}，本部门无需处理。`));
  else if (v.state === "pending_accept") {
    const ids = { taskId: v.taskId };
    elements.push(
      form("task_form", [
        input("reason", "退回或转办时填写原因"),
        input("department", "转办时填写部门，例如 市税务局"),
        button("签收", "primary", { a: "accept", ...ids }, "accept"),
        button("退回", "danger", { a: "return", ...ids }, "return"),
        button("转办", "default", { a: "transfer", ...ids }, "transfer"),
      ]),
    );
  }
  return card(`${v.number} ${v.title}`, TEMPLATE[v.state] ?? "blue", elements);
}

export interface ApprovalView extends Omit<TaskView, "taskId" | "departmentName" | "taskRole"> {
  targets: string[];
  decidedBy?: string | null;
}

/** To the requesting department's heads: 同意 / 驳回 before the request leaves. */
export function approvalCard(v: ApprovalView): Card {
  const elements: unknown[] = [
    md(
      [
        `**编号**：${v.number}`,
        `**发起**：${v.fromDepartmentName ?? ""} ${v.requesterName ?? ""}`,
        `**发往**：${v.targets.join("、")}`,
        `**截止**：${formatLocalTime(v.dueAt)}　**紧急程度**：${v.priorityLabel}`,
      ].join("\n"),
    ),
  ];
  if (bodyText({ ...v, taskId: 0, departmentName: "", taskRole: "lead" })) elements.push(md(bodyText({ ...v, taskId: 0, departmentName: "", taskRole: "lead" })));
  if (v.state === "pending_approval") {
    elements.push(
      form("approval_form", [
        input("comment", "审批意见（驳回时必填）"),
        button("同意", "primary", { a: "approve", requestId: v.requestId }, "approve"),
        button("驳回", "danger", { a: "reject", requestId: v.requestId }, "reject"),
      ]),
    );
  }
  const decision = v.state === "pending_approval" ? "待审批" : v.state === "rejected" ? "已驳回" : v.state === "cancelled" ? "已撤回" : "已同意";
  if (v.state !== "pending_approval") elements.push(md(`**审批结果**：${decision}${v.decidedBy ? `（${v.decidedBy}）` : ""}`));
  const template = v.state === "pending_approval" ? "orange" : v.state === "rejected" || v.state === "cancelled" ? "grey" : "green";
  return card(`${decision} ${v.number} ${v.title}`, template, elements);
}

/** The rating buttons, best first. */
export const RATINGS: Array<[number, string]> = EVALUATION_SCORES.map((s) => [s, EVALUATION_LABELS[s]!]);

export interface CompletionView extends TaskView {
  result: string;
  supportingResults?: Array<{ department: string; result: string | null }>;
  rating?: { score: number; label: string; comment: string | null } | null;
}

/** To the requester when the request is done: the result and 1-5 rating buttons until rated. */
export function completionCard(v: CompletionView): Card {
  const parts = [`**办结结果**（${v.departmentName}）：${v.sensitive ? "涉密事项，请在小程序中查看。" : v.result}`];
  for (const s of v.supportingResults ?? []) parts.push(`**${s.department}**：${v.sensitive ? "（涉密）" : (s.result ?? "")}`);
  if (!v.sensitive && v.files?.resultNames.length) parts.push(`**结果附件**：${v.files.resultNames.map((n) => `「${n}」`).join("、")}`);
  const elements: unknown[] = [md([`**编号**：${v.number}`, filesLine(v)].filter(Boolean).join("\n")), md(parts.join("\n"))];
  if (v.rating) {
    elements.push(md(`**您的评价**：${v.rating.label}${v.rating.comment ? `，${v.rating.comment}` : ""}`));
  } else {
    elements.push(
      form("rating_form", [
        input("comment", "评价意见（不满意时必填）"),
        ...RATINGS.map(([score, label]) => button(label, score >= 4 ? "primary" : score === 3 ? "default" : "danger", { a: "rate", taskId: v.taskId, score }, `rate_${score}`)),
      ]),
    );
  }
  return card(`已办结 ${v.number} ${v.title}`, "green", elements);
}

export interface PreviewView {
  text: string;
  targets: string[];
  joint: boolean;
  dueAt: string;
  ruleName: string | null;
  explanation: string;
  status?: "open" | "confirmed" | "cancelled";
  number?: string;
  /** the key that makes the card confirm at most once (minted when the preview is shown) */
  key?: string;
  /** the openId of the person who sent the text: only they may confirm or cancel */
  owner?: string;
}

/** Free text that reads as a request: what would happen, with 确认 / 修改 / 取消. */
export function previewCard(v: PreviewView): Card {
  const elements: unknown[] = [
    md(
      [
        `**内容**：${v.text}`,
        `**发往**：${v.targets.join("、")}${v.joint ? "（联办）" : ""}`,
        `**截止**：${formatLocalTime(v.dueAt)}`,
        `**规则**：${v.ruleName ?? "未匹配规则，按默认要求"}`,
      ].join("\n"),
    ),
    md(v.explanation),
  ];
  const status = v.status ?? "open";
  if (status === "open") {
    const key = { ...(v.key ? { p: v.key } : {}), ...(v.owner ? { o: v.owner } : {}) };
    elements.push(button("确认发起", "primary", { a: "preview_confirm", text: v.text, ...key }));
    elements.push(button("修改", "default", { a: "preview_edit", text: v.text, ...key }));
    elements.push(button("取消", "danger", { a: "preview_cancel", text: v.text, ...key }));
  } else {
    elements.push(md(status === "confirmed" ? `已发起，编号 **${v.number}**。` : "已取消，未发起。"));
  }
  return card(status === "open" ? "是否发起协同事项？" : status === "confirmed" ? "已发起协同事项" : "已取消", status === "cancelled" ? "grey" : "blue", elements);
}

export interface HandlerView extends TaskView {
  reviewPending?: boolean;
  /** what the person was told (assigned to them, sent back with a reason) */
  text?: string | null;
}

/**
 * To the handler a task is assigned (or sent back) to: 办结 with the result typed into the card, or 要求补正 with
 * what is missing, while the task is in their hands. Once done or paused the card shows the state, no buttons.
 */
export function handlerCard(v: HandlerView): Card {
  const elements: unknown[] = [md(facts(v)), ...(bodyText(v) ? [md(bodyText(v))] : [])];
  // A sensitive task's notes (a sent-back reason) stay out of chat like its body.
  if (v.text && !v.sensitive) elements.push(md(`> ${v.text}`));
  if (v.state === "in_progress" && !v.reviewPending) {
    const ids = { taskId: v.taskId };
    elements.push(
      form("handle_form", [
        input("result", "办结时填写办理结果，例如 经核查，该公司营业执照真实有效"),
        input("question", "要求补正时填写缺少的材料，例如 请补充统一社会信用代码"),
        button("办结", "primary", { a: "complete", ...ids }, "complete"),
        button("要求补正", "default", { a: "request_info", ...ids }, "request_info"),
      ]),
    );
  } else if (v.state === "in_progress") {
    elements.push(md("办结结果已提交，等待本部门负责人确认。"));
  } else if (v.state === "awaiting_info") {
    elements.push(md("已请发起人补正材料，补正期间暂停计时；发起人补正后会通知您。"));
  }
  return card(`${v.number} ${v.title}`, TEMPLATE[v.state] ?? "blue", elements);
}

export interface ReviewView extends TaskView {
  result: string;
  reviewPending: boolean;
  submittedBy?: string | null;
  /** who decided and how, once decided */
  decision?: string | null;
}

/** To the target head when a handler submits a result under completion review: 确认办结 / 退回重办 (with a reason). */
export function reviewCard(v: ReviewView): Card {
  const result = v.sensitive ? "涉密事项，请在小程序中查看。" : v.result;
  const elements: unknown[] = [md(facts(v)), md(`**提交的办理结果**${v.submittedBy ? `（${v.submittedBy}）` : ""}：${result}`)];
  const open = v.state === "in_progress" && v.reviewPending;
  if (open) {
    const ids = { taskId: v.taskId };
    elements.push(
      form("review_form", [
        input("comment", "退回重办时填写理由；确认时可填意见"),
        button("确认办结", "primary", { a: "confirm", ...ids }, "confirm"),
        button("退回重办", "danger", { a: "send_back", ...ids }, "send_back"),
      ]),
    );
  } else {
    elements.push(md(`**审核结果**：${v.decision ?? (v.state === "completed" ? "已确认办结" : "已处理")}`));
  }
  return card(`${open ? "待确认办结" : "已审核"} ${v.number} ${v.title}`, open ? "orange" : v.state === "completed" ? "green" : "grey", elements);
}

export interface RectificationView {
  number: string;
  title: string;
  taskId: number;
  departmentName: string;
  sensitive: boolean;
  score: number;
  label: string;
  /** the rating's comment (null on sensitive requests) */
  comment: string | null;
  rectificationDueAt: string;
  rectificationState: "open" | "answered" | "confirmed" | "disputed" | "resolved";
  rectificationStateLabel: string;
  answer?: string | null;
  onTime?: boolean | null;
  verdictComment?: string | null;
  decisionLabel?: string | null;
  decisionComment?: string | null;
  /** the requester's card offers 确认整改 / 有异议 while the answer waits for them */
  forRequester: boolean;
}

/**
 * 整改: to the rated department when a 差评 opens it (number, rating, comment, due), and to the requester once
 * answered, with 确认整改 and 有异议 (the objection's reason typed in the card's input), then patched in place.
 */
export function rectificationCard(v: RectificationView): Card {
  const hidden = "涉密事项，请在小程序中查看。";
  const lines = [
    `**编号**：${v.number}`,
    `**承办**：${v.departmentName}`,
    `**评价**：${v.label}（${v.score} 分）${v.comment ? `，${v.comment}` : v.sensitive ? `，${hidden}` : ""}`,
    `**整改期限**：${formatLocalTime(v.rectificationDueAt)}`,
    `**整改状态**：${v.rectificationStateLabel}`,
  ];
  if (v.answer !== undefined && v.answer !== null) lines.push(`**整改情况**：${v.answer}${v.onTime === false ? "（逾期答复）" : v.onTime ? "（按期答复）" : ""}`);
  else if (v.rectificationState !== "open" && v.sensitive) lines.push(`**整改情况**：${hidden}`);
  if (v.verdictComment) lines.push(`**异议理由**：${v.verdictComment}`);
  if (v.decisionLabel) lines.push(`**督查裁定**：${v.decisionLabel}${v.decisionComment ? `，${v.decisionComment}` : ""}`);
  const elements: unknown[] = [md(lines.join("\n"))];
  if (v.rectificationState === "open" && !v.forRequester) {
    elements.push(md(`请于期限前答复整改情况：/整改 ${v.number} 整改内容\n如认为评价有误，可申诉：/申诉 ${v.number} 理由`));
  }
  if (v.rectificationState === "answered" && v.forRequester) {
    elements.push(
      form("rectification_form", [
        input("reason", "有异议时请填写理由"),
        button("确认整改", "primary", { a: "rect_confirm", taskId: v.taskId }, "rect_confirm"),
        button("有异议", "danger", { a: "rect_dispute", taskId: v.taskId }, "rect_dispute"),
      ]),
    );
  }
  const template = v.rectificationState === "confirmed" || v.rectificationState === "resolved" ? "green" : v.rectificationState === "disputed" ? "red" : "orange";
  return card(`整改 ${v.number} ${v.title}`, template, elements);
}

export interface ExtensionView {
  number: string;
  title: string;
  taskId: number;
  extensionId: number;
  departmentName: string;
  sensitive: boolean;
  previousDueAt: string;
  requestedDueAt: string;
  /** null on sensitive requests */
  reason: string | null;
  state: "pending" | "approved" | "refused";
  /** once decided: who, and the granted deadline or the refusal's reason (none on sensitive requests) */
  decidedBy?: string | null;
  grantedDueAt?: string | null;
  decisionComment?: string | null;
}

/**
 * 延期申请 to the decider (the requester, or the supervisors under 督办): number, title, department, the current
 * and requested deadlines, the reason, with 同意延期 / 不同意 (the refusal's reason typed in the card's input);
 * patched in place with the decision.
 */
export function extensionCard(v: ExtensionView): Card {
  const hidden = "涉密事项，请在小程序中查看。";
  const lines = [
    `**编号**：${v.number}`,
    `**承办**：${v.departmentName}`,
    `**当前时限**：${formatLocalTime(v.previousDueAt)}`,
    `**申请延至**：${formatLocalTime(v.requestedDueAt)}`,
    `**延期理由**：${v.sensitive ? hidden : (v.reason ?? "")}`,
  ];
  const elements: unknown[] = [md(lines.join("\n"))];
  if (v.state === "pending") {
    elements.push(
      form("extension_form", [
        input("comment", "不同意时请填写理由"),
        button("同意延期", "primary", { a: "ext_approve", taskId: v.taskId, extensionId: v.extensionId }, "ext_approve"),
        button("不同意", "danger", { a: "ext_refuse", taskId: v.taskId, extensionId: v.extensionId }, "ext_refuse"),
      ]),
    );
  } else {
    const who = v.decidedBy ? `（${v.decidedBy}）` : "";
    const why = v.decisionComment && !v.sensitive ? `：${v.decisionComment}` : "";
    const decision =
      v.state === "approved"
        ? `已同意延期${who}，办结时限延至 ${formatLocalTime(v.grantedDueAt ?? v.requestedDueAt)}${why}`
        : `不同意延期${who}${why}`;
    elements.push(md(`**审批结果**：${decision}`));
  }
  const template = v.state === "pending" ? "orange" : v.state === "approved" ? "green" : "grey";
  return card(`${v.state === "pending" ? "延期申请" : "延期申请已处理"} ${v.number} ${v.title}`, template, elements);
}
