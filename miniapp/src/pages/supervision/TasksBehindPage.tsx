import { useEffect, useMemo, useState } from "preact/hooks";
import { allDepartments, api, read, type Dashboard } from "../../api";
import { CsvLink } from "../../components/CsvLink";
import { figureTasksHref, LATE_ONES, TASK_FIGURE_TITLES, taskListTitle, type TaskFigure } from "../../components/figureFormat";
import { Paged, type Item, type Page } from "../../components/ItemList";
import { when } from "../../components/labels";

// The tasks behind a number of the 晾晒 page: a figure of a department in a period, a week's bar of the trends
// chart (#figure/<query of /api/dashboard/tasks>), or a cell of the department matrix (#cell/<from>><to>).

type FigureTask = Dashboard["tasks"]["items"][number];

/** A task of a figure as a list line, with the times that made it count. */
function asItem(task: FigureTask): Item {
  const facts = [
    `计入时间 ${when(task.at)}`,
    `原时限 ${when(task.originalDueAt)}`,
    task.acceptedAt ? `签收 ${when(task.acceptedAt)}` : null,
    task.completedAt ? `办结 ${when(task.completedAt)}` : null,
    task.everRed ? "曾超期" : null,
    task.score !== null ? `评价 ${task.score} 分` : null,
  ];
  return { taskId: task.taskId, number: task.number, title: task.title, state: task.state, dueAt: task.dueAt, department: task.department.name, fromDepartment: task.fromDepartment, facts: facts.filter(Boolean).join(" · ") };
}

/** #figure/<query>: the tasks one figure counts, with its late subset one tap away and the list as CSV. */
export function FigureTasksPage({ query }: { query: string }) {
  const params = useMemo(() => Object.fromEntries(new URLSearchParams(query)), [query]);
  const figure = (params.figure ?? "volume") as TaskFigure;
  const [departments, setDepartments] = useState<Array<{ code: string; name: string }>>([]);
  const [answer, setAnswer] = useState<Dashboard["tasks"] | null>(null);
  useEffect(() => {
    if (params.department) return;
    // A bar of the all-departments trend: first the department whose tasks to list.
    void read(api.dashboard.dashboard.figures.$get({ query: { side: params.side ?? "target" } })).then((f) => setDepartments(f.rows.map((r) => r.department)), () => setDepartments([]));
  }, [params]);
  const fetchPage = useMemo(
    () =>
      async (cursor: string | null): Promise<Page> => {
        const page = await read(api.dashboard.dashboard.tasks.$get({ query: { ...params, figure, department: params.department ?? "", ...(cursor ? { cursor } : {}) } }));
        setAnswer(page);
        return { items: page.items.map(asItem), next: page.next };
      },
    [params],
  );
  const { cursor: _c, limit: _l, ...exportQuery } = params;
  const base = (Object.entries(LATE_ONES).find(([, late]) => late.includes(figure))?.[0] ?? figure) as TaskFigure;
  const variants = [base, ...(LATE_ONES[base] ?? [])];
  return (
    <section class="figure-tasks">
      <a class="back" href="#board">
        ‹ 返回晾晒
      </a>
      <h1>{taskListTitle(figure, params.side)}</h1>
      <p class="meta">
        {answer ? `${answer.department.name} · ${answer.period.label}` : params.from ? `${params.from} 至 ${params.to}` : ""}
        {params.side === "requester" ? " · 作为发起部门" : " · 作为承办部门"}
      </p>
      {!params.department ? (
        <label class="field">
          <span class="label">请选择部门</span>
          <select aria-label="部门" onChange={(e) => (location.hash = figureTasksHref({ ...params, department: e.currentTarget.value }))}>
            <option value="">选择部门…</option>
            {departments.map((d) => (
              <option value={d.code}>{d.name}</option>
            ))}
          </select>
        </label>
      ) : (
        <>
          <div class="actions">
            {variants.length > 1 &&
              variants.map((v) => (
                <a class={v === figure ? "chip on" : "chip"} href={figureTasksHref({ ...params, figure: v })}>
                  {TASK_FIGURE_TITLES[v]}
                </a>
              ))}
            <CsvLink path="dashboard/tasks.csv" query={exportQuery} label="导出这些任务（CSV）" />
          </div>
          <Paged fetchPage={fetchPage} />
        </>
      )}
    </section>
  );
}

/** #cell/<from>><to>: the open tasks one requesting department has with one target department. */
export function BoardCellPage({ pair }: { pair: string }) {
  const [from = "", to = ""] = pair.split(">");
  const [names, setNames] = useState({ from, to });
  useEffect(() => {
    void allDepartments().then((all) => setNames({ from: all.find((d) => d.code === from)?.name ?? from, to: all.find((d) => d.code === to)?.name ?? to }), () => undefined);
  }, [from, to]);
  const fetchPage = useMemo(() => (cursor: string | null) => read(api.views.board.cell.$get({ query: { from, to, limit: "20", ...(cursor ? { cursor } : {}) } })), [from, to]);
  return (
    <section class="cell-tasks">
      <a class="back" href="#board">
        ‹ 返回晾晒
      </a>
      <h2>
        {names.from} → {names.to}
      </h2>
      <Paged fetchPage={fetchPage} />
    </section>
  );
}
