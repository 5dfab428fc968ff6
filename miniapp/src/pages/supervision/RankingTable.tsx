import type { Dashboard } from "../../api";
import { CsvLink } from "../../components/CsvLink";
import { figureTasksHref, formatFigure } from "../../components/figureFormat";
import { countedParams } from "../../components/PeriodChooser";

/** The volume-fair ranking (Wilson lower bound of 办结及时率), its method in the server's words, 骏马 and 蜗牛. */
export function RankingTable({ ranking }: { ranking: Dashboard["ranking"] }) {
  const period = countedParams(ranking.period);
  return (
    <section class="dash-ranking">
      <h2>
        排名（{ranking.period.label}）
        <CsvLink path="dashboard/ranking.csv" query={period} />
      </h2>
      {ranking.items.length === 0 ? (
        <p class="hint">本期没有办结的任务，暂无排名。</p>
      ) : (
        <div class="sheet">
          <table>
            <thead>
              <tr>
                <th class="corner">名次</th>
                <th>部门</th>
                <th>办结（按原时限）</th>
                <th>及时率</th>
                <th>下限</th>
                <th>收到</th>
              </tr>
            </thead>
            <tbody>
              {ranking.items.map((i) => (
                <tr data-department={i.department.code}>
                  <th>
                    {i.rank}/{i.of}
                  </th>
                  <td class="name">
                    {i.label && <span class={i.label === "骏马" ? "tag best" : "tag worst"}>{i.label}</span>}
                    {i.department.name}
                  </td>
                  <td>
                    <a href={figureTasksHref({ figure: "completed", department: i.department.code, side: "target", ...period })}>
                      {i.onTime}/{i.completed}
                    </a>
                  </td>
                  <td>{formatFigure(i.onTimeRate, "比例")}</td>
                  <td>
                    <b>{formatFigure(i.lowerBound, "比例")}</b>
                  </td>
                  <td>{i.volume}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="method">{ranking.method}</p>
    </section>
  );
}
