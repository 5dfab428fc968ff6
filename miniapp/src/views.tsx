import { useEffect, useMemo, useState } from "preact/hooks";
import { DUE_SOON_MS, OPEN_TASK_STATES, PRIORITY_LABELS as PRIORITY_WORDS, TASK_STATE_LABELS } from "../../src/domain/types";
import { allCategories, allDepartments, api, messageOf, read, type Department } from "./api";

// The words are the domain's own (one definition for the server, the chat and this page).
export const STATE_LABELS: Readonly<Record<string, string>> = TASK_STATE_LABELS;
export const OPEN_STATES: readonly string[] = OPEN_TASK_STATES;
export const PRIORITY_LABELS: Readonly<Record<string, string>> = PRIORITY_WORDS;

/** on time / due soon (within a day) / overdue, for open items; closed ones are grey. */
export function dueClass(dueAt: string, state: string): string {
  if (!OPEN_STATES.includes(state)) return "due-closed";
  // Paused for 补正: the clock stands still, never overdue.
  if (state === "awaiting_info") return "due-ok";
  const left = new Date(dueAt).getTime() - Date.now();
  return left < 0 ? "due-over" : left < DUE_SOON_MS ? "due-soon" : "due-ok";
}

/** 红黄绿灯 as the server reads it, in words (never colour alone): "🔴 超期 2 个工作日". */
export function LightBadge({ light, text }: { light?: "green" | "yellow" | "red" | undefined; text?: string | undefined }) {
  if (!light || !text) return null;
  const mark = { green: "🟢", yellow: "🟡", red: "🔴" }[light];
  return <span class={`light light-${light}`}> · {mark} {text}</span>;
}

export function when(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}

/** The parts of 待办 that only list (approvals and tasks to accept carry buttons of their own). */
const PLAIN_SECTIONS = [
  ["toAssign", "待指派经办人"],
  ["toHandle", "待我办理"],
  ["toSupply", "待我补正"],
] as const;

/** A line of any list: 待办, 收件 (with the requesting department), 发件 and 我发起的 (with category and priority). */
interface Item {
  taskId?: number;
  number: string;
  title: string;
  state?: string;
  status?: string;
  dueAt: string;
  department?: string;
  fromDepartment?: { code: string; name: string };
  role?: "lead" | "supporting";
  priority?: string;
  category?: string | null;
  light?: "green" | "yellow" | "red";
  lightText?: string;
  acceptDueAt?: string | null;
}
interface ConfirmItem extends Item {
  result: string;
}
interface Page {
  items: Item[];
  next: string | null;
}

function Row({ item, children }: { item: Item; children?: preact.ComponentChildren }) {
  const state = item.state ?? item.status ?? "";
  const extra = [
    item.department,
    item.fromDepartment ? `来自 ${item.fromDepartment.name}` : null,
    item.role === "supporting" ? "协办" : null,
    item.category ? `#${item.category}` : null,
  ].filter(Boolean);
  return (
    <li class="item">
      <a href={`#r/${encodeURIComponent(item.number)}`}>
        <div class="title">
          {item.priority && item.priority !== "normal" && <span class={`tag ${item.priority}`}>{PRIORITY_LABELS[item.priority]}</span>}
          {item.title}
        </div>
        <div class="meta">
          {item.number} · {STATE_LABELS[state] ?? state}
          {extra.map((x) => ` · ${x}`).join("")} · <span class={dueClass(item.dueAt, state)}>截止 {when(item.dueAt)}</span>
          {state === "pending_accept" && item.acceptDueAt ? ` · 签收时限 ${when(item.acceptDueAt)}` : ""}
          <LightBadge light={item.light} text={item.lightText} />
        </div>
      </a>
      {children}
    </li>
  );
}

export function PendingWork() {
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

/** A cursor-paginated list: 加载更多 follows `next`. */
function Paged({ fetchPage, filters }: { fetchPage: (cursor: string | null) => Promise<Page>; filters?: preact.ComponentChildren }) {
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const more = async (cursor: string | null, reset: boolean) => {
    setLoading(true);
    try {
      const page = await fetchPage(cursor);
      setItems(reset ? page.items : [...items, ...page.items]);
      setNext(page.next);
      setError("");
    } catch (e) {
      setError(messageOf(e, "加载失败，请重试。"));
    }
    setLoading(false);
  };
  useEffect(() => void more(null, true), [fetchPage]);
  return (
    <div>
      {filters}
      {error && <p class="error">{error}</p>}
      {!loading && !error && items.length === 0 && <p class="hint">没有符合条件的事项。</p>}
      <ul class="list">{items.map((i) => <Row item={i} />)}</ul>
      {next && (
        <button class="more" disabled={loading} onClick={() => void more(next, false)}>
          加载更多
        </button>
      )}
    </div>
  );
}

/** The filters of 部门收件 and 部门发件; kept while the person opens an item and comes back. */
interface Filters {
  state: string;
  due: string;
  category: string;
  department: string;
  q: string;
}
const NO_FILTERS: Filters = { state: "", due: "", category: "", department: "", q: "" };
const kept: Record<"inbox" | "outbox", Filters> = { inbox: NO_FILTERS, outbox: NO_FILTERS };
const ALL_STATES = Object.keys(STATE_LABELS).join(",");

/** Departments in the organisation's order, each under its parent, for a native (phone-friendly) select. */
function departmentOptions(all: Department[]) {
  const depth = (d: Department): number => {
    const parent = d.parent ? all.find((p) => p.code === d.parent) : undefined;
    return parent ? 1 + depth(parent) : 0;
  };
  return all.map((d) => (
    <option value={d.code}>
      {"　".repeat(depth(d))}
      {d.name}
    </option>
  ));
}

function FilterBar({ kind, value, onChange }: { kind: "inbox" | "outbox"; value: Filters; onChange: (f: Filters) => void }) {
  const [category, setCategory] = useState(value.category);
  const [q, setQ] = useState(value.q);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  useEffect(() => void allDepartments().then(setDepartments, () => setDepartments([])), []);
  useEffect(() => void allCategories().then(setCategories, () => setCategories([])), []);
  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch });
  const inbox = kind === "inbox";
  const any = Object.values(value).some(Boolean);
  return (
    <form
      class="filter"
      onSubmit={(e) => {
        e.preventDefault();
        set({ category: category.trim(), q: q.trim() });
      }}
    >
      <select aria-label="状态" value={value.state} onChange={(e) => set({ state: e.currentTarget.value })}>
        <option value="">{inbox ? "未办结" : "全部状态"}</option>
        <option value={inbox ? ALL_STATES : OPEN_STATES.join(",")}>{inbox ? "全部状态" : "未办结"}</option>
        {Object.entries(STATE_LABELS).map(([k, v]) => (
          <option value={k}>{v}</option>
        ))}
      </select>
      <select aria-label="时限" value={value.due} onChange={(e) => set({ due: e.currentTarget.value })}>
        <option value="">全部时限</option>
        <option value="overdue">已超期</option>
        <option value="soon">临期（一天内）</option>
      </select>
      <select aria-label={inbox ? "发起部门" : "承办部门"} value={value.department} onChange={(e) => set({ department: e.currentTarget.value })}>
        <option value="">{inbox ? "全部发起部门" : "全部承办部门"}</option>
        {departmentOptions(departments)}
      </select>
      <input aria-label="类别" list={`${kind}-categories`} placeholder="类别，如 证照核查" value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
      <datalist id={`${kind}-categories`}>
        {categories.map((c) => (
          <option value={c} />
        ))}
      </datalist>
      <div class="q">
        <input aria-label="关键词" placeholder="编号或关键词" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button class="primary">筛选</button>
        {any && (
          <button
            type="button"
            onClick={() => {
              setCategory("");
              setQ("");
              onChange(NO_FILTERS);
            }}
          >
            清除
          </button>
        )}
      </div>
    </form>
  );
}

function listQuery(f: Filters, kind: "inbox" | "outbox", cursor: string | null) {
  const query: Record<string, string> = { limit: "20" };
  if (f.state) query.state = f.state;
  if (f.due) query.due = f.due;
  if (f.category) query.category = f.category;
  if (f.department) query[kind === "inbox" ? "from" : "to"] = f.department;
  if (f.q) query.q = f.q;
  if (cursor) query.cursor = cursor;
  return query;
}

function FilteredList({ kind }: { kind: "inbox" | "outbox" }) {
  const [filters, setFilters] = useState(kept[kind]);
  const change = (f: Filters) => {
    kept[kind] = f;
    setFilters(f);
  };
  const fetchPage = useMemo(
    () => (cursor: string | null) =>
      kind === "inbox" ? read(api.requests.inbox.$get({ query: listQuery(filters, kind, cursor) })) : read(api.requests.outbox.$get({ query: listQuery(filters, kind, cursor) })),
    [filters, kind],
  );
  return <Paged fetchPage={fetchPage} filters={<FilterBar kind={kind} value={filters} onChange={change} />} />;
}

export const InboxList = () => <FilteredList kind="inbox" />;
export const OutboxList = () => <FilteredList kind="outbox" />;

const minePage = (cursor: string | null) => read(api.views.mine.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
export const MineList = () => <Paged fetchPage={minePage} />;

interface Cell {
  from: { code: string; name: string };
  to: { code: string; name: string };
  open: number;
  overdue: number;
  dueSoon: number;
}

/** 晾晒: requesting departments down, target departments across; open / overdue / due soon in each cell. */
export function Board() {
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [picked, setPicked] = useState<Cell | null>(null);
  useEffect(() => void read(api.views.board.$get()).then((b) => setCells(b.cells)), []);
  const cellPage = useMemo(
    () => (cursor: string | null) => read(api.views.board.cell.$get({ query: { from: picked?.from.code ?? "", to: picked?.to.code ?? "", limit: "20", ...(cursor ? { cursor } : {}) } })),
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
                          {cell.dueSoon > 0 ? <small> / 临期 {cell.dueSoon}</small> : null}
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
