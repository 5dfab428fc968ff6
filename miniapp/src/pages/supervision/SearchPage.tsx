import { useEffect, useMemo, useState } from "preact/hooks";
import { allDepartments, api, read, type Department } from "../../api";
import { Paged, type Page } from "../../components/ItemList";
import { STATE_LABELS } from "../../components/labels";

// 事项检索 (supervisors and admins): every request they may see, by number or words, departments, state,
// 红黄绿灯 and the day it was raised. The list is the server's (visibility applied there).

interface Filters {
  q: string;
  from: string;
  to: string;
  state: string;
  light: string;
  createdFrom: string;
  createdTo: string;
}
const NO_FILTERS: Filters = { q: "", from: "", to: "", state: "", light: "", createdFrom: "", createdTo: "" };
/** Kept while the supervisor opens a request and comes back. */
let kept = NO_FILTERS;

export function SearchPage() {
  const [filters, setFilters] = useState(kept);
  const [typed, setTyped] = useState(kept.q);
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => void allDepartments().then(setDepartments, () => setDepartments([])), []);
  const set = (patch: Partial<Filters>) => {
    kept = { ...filters, ...patch };
    setFilters(kept);
  };
  const fetchPage = useMemo(
    () =>
      async (cursor: string | null): Promise<Page> => {
        const query: Record<string, string> = { limit: "20" };
        for (const [k, v] of Object.entries(filters)) if (v) query[k] = v.trim();
        if (cursor) query.cursor = cursor;
        const page = await read(api.supervision.supervision.search.$get({ query }));
        return {
          next: page.next,
          items: page.items.map((i) => ({
            ...i,
            title: i.classification === "sensitive" ? `（涉密）${i.title}` : i.title,
            department: `发往 ${i.departments.map((d) => d.name).join("、")}`,
          })),
        };
      },
    [filters],
  );
  const options = departments.map((d) => <option value={d.code}>{d.name}</option>);
  return (
    <div class="search">
      <h1>事项检索</h1>
      <Paged
        fetchPage={fetchPage}
        filters={
          <form
            class="filter"
            aria-label="检索条件"
            onSubmit={(e) => {
              e.preventDefault();
              set({ q: typed });
            }}
          >
            <input type="search" aria-label="编号或文字" placeholder="事项编号，或标题、内容中的文字" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
            <button class="primary">检索</button>
            <select aria-label="发起部门" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })}>
              <option value="">全部发起部门</option>
              {options}
            </select>
            <select aria-label="承办部门" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })}>
              <option value="">全部承办部门</option>
              {options}
            </select>
            <select aria-label="状态" value={filters.state} onChange={(e) => set({ state: e.currentTarget.value })}>
              <option value="">全部状态</option>
              {Object.entries(STATE_LABELS).map(([k, v]) => (
                <option value={k}>{v}</option>
              ))}
            </select>
            <select aria-label="红黄绿灯" value={filters.light} onChange={(e) => set({ light: e.currentTarget.value })}>
              <option value="">全部红黄绿灯</option>
              <option value="red">🔴 红灯（超期）</option>
              <option value="yellow">🟡 黄灯（临期）</option>
              <option value="green">🟢 绿灯（正常）</option>
            </select>
            <label>
              发起日期自 <input type="date" aria-label="发起日期自" value={filters.createdFrom} onChange={(e) => set({ createdFrom: e.currentTarget.value })} />
            </label>
            <label>
              至 <input type="date" aria-label="发起日期至" value={filters.createdTo} onChange={(e) => set({ createdTo: e.currentTarget.value })} />
            </label>
          </form>
        }
      />
    </div>
  );
}
