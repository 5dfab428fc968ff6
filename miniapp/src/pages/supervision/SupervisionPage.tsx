import { useEffect, useMemo, useState } from "preact/hooks";
import { allDepartments, api, messageOf, read, type Department, type SupervisionItem } from "../../api";
import { PRIORITY_LABELS, STATE_LABELS, when } from "../../components/labels";
import { LightBadge } from "../../components/LightBadge";

// 督办 (supervisors only): the list of red tasks and tasks under 督办 across departments, with its filters; and,
// on a request's page, each task's 督办 status and records.

interface Filters {
  to: string;
  from: string;
  overdueDays: string;
  priority: string;
  open: boolean;
}
const NO_FILTERS: Filters = { to: "", from: "", overdueDays: "", priority: "", open: false };
/** Kept while the supervisor opens a request and comes back. */
let kept = NO_FILTERS;

function query(f: Filters, cursor: string | null) {
  const q: Record<string, string> = { limit: "20" };
  if (f.to) q.to = f.to;
  if (f.from) q.from = f.from;
  if (f.overdueDays) q.overdueDays = f.overdueDays;
  if (f.priority) q.priority = f.priority;
  if (f.open) q.open = "true";
  if (cursor) q.cursor = cursor;
  return q;
}

export function SupervisionPage() {
  const [filters, setFilters] = useState(kept);
  const [items, setItems] = useState<SupervisionItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => void allDepartments().then(setDepartments, () => setDepartments([])), []);
  const load = useMemo(
    () => async (cursor: string | null, before: SupervisionItem[]) => {
      setLoading(true);
      try {
        const page = await read(api.supervision.supervision.$get({ query: query(filters, cursor) }));
        setItems([...before, ...page.items]);
        setNext(page.next);
        setError("");
      } catch (e) {
        setError(messageOf(e, "加载失败，请重试。"));
      }
      setLoading(false);
    },
    [filters],
  );
  useEffect(() => void load(null, []), [load]);
  const set = (patch: Partial<Filters>) => {
    kept = { ...filters, ...patch };
    setFilters(kept);
  };
  const options = departments.map((d) => <option value={d.code}>{d.name}</option>);
  return (
    <div class="supervision">
      <form class="filter" aria-label="督办筛选" onSubmit={(e) => e.preventDefault()}>
        <select aria-label="承办部门" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })}>
          <option value="">全部承办部门</option>
          {options}
        </select>
        <select aria-label="发起部门" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })}>
          <option value="">全部发起部门</option>
          {options}
        </select>
        <select aria-label="超期" value={filters.overdueDays} onChange={(e) => set({ overdueDays: e.currentTarget.value })}>
          <option value="">全部超期时长</option>
          <option value="2">超期 2 个工作日以上</option>
          <option value="5">超期 5 个工作日以上</option>
          <option value="10">超期 10 个工作日以上</option>
        </select>
        <select aria-label="紧急程度" value={filters.priority} onChange={(e) => set({ priority: e.currentTarget.value })}>
          <option value="">全部紧急程度</option>
          {Object.entries(PRIORITY_LABELS).map(([k, v]) => (
            <option value={k}>{v}</option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" checked={filters.open} onChange={(e) => set({ open: e.currentTarget.checked })} /> 只看督办中
        </label>
      </form>
      {error && <p class="error">{error}</p>}
      {!loading && !error && items.length === 0 && <p class="hint">没有超期或督办中的任务。</p>}
      <ul class="list">
        {items.map((i) => (
          <li class="item" data-task={i.taskId}>
            <a href={`#r/${encodeURIComponent(i.number)}`}>
              <div class="title">
                {i.priority !== "normal" && <span class={`tag ${i.priority}`}>{i.priorityLabel}</span>}
                {i.number} {i.title}
              </div>
              <div class="meta">
                {i.toDepartment.name} · {i.assignee ? `经办人 ${i.assignee}` : "未指派经办人"} · {STATE_LABELS[i.state] ?? i.state} · 截止 {when(i.dueAt)}
                <LightBadge light={i.light} text={i.lightText} />
              </div>
              <div class={i.supervision.status === "open" ? "meta supervised" : "meta"}>
                {i.fromDepartment.name} 发起 · {i.supervision.text}
              </div>
            </a>
          </li>
        ))}
      </ul>
      {next && (
        <button class="more" disabled={loading} onClick={() => void load(next, items)}>
          加载更多
        </button>
      )}
    </div>
  );
}
