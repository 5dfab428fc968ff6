import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, postJson, read } from "./api";

export const STATE_LABELS: Record<string, string> = {
  pending_approval: "待审批",
  pending_accept: "待签收",
  in_progress: "办理中",
  awaiting_info: "待补正",
  completed: "已办结",
  rejected: "未通过",
  returned: "已退回",
  cancelled: "已撤回",
};
const OPEN = ["pending_approval", "pending_accept", "in_progress", "awaiting_info"];

/** on time / due soon (within a day) / overdue, for open items; closed ones are grey. */
export function dueClass(dueAt: string, state: string): string {
  if (!OPEN.includes(state)) return "due-closed";
  const left = new Date(dueAt).getTime() - Date.now();
  return left < 0 ? "due-over" : left < 24 * 3600_000 ? "due-soon" : "due-ok";
}

export function when(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}

interface Item {
  taskId?: number;
  number: string;
  title: string;
  state?: string;
  status?: string;
  dueAt: string;
  department?: string;
}

function Row({ item, children }: { item: Item; children?: preact.ComponentChildren }) {
  const state = item.state ?? item.status ?? "";
  return (
    <li class="item">
      <a href={`#r/${encodeURIComponent(item.number)}`}>
        <div class="title">{item.title}</div>
        <div class="meta">
          {item.number} · {STATE_LABELS[state] ?? state}
          {item.department ? ` · ${item.department}` : ""} · <span class={dueClass(item.dueAt, state)}>截止 {when(item.dueAt)}</span>
        </div>
      </a>
      {children}
    </li>
  );
}

export function Todo() {
  const [data, setData] = useState<Record<"approvals" | "toAccept" | "toHandle" | "toSupply", Item[]> | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState("");
  const load = () => read<NonNullable<typeof data>>(api.views.todo.$get()).then(setData);
  useEffect(() => void load(), []);
  if (!data) return <p class="hint">正在加载…</p>;

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      setMessage(done);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : "操作失败");
    }
    setPicked(new Set());
    await load();
  };
  const approve = (number: string) => read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "approve" } }));
  const batch = () =>
    act(async () => {
      for (const n of picked) await approve(n);
    }, `已批量同意 ${picked.size} 件`);
  const toggle = (n: string) => {
    const next = new Set(picked);
    next.has(n) ? next.delete(n) : next.add(n);
    setPicked(next);
  };
  const empty = Object.values(data).every((l) => l.length === 0);
  return (
    <div>
      {message && <p class="notice">{message}</p>}
      {empty && <p class="hint">暂无待办事项。</p>}
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
                  <button class="primary" onClick={() => void act(() => postJson(`/api/tasks/${i.taskId}/accept`, {}), `已签收 ${i.number}`)}>
                    签收
                  </button>
                </div>
              </Row>
            ))}
          </ul>
        </section>
      )}
      {data.toHandle.length > 0 && (
        <section>
          <h2>待我办理（{data.toHandle.length}）</h2>
          <ul class="list">{data.toHandle.map((i) => <Row item={i} />)}</ul>
        </section>
      )}
      {data.toSupply.length > 0 && (
        <section>
          <h2>待我补正（{data.toSupply.length}）</h2>
          <ul class="list">{data.toSupply.map((i) => <Row item={i} />)}</ul>
        </section>
      )}
    </div>
  );
}

/** A cursor-paginated list: 加载更多 follows `next`. */
function Paged({ fetchPage, filters }: { fetchPage: (cursor: string | null) => Promise<{ items: Item[]; next: string | null }>; filters?: preact.ComponentChildren }) {
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const more = async (cursor: string | null, reset: boolean) => {
    setLoading(true);
    const page = await fetchPage(cursor);
    setItems(reset ? page.items : [...items, ...page.items]);
    setNext(page.next);
    setLoading(false);
  };
  useEffect(() => void more(null, true), [fetchPage]);
  return (
    <div>
      {filters}
      {!loading && items.length === 0 && <p class="hint">没有符合条件的事项。</p>}
      <ul class="list">{items.map((i) => <Row item={i} />)}</ul>
      {next && (
        <button class="more" onClick={() => void more(next, false)}>
          加载更多
        </button>
      )}
    </div>
  );
}

export function InboxList() {
  const [state, setState] = useState("");
  const [due, setDue] = useState("");
  const [q, setQ] = useState("");
  const [typed, setTyped] = useState("");
  const fetchPage = useMemo(() => (cursor: string | null) => inbox({ state, due, q }, cursor), [state, due, q]);
  return (
    <Paged
      fetchPage={fetchPage}
      filters={
        <form
          class="filter"
          onSubmit={(e) => {
            e.preventDefault();
            setQ(typed.trim());
          }}
        >
          <select aria-label="状态" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            <option value="">未办结</option>
            {Object.entries(STATE_LABELS).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
          <select aria-label="时限" value={due} onChange={(e) => setDue((e.target as HTMLSelectElement).value)}>
            <option value="">全部时限</option>
            <option value="overdue">已超期</option>
            <option value="soon">临期</option>
          </select>
          <input placeholder="编号或关键词" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
          <button>筛选</button>
        </form>
      }
    />
  );
}

function inbox(f: { state: string; due: string; q: string }, cursor: string | null) {
  const query: Record<string, string> = { limit: "20" };
  if (f.state) query.state = f.state;
  if (f.due) query.due = f.due;
  if (f.q) query.q = f.q;
  if (cursor) query.cursor = cursor;
  return read<{ items: Array<Item & { taskId: number }>; next: string | null }>(api.requests.inbox.$get({ query }));
}

const outboxPage = (cursor: string | null) => read<{ items: Item[]; next: string | null }>(api.requests.outbox.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
const minePage = (cursor: string | null) => read<{ items: Item[]; next: string | null }>(api.views.mine.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));

export const OutboxList = () => <Paged fetchPage={outboxPage} />;
export const MineList = () => <Paged fetchPage={minePage} />;

interface Cell {
  from: { code: string; name: string };
  to: { code: string; name: string };
  open: number;
  overdue: number;
}

/** 晾晒: requesting departments down, target departments across; open / overdue in each cell. */
export function Board() {
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [picked, setPicked] = useState<Cell | null>(null);
  useEffect(() => void read<{ cells: Cell[] }>(api.views.board.$get()).then((b) => setCells(b.cells)), []);
  const cellPage = useMemo(
    () => (cursor: string | null) =>
      read<{ items: Item[]; next: string | null }>(
        api.views.board.cell.$get({ query: { from: picked?.from.code ?? "", to: picked?.to.code ?? "", limit: "20", ...(cursor ? { cursor } : {}) } }),
      ),
    [picked],
  );
  if (!cells) return <p class="hint">正在加载…</p>;
  if (cells.length === 0) return <p class="hint">暂无未办结的部门间事项。</p>;
  const rows = [...new Map(cells.map((c) => [c.from.code, c.from])).values()];
  const cols = [...new Map(cells.map((c) => [c.to.code, c.to])).values()];
  const at = (f: string, t: string) => cells.find((c) => c.from.code === f && c.to.code === t);
  return (
    <div>
      <div class="board">
        <table>
          <thead>
            <tr>
              <th>发起＼承办</th>
              {cols.map((c) => (
                <th>{c.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th>{r.name}</th>
                {cols.map((c) => {
                  const cell = at(r.code, c.code);
                  return (
                    <td>
                      {cell ? (
                        <button class={cell.overdue > 0 ? "cell late" : "cell"} onClick={() => setPicked(cell)} data-cell={`${r.code}>${c.code}`}>
                          {cell.open}
                          {cell.overdue > 0 ? <small> / 超期 {cell.overdue}</small> : null}
                        </button>
                      ) : (
                        ""
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {picked && (
        <section>
          <h2>
            {picked.from.name} → {picked.to.name}
          </h2>
          <Paged fetchPage={cellPage} />
        </section>
      )}
    </div>
  );
}
