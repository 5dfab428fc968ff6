import { useEffect, useState } from "preact/hooks";
import { EVALUATION_LABELS } from "../../src/domain/types";
import { api, ApiError, messageOf, read, type Action, type Department, type DetailTask, type RequestDetail } from "./api";
import { DepartmentPicker, HandlerPicker } from "./pickers";
import { SupervisionRecords } from "./supervision";
import { RectificationForm, RectificationInfo } from "./rectification";
import { dueClass, LightBadge, PRIORITY_LABELS, STATE_LABELS, when } from "./views";

// One request: tasks per department, deadlines in colour, the trail, comments, and exactly the actions the
// server says the signed-in person may take now. Actions that need words open a small form in place.

export const ACTION_LABELS: Record<Action, string> = {
  approve: "同意",
  reject: "驳回",
  accept: "签收",
  assign: "指派经办人",
  return: "退回",
  transfer: "转办",
  resubmit: "重新提交",
  arbitrate: "指定责任部门",
  requestInfo: "要求补正",
  supplyInfo: "补正",
  complete: "办结",
  confirmCompletion: "确认办结",
  sendBack: "退回重办",
  withdraw: "撤回",
  urge: "催办",
  comment: "补充说明",
  evaluate: "评价",
  supervise: "督办",
  reopen: "重新督办",
  rectify: "整改答复",
  confirmRectification: "确认整改",
  disputeRectification: "整改异议",
  decideDispute: "裁定整改异议",
  appeal: "申诉",
  decideAppeal: "裁定申诉",
  requestExtension: "申请延期",
  decideExtension: "审批延期",
};
/** Done with one tap; every other action opens its form. */
const ONE_TAP: readonly Action[] = ["urge", "confirmCompletion"];
const PRIMARY: readonly Action[] = ["approve", "accept", "complete", "supplyInfo", "confirmCompletion", "evaluate", "resubmit", "arbitrate"];
const DANGER: readonly Action[] = ["reject", "return", "withdraw", "sendBack", "supervise", "reopen"];

/** Where a form is open or a message is shown: under one task, under the request's buttons, or at the top. */
type Place = number | "request" | "top";
type Notice = { at: Place; ok: boolean; text: string };

let flashText = "";
/** A message for the next detail page opened (e.g. 已发起 after 确认发起). */
export function flash(text: string) {
  flashText = text;
}

export function Detail({ number }: { number: string }) {
  const [d, setD] = useState<RequestDetail | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState<Notice | null>(null);
  const [open, setOpen] = useState<{ at: Place; action: Action } | null>(null);
  const load = () =>
    read(api.requests.requests[":number"].$get({ param: { number } }))
      .then((x) => {
        setD(x);
        setError("");
      })
      .catch((e) => setError(messageOf(e, "加载失败")));
  useEffect(() => {
    setD(null);
    setOpen(null);
    setNotice(flashText ? { at: "top", ok: true, text: flashText } : null);
    flashText = "";
    void load();
  }, [number]);
  if (error && !d) return <p class="error">{error}</p>;
  if (!d) return <p class="hint">正在加载…</p>;

  /** Runs an action; on success closes the form and says so; either way shows the request as it is now. */
  const act = async (at: Place, call: () => Promise<string>, inForm = false) => {
    let done: string;
    try {
      done = await call();
    } catch (e) {
      await load();
      // A refusal is shown in the form (which keeps what was typed) or, for a one-tap button, where it was tapped.
      if (inForm) throw e;
      setNotice({ at, ok: false, text: messageOf(e) });
      return;
    }
    // The page is current before it says what was done, so what it shows next to the message is the new state.
    await load();
    setOpen(null);
    setNotice({ at, ok: true, text: done });
  };
  // A joint request with several departments still working: 催办 asks which one (or all).
  const urgeable = d.tasks.filter((t) => ["pending_accept", "in_progress", "awaiting_info"].includes(t.state));
  const isOneTap = (a: Action) => ONE_TAP.includes(a) && !(a === "urge" && urgeable.length > 1);
  const tap = (at: Place, action: Action, call: () => Promise<string>) => {
    if (isOneTap(action)) {
      setOpen(null);
      void act(at, call);
    } else {
      setNotice(null);
      setOpen(open?.at === at && open.action === action ? null : { at, action });
    }
  };
  const noticeAt = (at: Place) =>
    notice?.at === at && (
      <p class={notice.ok ? "notice" : "notice refused"} role={notice.ok ? "status" : "alert"}>
        {notice.text}
      </p>
    );
  /** 催办 (the request) and 确认办结 (a task) take one tap; the others open their form (同意 for its optional 意见). */
  const oneTap = (a: Action, t?: DetailTask) => async () => {
    if (a === "urge") {
      const r = await read(api.actions.requests[":number"].urge.$post({ param: { number: d.number }, json: {} }));
      return `已催办 ${r.urged} 个部门`;
    }
    await read(api.actions.tasks[":id{[0-9]+}"].review.$post({ param: { id: String(t!.id) }, json: { decision: "confirm" } }));
    return "已确认办结";
  };
  const buttons = (at: Place, actions: readonly Action[], t?: DetailTask) =>
    actions.length > 0 && (
      <div class="actions">
        {actions.map((a) => (
          <button
            class={[PRIMARY.includes(a) ? "primary" : DANGER.includes(a) ? "danger" : "", open?.at === at && open.action === a ? "on" : ""].join(" ").trim()}
            aria-expanded={isOneTap(a) ? undefined : open?.at === at && open.action === a}
            onClick={() => tap(at, a, oneTap(a, t))}
          >
            {ACTION_LABELS[a]}
          </button>
        ))}
      </div>
    );
  const lastQuestion = [...d.comments].reverse().find((c) => c.kind === "info_request");

  return (
    <div class="detail">
      <a class="back" href="#" onClick={(e) => (e.preventDefault(), history.length > 1 ? history.back() : (location.hash = "#todo"))}>
        ‹ 返回
      </a>
      <h1>
        {d.priority !== "normal" && <span class={`tag ${d.priority}`}>{PRIORITY_LABELS[d.priority]}</span>}
        {d.title}
      </h1>
      <p class="meta">
        {d.number} · {STATE_LABELS[d.status] ?? d.status} · {d.fromDepartment} {d.requester} ·{" "}
        <span class={dueClass(d.dueAt, d.status)}>截止 {when(d.dueAt)}</span>
        {d.classification === "sensitive" ? " · 涉密" : ""}
      </p>
      {noticeAt("top")}
      {error && <p class="notice refused">{error}</p>}
      {d.body.trim() !== d.title.trim() && <p class="body">{d.body}</p>}
      <h2>承办部门</h2>
      <ul class="list">
        {d.tasks.map((t) => (
          <li class="item task" data-task={t.id}>
            <div class="title">
              {t.department}（{t.role === "lead" ? "主办" : "协办"}）
            </div>
            <div class="meta">
              {STATE_LABELS[t.state] ?? t.state}
              {t.assignee ? ` · 经办人 ${t.assignee}` : ""} · <span class={dueClass(t.dueAt, t.state)}>截止 {when(t.dueAt)}</span>
              {t.state === "pending_accept" && t.acceptDueAt ? ` · 签收时限 ${when(t.acceptDueAt)}` : ""}
              <LightBadge light={t.light} text={t.lightText} />
            </div>
            {t.extensionCount > 0 && (
              <p class="meta extension">
                原时限 {when(t.originalDueAt).replace("/", "月").replace(" ", "日 ")}，已延期 {t.extensionCount} 次
                {t.extensions.some((e) => e.state === "pending") ? "（另有延期申请待审批）" : ""}
              </p>
            )}
            {t.reviewPending && <p class="flag">办结结果待本部门负责人确认</p>}
            {t.arbitrationPending && <p class="flag">已连续被两个部门退回，等待督查指定责任部门</p>}
            {t.result && (
              <div class="result">
                {t.reviewPending ? "提交的办理结果" : "办理结果"}：{t.result}
              </div>
            )}
            {t.evaluation && (
              <div class="result evaluation">
                评价：{"★".repeat(t.evaluation.score)}
                {"☆".repeat(5 - t.evaluation.score)} {t.evaluation.label}
                {t.evaluation.comment ? `，${t.evaluation.comment}` : ""}
              </div>
            )}
            <SupervisionRecords task={t} />
            <RectificationInfo task={t} />
            {buttons(t.id, t.actions, t)}
            {open?.at === t.id && (
              <TaskForm
                key={`${t.id}:${open.action}`}
                task={t}
                action={open.action}
                question={lastQuestion?.body}
                onCancel={() => setOpen(null)}
                run={(call) => act(t.id, call, true)}
              />
            )}
            {noticeAt(t.id)}
          </li>
        ))}
      </ul>
      {d.actions.length > 0 && (
        <section class="request-actions">
          <h2>事项操作</h2>
          {buttons("request", d.actions)}
          {open?.at === "request" && (
            <RequestForm key={open.action} number={d.number} urgeable={urgeable} action={open.action} onCancel={() => setOpen(null)} run={(call) => act("request", call, true)} />
          )}
          {noticeAt("request")}
        </section>
      )}
      <h2>办理过程</h2>
      <ol class="timeline">
        {d.timeline.map((e) => (
          <li>
            <span class="when">{when(e.at)}</span> {e.actor} {e.action}
            {e.toDepartment ? `（从 ${e.department ?? "原部门"} 转至 ${e.toDepartment}）` : e.department ? `（${e.department}）` : ""}
            {e.to && e.from !== e.to ? ` → ${e.to}` : ""}
            {e.note ? `：${e.note}` : ""}
          </li>
        ))}
      </ol>
      {d.comments.length > 0 && (
        <>
          <h2>补充与补正</h2>
          <ul class="list">
            {d.comments.map((c) => (
              <li class="item">
                <div class="meta">
                  {c.author} · {when(c.at)}
                  {c.kind === "info_request" ? " · 要求补正" : c.kind === "info_supply" ? " · 补正" : ""}
                </div>
                <div>{c.body}</div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

type Run = (call: () => Promise<string>) => Promise<void>;

/** A small form under the button that opened it: its fields, the server's refusal if any, submit and cancel. */
export function Panel(props: { title: string; submit: string; danger?: boolean; run: Run; call: () => Promise<string>; onCancel: () => void; children: preact.ComponentChildren }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="panel"
      aria-label={props.title}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError("");
        try {
          await props.run(props.call);
        } catch (err) {
          setError(messageOf(err));
        }
        setBusy(false);
      }}
    >
      {props.children}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button class={props.danger ? "danger" : "primary"} disabled={busy}>
          {busy ? "正在提交…" : props.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

export function Text(props: { label: string; placeholder: string; value: string; onInput: (v: string) => void; optional?: boolean; rows?: number }) {
  return (
    <label class="field">
      <span class="label">
        {props.label}
        {props.optional ? <small>（可选）</small> : null}
      </span>
      <textarea rows={props.rows ?? 3} placeholder={props.placeholder} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </label>
  );
}

/** A refusal decided on the page (a chooser left empty), shown like the server's. */
const refuse = (message: string) => new ApiError(0, message);

function TaskForm({ task: t, action, question, run, onCancel }: { task: DetailTask; action: Action; question: string | undefined; run: Run; onCancel: () => void }) {
  const [text, setText] = useState("");
  const [dept, setDept] = useState<Department | null>(null);
  const [assignee, setAssignee] = useState("");
  const [score, setScore] = useState(0);
  const [elsewhere, setElsewhere] = useState(false);
  const p = { param: { id: String(t.id) } };
  const task = api.actions.tasks[":id{[0-9]+}"];
  const common = { run, onCancel };
  const chosen = (what: string) => {
    if (!dept) throw refuse(`请先选择${what}。`);
    return dept;
  };

  switch (action) {
    case "accept":
      return (
        <Panel
          {...common}
          title="签收"
          submit="确认签收"
          call={async () => {
            await read(api.requests.tasks[":id{[0-9]+}"].accept.$post({ ...p, json: assignee ? { assigneeOpenId: assignee } : {} }));
            return "已签收";
          }}
        >
          <HandlerPicker department={t.departmentCode} value={assignee} onChange={setAssignee} />
        </Panel>
      );
    case "assign":
      return (
        <Panel
          {...common}
          title="指派经办人"
          submit="确认指派"
          call={async () => {
            if (!assignee) throw refuse("请先选择经办人。");
            await read(task.assign.$post({ ...p, json: { assigneeOpenId: assignee } }));
            return "已指派经办人";
          }}
        >
          <HandlerPicker department={t.departmentCode} value={assignee} onChange={setAssignee} required />
        </Panel>
      );
    case "return":
      return (
        <Panel
          {...common}
          title="退回"
          submit="确认退回"
          danger
          call={async () => {
            await read(task.return.$post({ ...p, json: { reason: text } }));
            return "已退回发起人";
          }}
        >
          <Text label="退回原因" placeholder="如：不属于本部门职责，建议转税务局" value={text} onInput={setText} />
        </Panel>
      );
    case "transfer":
      return (
        <Panel
          {...common}
          title="转办"
          submit="确认转办"
          call={async () => {
            const to = chosen("转办给哪个部门");
            await read(task.transfer.$post({ ...p, json: { department: to.code, reason: text } }));
            return `已转办至 ${to.name}`;
          }}
        >
          <DepartmentPicker label="转办至" value={dept} onChange={setDept} exclude={[t.departmentCode]} />
          <Text label="转办原因" placeholder="如：社保缴纳属人社部门职责" value={text} onInput={setText} />
        </Panel>
      );
    case "arbitrate":
      return (
        <Panel
          {...common}
          title="指定责任部门"
          submit="确认指定"
          call={async () => {
            const to = chosen("责任部门");
            await read(task.arbitrate.$post({ ...p, json: { department: to.code, comment: text } }));
            return `已指定由 ${to.name} 办理`;
          }}
        >
          <DepartmentPicker label="责任部门" value={dept} onChange={setDept} />
          <Text label="指定理由" placeholder="如：依职责由人社局办理" value={text} onInput={setText} />
        </Panel>
      );
    case "resubmit":
      return (
        <Panel
          {...common}
          title="重新提交"
          submit="重新提交"
          call={async () => {
            const to = elsewhere ? chosen("改投哪个部门") : null;
            await read(task.resubmit.$post({ ...p, json: { ...(to ? { department: to.code } : {}), ...(text.trim() ? { note: text } : {}) } }));
            return to ? `已改投 ${to.name}` : `已重新提交 ${t.department}`;
          }}
        >
          <div class="field choice" role="radiogroup" aria-label="提交给">
            <label>
              <input type="radio" name="where" checked={!elsewhere} onChange={() => setElsewhere(false)} /> 原部门（{t.department}）
            </label>
            <label>
              <input type="radio" name="where" checked={elsewhere} onChange={() => setElsewhere(true)} /> 改投其他部门
            </label>
          </div>
          {elsewhere && <DepartmentPicker label="改投至" value={dept} onChange={setDept} exclude={[t.departmentCode]} />}
          <Text label="补充说明" optional placeholder="如：已补充企业地址" value={text} onInput={setText} />
        </Panel>
      );
    case "requestInfo":
      return (
        <Panel
          {...common}
          title="要求补正"
          submit="发送补正要求"
          call={async () => {
            await read(task["request-info"].$post({ ...p, json: { question: text } }));
            return "已请发起人补正，补正期间截止时间暂停计算";
          }}
        >
          <Text label="需要补正的内容" placeholder="如：请补充统一社会信用代码" value={text} onInput={setText} />
        </Panel>
      );
    case "requestExtension":
      return (
        <Panel
          {...common}
          title="申请延期"
          submit="提交延期申请"
          call={async () => {
            await read(task.extension.$post({ ...p, json: { dueDate: assignee, reason: text } }));
            return "已提交延期申请，等待审批";
          }}
        >
          <Text label="新的办结时限" placeholder="如：2026-12-31、12月31日 或 5个工作日" value={assignee} onInput={setAssignee} />
          <Text label="延期理由" placeholder="如：需等待省厅回函" value={text} onInput={setText} />
        </Panel>
      );
    case "decideExtension":
      return (
        <Panel
          {...common}
          title="审批延期"
          submit={elsewhere ? "不同意延期" : "同意延期"}
          call={async () => {
            await read(task.extension.decide.$post({ ...p, json: elsewhere ? { approve: false, comment: text } : { approve: true, ...(assignee ? { dueDate: assignee } : {}) } }));
            return elsewhere ? "已不同意延期，承办部门已收到通知" : "已同意延期，承办部门已收到通知";
          }}
        >
          <div>
            <label>
              <input type="checkbox" checked={elsewhere} onChange={(e) => setElsewhere((e.target as HTMLInputElement).checked)} /> 不同意延期
            </label>
          </div>
          {elsewhere ? (
            <Text label="不同意的理由" placeholder="如：请按原时限办结" value={text} onInput={setText} />
          ) : (
            <Text label="批准的时限" optional placeholder="留空即按申请的日期；可填更早的工作日，如 2026-12-25" value={assignee} onInput={setAssignee} />
          )}
        </Panel>
      );
    case "supplyInfo":
      return (
        <Panel
          {...common}
          title="补正"
          submit="提交补正"
          call={async () => {
            await read(task["supply-info"].$post({ ...p, json: { content: text } }));
            return "已提交补正，承办部门继续办理";
          }}
        >
          {question && <p class="quote">承办部门要求：{question}</p>}
          <Text label="补正内容" placeholder="如：统一社会信用代码：91330100MA2XXXXXX" value={text} onInput={setText} />
        </Panel>
      );
    case "complete":
      return (
        <Panel
          {...common}
          title="办结"
          submit="提交办结"
          call={async () => {
            const r = await read(task.complete.$post({ ...p, json: { result: text } }));
            return r.state === "completed" ? "已办结，发起人已收到办理结果" : "已提交办理结果，待本部门负责人确认";
          }}
        >
          <Text label="办理结果" placeholder="如：经核查，该公司营业执照真实有效" value={text} onInput={setText} rows={4} />
        </Panel>
      );
    case "sendBack":
      return (
        <Panel
          {...common}
          title="退回重办"
          submit="确认退回重办"
          danger
          call={async () => {
            await read(task.review.$post({ ...p, json: { decision: "sendBack", comment: text } }));
            return "已退回重办，经办人将重新办理";
          }}
        >
          <Text label="退回重办的理由" placeholder="如：核查结论缺少依据，请补充执照查询截图" value={text} onInput={setText} />
        </Panel>
      );
    case "evaluate":
      return (
        <Panel
          {...common}
          title="评价"
          submit="提交评价"
          call={async () => {
            if (!score) throw refuse("请先选择 1 到 5 星。");
            await read(task.evaluate.$post({ ...p, json: { score, ...(text.trim() ? { comment: text } : {}) } }));
            return `已评价：${EVALUATION_LABELS[score]}`;
          }}
        >
          <div class="stars" role="radiogroup" aria-label="评分">
            {[1, 2, 3, 4, 5].map((n) => (
              <button type="button" role="radio" aria-checked={score === n} aria-label={`${n} 星`} class={n <= score ? "star lit" : "star"} onClick={() => setScore(n)}>
                ★
              </button>
            ))}
            <span class="rating">{score ? `${score} 分 · ${EVALUATION_LABELS[score]}` : "请选择星级"}</span>
          </div>
          <Text
            label={score && score <= 2 ? "评价意见（必填）" : "评价意见"}
            optional={!(score && score <= 2)}
            placeholder={score && score <= 2 ? "请写明不满意的原因，便于承办部门改进" : "如：办理及时，感谢"}
            value={text}
            onInput={setText}
          />
        </Panel>
      );
    case "supervise":
    case "reopen":
      return (
        <Panel
          {...common}
          title={ACTION_LABELS[action]}
          submit={action === "supervise" ? "下达督办" : "确认重新督办"}
          danger
          call={async () => {
            if (action === "reopen") {
              await read(api.supervision.tasks[":id{[0-9]+}"].reopen.$post({ ...p, json: { reason: text } }));
              return "已重新督办，任务退回办理中，承办部门负责人和经办人已收到通知";
            }
            const r = await read(api.supervision.tasks[":id{[0-9]+}"].supervise.$post({ ...p, json: { instruction: text } }));
            return r.opened ? "已督办，承办部门负责人已收到督办通知和加急提醒" : `已追加督办意见（共 ${r.instructions} 条）`;
          }}
        >
          <Text
            label={action === "supervise" ? "督办意见" : "重新督办的理由"}
            placeholder={action === "supervise" ? "如：请于本周五前办结并报送结果" : "如：办理结果未附核查材料，请补充后重新办结"}
            value={text}
            onInput={setText}
          />
        </Panel>
      );
    default:
      return <RectificationForm task={t} action={action} run={run} onCancel={onCancel} />;
  }
}

function RequestForm({ number, urgeable, action, run, onCancel }: { number: string; urgeable: DetailTask[]; action: Action; run: Run; onCancel: () => void }) {
  const [text, setText] = useState("");
  const [department, setDepartment] = useState("");
  const n = { param: { number } };
  const request = api.actions.requests[":number"];
  const common = { run, onCancel };
  switch (action) {
    case "approve":
      return (
        <Panel
          {...common}
          title="同意"
          submit="确认同意"
          call={async () => {
            await read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "approve" }, json: text.trim() ? { comment: text } : {} }));
            return "已同意，已发往承办部门";
          }}
        >
          <Text label="审批意见" optional placeholder="如：同意，请各部门抓紧办理" value={text} onInput={setText} />
        </Panel>
      );
    case "reject":
      return (
        <Panel
          {...common}
          title="驳回"
          submit="确认驳回"
          danger
          call={async () => {
            await read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "reject" }, json: { comment: text } }));
            return "已驳回，发起人已收到理由";
          }}
        >
          <Text label="驳回理由" placeholder="如：请补充企业统一社会信用代码后再发起" value={text} onInput={setText} />
        </Panel>
      );
    case "urge":
      return (
        <Panel
          {...common}
          title="催办"
          submit="确认催办"
          call={async () => {
            const r = await read(request.urge.$post({ ...n, json: department ? { department } : {} }));
            return `已催办 ${r.urged} 个部门`;
          }}
        >
          <label class="field">
            <span class="label">催办哪个部门</span>
            <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
              <option value="">全部未办结的部门（{urgeable.length} 个）</option>
              {urgeable.map((t) => (
                <option value={t.departmentCode}>
                  {t.department}（{t.role === "lead" ? "主办" : "协办"}）
                </option>
              ))}
            </select>
          </label>
        </Panel>
      );
    case "withdraw":
      return (
        <Panel
          {...common}
          title="撤回"
          submit="确认撤回"
          danger
          call={async () => {
            await read(request.withdraw.$post({ ...n, json: { reason: text } }));
            return "已撤回，承办部门已收到通知";
          }}
        >
          <Text label="撤回原因" placeholder="如：企业已自行提交材料" value={text} onInput={setText} />
        </Panel>
      );
    case "comment":
      return (
        <Panel
          {...common}
          title="补充说明"
          submit="提交"
          call={async () => {
            await read(request.comments.$post({ ...n, json: { body: text } }));
            return "已补充说明";
          }}
        >
          <Text label="补充说明" placeholder="如：企业联系人：李先生 138xxxx0000" value={text} onInput={setText} />
        </Panel>
      );
    default:
      return null;
  }
}
