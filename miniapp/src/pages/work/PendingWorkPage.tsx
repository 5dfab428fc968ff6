import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read } from "../../api";
import { Row, type Item } from "../../components/ItemList";

/** The parts of 待办 that only list (approvals and tasks to accept carry buttons of their own). */
const PLAIN_SECTIONS = [
  ["toAssign", "待指派经办人"],
  ["toHandle", "待我办理"],
  ["toSupply", "待我补正"],
] as const;
interface ConfirmItem extends Item {
  result: string;
}

export function PendingWorkPage() {
  const [data, setData] = useState<(Record<"approvals" | "toAccept" | "toAssign" | "toHandle" | "toSupply", Item[]> & { toConfirm: ConfirmItem[] }) | null>(null);
  const [sendingBack, setSendingBack] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState("");
  const load = () => read(api.views.todo.$get()).then(setData);
  useEffect(() => void load(), []);
  if (!data) return <p class="hint">正在加载…</p>;

  /** Runs an action, reloads the lists, then says what happened (so the message never sits next to old lists). */
  const act = async (fn: () => Promise<unknown>, done: string) => {
    let said: string;
    try {
      const r = await fn();
      said = typeof r === "string" ? r : done;
    } catch (e) {
      said = messageOf(e);
    }
    setPicked(new Set());
    await load();
    setMessage(said);
  };
  const approve = (number: string) => read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "approve" }, json: {} }));
  const accept = (taskId: number) => read(api.requests.tasks[":id{[0-9]+}"].accept.$post({ param: { id: String(taskId) }, json: {} }));
  const review = (taskId: number, decision: "confirm" | "sendBack", comment?: string) =>
    read(api.actions.tasks[":id{[0-9]+}"].review.$post({ param: { id: String(taskId) }, json: { decision, ...(comment ? { comment } : {}) } }));
  // Each approval is its own command: one refused (someone else decided first) does not stop the others.
  const batch = () =>
    act(async () => {
      const refused: string[] = [];
      for (const n of picked) await approve(n).catch((e) => refused.push(`${n}：${messageOf(e)}`));
      const approved = picked.size - refused.length;
      return refused.length === 0 ? `已批量同意 ${approved} 件` : [`已同意 ${approved} 件，${refused.length} 件未能同意：`, ...refused].join("\n");
    }, "");
  const toggle = (n: string) => {
    const next = new Set(picked);
    next.has(n) ? next.delete(n) : next.add(n);
    setPicked(next);
  };
  const empty = Object.values(data).every((l) => l.length === 0);
  return (
    <div>
      {message && (
        <p class="notice" style="white-space:pre-line">
          {message}
        </p>
      )}
      {empty && (
        <p class="hint">
          暂无待办事项。
          <br />
          <a href="#new">发起协同事项</a>
        </p>
      )}
      {data.approvals.length > 0 && (
        <section>
          <h2>
            待我审批（{data.approvals.length}）
            <button disabled={picked.size === 0} onClick={() => void batch()}>
              批量同意
            </button>
          </h2>
          <ul class="list">
            {data.approvals.map((i) => (
              <Row item={i}>
                <div class="actions">
                  <label>
                    <input type="checkbox" checked={picked.has(i.number)} onChange={() => toggle(i.number)} /> 选择
                  </label>
                  <button class="primary" onClick={() => void act(() => approve(i.number), `已同意 ${i.number}`)}>
                    同意
                  </button>
                </div>
              </Row>
            ))}
          </ul>
        </section>
      )}
      {data.toAccept.length > 0 && (
        <section>
          <h2>本部门待签收（{data.toAccept.length}）</h2>
          <ul class="list">
            {data.toAccept.map((i) => (
              <Row item={i}>
                <div class="actions">
                  <button class="primary" onClick={() => void act(() => accept(i.taskId!), `已签收 ${i.number}`)}>
                    签收
                  </button>
                  <a class="link" href={`#r/${encodeURIComponent(i.number)}`}>
                    签收并指派…
                  </a>
                </div>
              </Row>
            ))}
          </ul>
        </section>
      )}
      {data.toConfirm.length > 0 && (
        <section>
          <h2>待我确认办结（{data.toConfirm.length}）</h2>
          <ul class="list">
            {data.toConfirm.map((i) => (
              <Row item={i}>
                <div class="result">提交的办理结果：{i.result}</div>
                <div class="actions">
                  <button class="primary" onClick={() => void act(() => review(i.taskId!, "confirm"), `已确认办结 ${i.number}`)}>
                    确认办结
                  </button>
                  <button class="danger" onClick={() => (setSendingBack(sendingBack === i.taskId ? null : i.taskId!), setReason(""))}>
                    退回重办
                  </button>
                </div>
                {sendingBack === i.taskId && (
                  <form
                    class="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      setSendingBack(null);
                      void act(() => review(i.taskId!, "sendBack", reason), `已退回重办 ${i.number}`);
                    }}
                  >
                    <label>
                      退回理由
                      <input name="sendBackReason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="例如 核查结论缺少依据，请补充执照查询截图" />
                    </label>
                    <button type="submit" class="danger">
                      确认退回
                    </button>
                  </form>
                )}
              </Row>
            ))}
          </ul>
        </section>
      )}
      {PLAIN_SECTIONS.map(
        ([key, title]) =>
          data[key].length > 0 && (
            <section>
              <h2>
                {title}（{data[key].length}）
              </h2>
              <ul class="list">
                {data[key].map((i) => (
                  <Row item={i} />
                ))}
              </ul>
            </section>
          ),
      )}
      <DigestSetting />
    </div>
  );
}

/** 每日待办提醒: the person's own opt-out of the working-morning list (PUT /api/me/settings). */
function DigestSetting() {
  const [on, setOn] = useState<boolean | null>(null);
  const [said, setSaid] = useState("");
  useEffect(() => void read(api.requests.me.$get()).then((me) => setOn(me.settings.dailyDigest)), []);
  if (on === null) return null;
  const change = async (next: boolean) => {
    try {
      const r = await read(api.requests.me.settings.$put({ json: { dailyDigest: next } }));
      setOn(r.dailyDigest);
      setSaid(r.dailyDigest ? "已开启：每个工作日早上发来临期、超期的任务清单。" : "已关闭：不再发送每日待办提醒。");
    } catch (e) {
      setSaid(messageOf(e));
    }
  };
  return (
    <section class="settings">
      <h2>设置</h2>
      <label>
        <input type="checkbox" name="dailyDigest" checked={on} onChange={(e) => void change(e.currentTarget.checked)} /> 每日待办提醒
      </label>
      {said && <p class="hint">{said}</p>}
    </section>
  );
}
