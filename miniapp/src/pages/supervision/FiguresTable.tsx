import type { Dashboard } from "../../api";
import { CsvLink } from "../../components/CsvLink";
import { figureTasksHref, formatFigure, TASKS_BEHIND } from "../../components/figureFormat";
import { countedParams } from "../../components/PeriodChooser";

/**
 * Every figure of every department in view, one figure a row (its name and definition in the first, sticky,
 * column), one department a column, 合计 first. A department's number opens the tasks behind it.
 */
export function FiguresTable({ figures }: { figures: Dashboard["figures"] }) {
  const period = countedParams(figures.period);
  return (
    <section class="dash-figures">
      <h2>
        部门指标（{figures.side === "target" ? "作为承办部门" : "作为发起部门"}）
        <CsvLink path="dashboard/figures.csv" query={{ ...period, side: figures.side }} />
      </h2>
      {figures.rows.length === 0 ? (
        <p class="hint">本期没有可显示的部门。</p>
      ) : (
        <div class="sheet">
          <table>
            <thead>
              <tr>
                <th class="corner">指标及定义</th>
                <th>合计</th>
                {figures.rows.map((r) => (
                  <th data-department={r.department.code}>{r.department.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {figures.definitions.map((d) => (
                <tr data-figure={d.key}>
                  <th>
                    <span class="figure-label">{d.label}</span>
                    <small class="definition">{d.definition}</small>
                  </th>
                  <td>{formatFigure(figures.total[d.key], d.unit)}</td>
                  {figures.rows.map((r) => (
                    <td>
                      <a href={figureTasksHref({ figure: TASKS_BEHIND[d.key] ?? "volume", department: r.department.code, side: figures.side, ...period })}>
                        {formatFigure(r.figures[d.key], d.unit)}
                      </a>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
