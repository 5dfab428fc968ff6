import { useEffect, useState } from "preact/hooks";
import { api, ApiError, postJson, read } from "./api";
import type { Me } from "./main";
import { dueClass, STATE_LABELS, when } from "./views";

interface Detail {
  number: string;
  title: string;
  body: string;
  status: string;
  classification: string;
  dueAt: string;
  requester: string;
  fromDepartment: string;
  tasks: Array<{ id: number; department: string; role: string; state: string; dueAt: string; assignee: string | null; result: string | null }>;
  timeline: Array<{ seq: number; at: string; actor: string; action: string; department: string | null; from: string | null; to: string | null; note: string | null }>;
  comments: Array<{ id: number; kind: string; body: string; author: string; at: string }>;
}

/** One request: tasks per department, deadlines in colour, the trail, comments, and the actions the person may take. */
export function Detail({ number, me }: { number: string; me: Me }) {
  const [d, setD] = useState<Detail | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [text, setText] = useState("");
  const load = () =>
    read<Detail>(api.requests.requests[":number"].$get({ param: { number } }))
      .then(setD)
      .catch((e) => setError(e instanceof ApiError ? e.message : "加载失败"));
  useEffect(() => void load(), [number]);
  if (error) return <p class="error">{error}</p>;
  if (!d) return <p class="hint">正在加载…</p>;

  // Every button is offered; the server's policies decide and a refusal is shown with its reason.
  const act = async (path: string, body: unknown, done: string) => {
    try {
      await postJson(path, body);
      setNotice(done);
      setText("");
    } catch (e) {
      setNotice(e instanceof ApiError ? e.message : "操作失败");
    }
    await load();
  };
  const mine = d.requester === me.name;
  const lead = d.tasks.find((t) => t.role === "lead") ?? d.tasks[0];
  const open = (s: string) => ["pending_approval", "pending_accept", "in_progress", "awaiting_info"].includes(s);
  return (
    <div class="detail">
      <h1>{d.title}</h1>
      <p class="meta">
        {d.number} · {STATE_LABELS[d.status] ?? d.status} · {d.fromDepartment} {d.requester} ·{" "}
        <span class={dueClass(d.dueAt, d.status)}>截止 {when(d.dueAt)}</span>
        {d.classification === "sensitive" ? " · 涉密" : ""}
      </p>
      <p class="body">{d.body}</p>
      {notice && <p class="notice">{notice}</p>}
      <h2>承办部门</h2>
      <ul class="list">
        {d.tasks.map((t) => (
          <li class="item">
            <div class="title">
              {t.department}（{t.role === "lead" ? "主办" : "协办"}）
            </div>
            <div class="meta">
              {STATE_LABELS[t.state] ?? t.state}
              {t.assignee ? ` · 经办人 ${t.assignee}` : ""} · <span class={dueClass(t.dueAt, t.state)}>截止 {when(t.dueAt)}</span>
            </div>
            {t.result && <div class="result">办理结果：{t.result}</div>}
            <div class="actions">
              {t.state === "pending_accept" && <button class="primary" onClick={() => void act(`/api/tasks/${t.id}/accept`, {}, "已签收")}>签收</button>}
              {t.state === "pending_accept" && <button onClick={() => void act(`/api/tasks/${t.id}/return`, { reason: text }, "已退回")}>退回</button>}
              {t.state === "in_progress" && <button class="primary" onClick={() => void act(`/api/tasks/${t.id}/complete`, { result: text }, "已提交办结")}>办结</button>}
              {t.state === "in_progress" && <button onClick={() => void act(`/api/tasks/${t.id}/request-info`, { question: text }, "已请发起人补正")}>要求补正</button>}
              {t.state === "completed" && mine && [5, 4, 3, 2, 1].map((s) => <button onClick={() => void act(`/api/tasks/${t.id}/evaluate`, { score: s, comment: text }, "已评价")}>{s}分</button>)}
            </div>
          </li>
        ))}
      </ul>
      <textarea placeholder="意见、原因、办理结果或补充内容" value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <div class="actions">
        {d.status === "pending_approval" && (
          <>
            <button class="primary" onClick={() => void act(`/api/requests/${d.number}/approve`, { comment: text }, "已同意")}>同意</button>
            <button class="danger" onClick={() => void act(`/api/requests/${d.number}/reject`, { comment: text }, "已驳回")}>驳回</button>
          </>
        )}
        <button onClick={() => void act(`/api/requests/${d.number}/comments`, { body: text }, "已补充")}>补充说明</button>
        {mine && lead && open(d.status) && <button onClick={() => void act(`/api/requests/${d.number}/urge`, {}, "已催办")}>催办</button>}
        {mine && open(d.status) && <button class="danger" onClick={() => void act(`/api/requests/${d.number}/withdraw`, { reason: text }, "已撤回")}>撤回</button>}
      </div>
      <h2>办理过程</h2>
      <ol class="timeline">
        {d.timeline.map((e) => (
          <li>
            <span class="when">{when(e.at)}</span> {e.actor} {e.action}
            {e.department ? `（${e.department}）` : ""}
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
