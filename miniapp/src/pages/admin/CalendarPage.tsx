import { useEffect, useState } from "preact/hooks";
import { calendarOverrideItem, describeIssues } from "../../../../src/domain/importFormat";
import { api, messageOf, read } from "../../api";
import { refuse } from "../../components/forms";

// 节假日 (admins): this and next year's statutory holidays and make-up workdays with the admins' overrides, a
// warning while next year has no data, and adding or removing an override with a reason. Open tasks keep their
// deadlines unless 重新计算未办结任务时限 is ticked.

type View = Awaited<ReturnType<typeof load>>;
const load = () => read(api.calendar.index.$get());
const KIND_LABELS: Record<string, string> = { holiday: "放假", workday: "上班" };

export function CalendarPage() {
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [date, setDate] = useState("");
  const [kind, setKind] = useState<"holiday" | "workday" | "statutory">("holiday");
  const [reason, setReason] = useState("");
  const [recompute, setRecompute] = useState(false);
  const [busy, setBusy] = useState(false);
  const reload = () => load().then(setView, (e) => setError(messageOf(e, "日历加载失败，请重试。")));
  useEffect(() => void reload(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw refuse("请选择日期，例如 2027-01-01。");
      const parsed = calendarOverrideItem.safeParse({ kind, reason, recomputeOpenTasks: recompute });
      if (!parsed.success) throw refuse(`${describeIssues(parsed.error)}。`);
      const r = await read(api.calendar.days[":date"].$put({ param: { date }, json: parsed.data }));
      const what = kind === "statutory" ? "已取消调整，按法定安排" : `已设为${KIND_LABELS[kind]}`;
      setNotice(`${date} ${what}（${r.isWorkday ? "工作日" : "休息日"}）。${recompute ? `已重新计算 ${r.recomputedTasks} 个未办结任务的时限。` : "未办结任务的时限不变。"}`);
      setReason("");
      setError("");
      await reload();
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };
  return (
    <div class="calendar">
      {view?.warning && (
        <p class="warning" role="alert">
          ⚠ {view.warning}
        </p>
      )}
      <form class="panel" aria-label="调整日期" onSubmit={submit}>
        <h3>调整一天</h3>
        <label class="field">
          <span class="label">日期</span>
          <input type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="label">调整为</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            <option value="holiday">放假</option>
            <option value="workday">上班（调休）</option>
            <option value="statutory">取消调整，按法定安排</option>
          </select>
        </label>
        <label class="field">
          <span class="label">原因</span>
          <input value={reason} placeholder="例如 国务院办公厅通知 2027 年元旦放假" onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={recompute} onChange={(e) => setRecompute(e.currentTarget.checked)} /> 重新计算未办结任务时限
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          <button class="primary" disabled={busy}>{busy ? "正在保存…" : "保存"}</button>
        </div>
      </form>
      {notice && <p class="notice" role="status">{notice}</p>}
      {(view?.years ?? []).map((y) => (
        <section class="year" aria-label={`${y.year} 年`}>
          <h3>
            {y.year} 年{y.statutory ? "" : "（无法定安排数据）"}
          </h3>
          {y.days.length === 0 && <p class="hint">没有节假日或调休数据：按仅周末休息计算。</p>}
          <ul class="list">
            {y.days.map((d) => (
              <li class="item" data-date={d.date}>
                {d.date} {KIND_LABELS[d.kind]} {d.name ?? ""}
                {d.source === "override" && (
                  <small>
                    {" "}
                    管理员调整{d.statutoryKind ? `（法定为${KIND_LABELS[d.statutoryKind]}）` : ""}：{d.note}
                  </small>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
