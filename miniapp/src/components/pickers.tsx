import { useEffect, useState } from "preact/hooks";
import { allDepartments, api, messageOf, read, type Department, type Person } from "../api";

// Choosers for the action forms: a department (searchable by name or 简称) and a handler of one department.

const fold = (s: string) => s.trim().toLowerCase();

/** Departments whose name, 简称 or code contains what was typed. */
export function matchDepartments(all: Department[], typed: string): Department[] {
  const q = fold(typed);
  if (!q) return all;
  return all.filter((d) => fold(d.name).includes(q) || d.aliases.some((a) => fold(a).includes(q)) || fold(d.code).includes(q));
}

export function DepartmentPicker({
  label,
  value,
  onChange,
  exclude = [],
}: {
  label: string;
  value: Department | null;
  onChange: (d: Department | null) => void;
  exclude?: string[];
}) {
  const [all, setAll] = useState<Department[] | null>(null);
  const [error, setError] = useState("");
  const [typed, setTyped] = useState("");
  useEffect(() => {
    allDepartments().then(setAll, (e) => setError(messageOf(e, "部门列表加载失败，请重试。")));
  }, []);
  if (value) {
    return (
      <div class="field">
        <span class="label">{label}</span>
        <div class="picked">
          <b>{value.name}</b>
          <button type="button" onClick={() => onChange(null)}>
            更换
          </button>
        </div>
      </div>
    );
  }
  const options = matchDepartments(all ?? [], typed).filter((d) => !exclude.includes(d.code));
  return (
    <div class="field">
      <label>
        <span class="label">{label}</span>
        <input type="search" placeholder="输入部门名称或简称搜索，如 人社局" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      </label>
      {error && <p class="error">{error}</p>}
      {all && (
        <ul class="options">
          {options.length === 0 && <li class="hint">没有名称或简称含「{typed}」的部门</li>}
          {options.map((d) => (
            <li>
              <button type="button" class="option" onClick={() => onChange(d)}>
                {d.name}
                {d.aliases.length > 0 && <small> {d.aliases.join("、")}</small>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The handlers of a department, to name one when accepting; "" = 不指定. */
export function HandlerPicker({ department, value, onChange, required = false }: { department: string; value: string; onChange: (openId: string) => void; required?: boolean }) {
  const [people, setPeople] = useState<Person[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    read(api.views.departments[":code"].people.$get({ param: { code: department } })).then(
      (r) => setPeople(r.items.filter((p) => p.roles.includes("handler"))),
      (e) => {
        setPeople([]);
        setError(messageOf(e, "人员加载失败"));
      },
    );
  }, [department]);
  return (
    <label class="field">
      <span class="label">经办人</span>
      <select value={value} disabled={people === null} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{people === null ? "正在加载…" : required ? "请选择经办人" : "不指定（本部门经办人均可办理）"}</option>
        {(people ?? []).map((p) => (
          <option value={p.openId}>{p.name}</option>
        ))}
      </select>
      {error && <small class="error">{error}</small>}
    </label>
  );
}
