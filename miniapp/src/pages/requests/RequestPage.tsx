import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type Action, type DetailTask, type RequestDetail } from "../../api";
import { Attachments } from "../../components/attachments";
import { takeFlash } from "../../components/flash";
import { ACTION_LABELS, dueClass, PRIORITY_LABELS, STATE_LABELS, when } from "../../components/labels";
import { LightBadge } from "../../components/LightBadge";
import { RectificationInfo } from "./RectificationForms";
import { RequestActionForm } from "./RequestActionForm";
import { SupervisionRecords } from "./SupervisionRecords";
import { TaskActionForm } from "./TaskActionForm";

// One request: tasks per department, deadlines in colour, the trail, comments, and exactly the actions the
// server says the signed-in person may take now. Actions that need words open a small form in place.

/** Done with one tap; every other action opens its form. */
const ONE_TAP: readonly Action[] = ["urge", "confirmCompletion"];
const PRIMARY: readonly Action[] = ["approve", "accept", "complete", "supplyInfo", "confirmCompletion", "evaluate", "resubmit", "arbitrate"];
const DANGER: readonly Action[] = ["reject", "return", "withdraw", "sendBack", "supervise", "reopen"];

/** Where a form is open or a message is shown: under one task, under the request's buttons, or at the top. */
type Place = number | "request" | "top";
type Notice = { at: Place; ok: boolean; text: string };

export function RequestPage({ number }: { number: string }) {
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
    const flashed = takeFlash();
    setNotice(flashed ? { at: "top", ok: true, text: flashed } : null);
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
              <TaskActionForm
                number={d.number}
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
            <RequestActionForm key={open.action} number={d.number} urgeable={urgeable} action={open.action} onCancel={() => setOpen(null)} run={(call) => act("request", call, true)} />
          )}
          {noticeAt("request")}
        </section>
      )}
      <Attachments number={d.number} tasks={d.tasks} refresh={d} />
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
