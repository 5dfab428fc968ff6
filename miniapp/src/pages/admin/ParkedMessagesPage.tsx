import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type ParkedMessage } from "../../api";
import { Panel, Text, type Run } from "../../components/forms";
import { when } from "../../components/labels";

// 搁置的消息 (admins): outgoing messages the platform kept refusing, each with why and the platform's last answer;
// put back in the queue one or all at once once the cause is fixed, or discarded with a reason.

export function ParkedMessagesPage() {
  const [items, setItems] = useState<ParkedMessage[] | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [discarding, setDiscarding] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const load = () => read(api.parked.parked.$get()).then((r) => setItems(r.items), (e) => setError(messageOf(e, "加载失败，请重试。")));
  useEffect(() => void load(), []);
  const run: Run = async (call) => {
    setNotice(await call());
    setDiscarding(null);
    setReason("");
    await load();
  };
  const act = async (call: () => Promise<string>) => {
    try {
      await run(call);
      setError("");
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div class="parked">
      <h1>搁置的消息</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p class="error">{error}</p>}
      {items && items.length === 0 && <p class="hint">没有搁置的消息。</p>}
      {items && items.length > 0 && (
        <button class="primary" onClick={() => void act(async () => `已将 ${(await read(api.parked.parked.retry.$post())).retried} 条消息放回发送队列。`)}>
          全部重发
        </button>
      )}
      <ul class="list">
        {(items ?? []).map((m) => (
          <li class="item" data-message={m.id}>
            <div class="title">
              #{m.id} {m.topic} → {m.recipient.type === "chat_id" ? "群" : "个人"} {m.recipient.id}
            </div>
            <div class="meta">
              搁置于 {m.parkedAt ? when(m.parkedAt) : "—"} · 失败 {m.attempts} 次 · 等待 {m.waits} 次
            </div>
            <div class="meta error-text">原因：{m.parkReason ?? "—"}</div>
            <div class="meta error-text">最后错误：{m.lastError ?? "—"}</div>
            {discarding === m.id ? (
              <Panel
                title={`作废 #${m.id}`}
                submit="确认作废"
                danger
                run={run}
                onCancel={() => setDiscarding(null)}
                call={async () => {
                  await read(api.parked[":id{[0-9]+}"].discard.$post({ param: { id: String(m.id) }, json: { reason } }));
                  return `已作废消息 #${m.id}。`;
                }}
              >
                <Text label="作废原因" placeholder="如 该群已解散，通知不再需要" value={reason} onInput={setReason} />
              </Panel>
            ) : (
              <div class="actions">
                <button onClick={() => void act(async () => (await read(api.parked[":id{[0-9]+}"].retry.$post({ param: { id: String(m.id) } })), `已将消息 #${m.id} 放回发送队列。`))}>重发</button>
                <button class="danger" onClick={() => setDiscarding(m.id)}>
                  作废
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
