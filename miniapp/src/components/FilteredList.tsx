import { useEffect, useMemo, useState } from "preact/hooks";
import { allCategories, allDepartments, api, read, type Department } from "../api";
import { Paged } from "./ItemList";
import { OPEN_STATES, STATE_LABELS } from "./labels";

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

export function FilteredList({ kind }: { kind: "inbox" | "outbox" }) {
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
