import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type Me } from "../../api";

// A department's settings for its head: auto-assignment at 签收 (off / 轮流 / 按在办量). The dispatcher can
// still name a handler by hand. Each change is audited.

const MODES = [
  { mode: "off", label: "不自动分配", hint: "签收后由收件员指定，或任一经办人接手" },
  { mode: "round_robin", label: "轮流分配", hint: "签收时按顺序轮流交给本部门经办人" },
  { mode: "least_loaded", label: "按在办量分配", hint: "签收时交给在办任务最少的经办人" },
] as const;
type Mode = (typeof MODES)[number]["mode"];

export function DepartmentSettingsPage({ me }: { me: Me }) {
  const codes = me.roles.filter((r) => r.role === "head" && r.department).map((r) => r.department!);
  return (
    <div class="dept-settings">
      <h1>部门设置</h1>
      {codes.length === 0 && <p class="hint">您不是任何部门的负责人。</p>}
      {codes.map((code) => (
        <AssignmentSetting code={code} />
      ))}
      {codes.length > 0 && (
        <p>
          <a href="#handover">离岗交接</a>：把本部门人员的未办结工作移交给接替人。
        </p>
      )}
    </div>
  );
}

function AssignmentSetting({ code }: { code: string }) {
  const [current, setCurrent] = useState<{ name: string; mode: Mode } | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  useEffect(() => {
    read(api.orgWork.departments[":code"].assignment.$get({ param: { code } })).then((r) => setCurrent({ name: r.department.name, mode: r.mode }), (e) => setError(messageOf(e, "加载失败，请重试。")));
  }, [code]);
  const choose = async (mode: Mode) => {
    setError("");
    setNotice("");
    try {
      const r = await read(api.orgWork.departments[":code"].assignment.$put({ param: { code }, json: { mode } }));
      setCurrent({ name: r.department.name, mode: r.mode });
      setNotice(`已设置为「${r.label}」`);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  if (!current) return error ? <p class="notice refused">{error}</p> : <p class="hint">正在加载…</p>;
  return (
    <section class="panel" aria-label={`${current.name}自动分配`}>
      <h2>{current.name}：签收时自动分配经办人</h2>
      <div class="field choice" role="radiogroup" aria-label="自动分配方式">
        {MODES.map((m) => (
          <label>
            <input type="radio" name={`mode-${code}`} checked={current.mode === m.mode} onChange={() => void choose(m.mode)} /> {m.label}
            <small class="hint">（{m.hint}）</small>
          </label>
        ))}
      </div>
      <p class="hint">休假或委托他人代理的经办人不参与分配；收件员签收时仍可手动指定。</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="notice refused" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
