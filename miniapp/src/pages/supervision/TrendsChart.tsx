import { useMemo } from "preact/hooks";
import type { Dashboard } from "../../api";
import { EChart, type ChartClick } from "../../components/charts/EChart";
import type { ChartOption } from "../../components/charts/echarts";
import { CsvLink } from "../../components/CsvLink";
import { figureTasksHref, formatFigure, type TaskFigure } from "../../components/figureFormat";

/** The series drawn, in order; a click on one opens the tasks it counts for that week. */
const SERIES: Array<{ name: string; figure: TaskFigure; color: string }> = [
  { name: "收到", figure: "volume", color: "#3370ff" },
  { name: "办结", figure: "completed", color: "#34c724" },
  { name: "曾超期", figure: "everRed", color: "#f54a45" },
  { name: "办结及时率", figure: "completed", color: "#ff8800" },
];

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** 12 weeks of volume, completions, ever-red and the on-time rate; a bar or point opens that week's tasks. */
export function TrendsChart(props: { trends: Dashboard["trends"]; departments: Array<{ code: string; name: string }>; department: string; onDepartment: (code: string) => void }) {
  const { trends } = props;
  const side = trends.side === "target" ? "承办" : "发起";
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      color: SERIES.map((s) => s.color),
      tooltip: { trigger: "axis" },
      legend: { top: 0, itemWidth: 14, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trends.weeks.map((w) => w.label), axisLabel: { fontSize: 11 } },
      yAxis: [
        { type: "value", name: "件", minInterval: 1, nameTextStyle: { fontSize: 11 } },
        { type: "value", name: "及时率 %", min: 0, max: 100, nameTextStyle: { fontSize: 11 }, splitLine: { show: false } },
      ],
      series: [
        { name: SERIES[0]!.name, type: "bar", data: trends.weeks.map((w) => w.volume), cursor: "pointer" },
        { name: SERIES[1]!.name, type: "bar", data: trends.weeks.map((w) => w.completed), cursor: "pointer" },
        { name: SERIES[2]!.name, type: "bar", data: trends.weeks.map((w) => w.everRed), cursor: "pointer" },
        { name: SERIES[3]!.name, type: "line", yAxisIndex: 1, connectNulls: false, data: trends.weeks.map((w) => percent(w.completeOnTimeOriginalRate)), cursor: "pointer" },
      ],
    }),
    [trends],
  );
  const tasksOf = (week: { from: string; to: string }, figure: TaskFigure) =>
    figureTasksHref({ figure, side: trends.side, period: "custom", from: week.from, to: week.to, ...(props.department ? { department: props.department } : {}) });
  const open = ({ seriesIndex, dataIndex }: ChartClick) => {
    const week = trends.weeks[dataIndex];
    const series = SERIES[seriesIndex];
    if (week && series) location.hash = tasksOf(week, series.figure);
  };
  return (
    <section class="dash-trends">
      <h2>
        最近 {trends.weeks.length} 周趋势（{side}）
        <CsvLink path="dashboard/trends.csv" query={{ side: trends.side, weeks: String(trends.weeks.length), ...(props.department ? { department: props.department } : {}) }} />
      </h2>
      <select aria-label="趋势部门" value={props.department} onChange={(e) => props.onDepartment(e.currentTarget.value)}>
        <option value="">全部可见部门合计</option>
        {props.departments.map((d) => (
          <option value={d.code}>{d.name}</option>
        ))}
      </select>
      <EChart option={option} onClick={open} label={`最近 ${trends.weeks.length} 周的收到、办结、曾超期件数与办结及时率`} />
      <p class="legend-note">柱：每周收到、办结、曾超期的件数（左轴）；折线：按原时限的办结及时率（右轴）。点柱或点可查看那一周的任务。</p>
      <details class="trend-numbers">
        <summary>按周查看数字</summary>
        <div class="sheet">
          <table>
            <thead>
              <tr>
                <th class="corner">周</th>
                {SERIES.map((s) => (
                  <th>{s.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {trends.weeks.map((w) => (
                <tr data-week={w.from}>
                  <th>
                    {w.from} 至 {w.to.slice(5)}
                  </th>
                  {[w.volume, w.completed, w.everRed].map((v, i) => (
                    <td>
                      <a href={tasksOf(w, SERIES[i]!.figure)}>{v}</a>
                    </td>
                  ))}
                  <td>{formatFigure(w.completeOnTimeOriginalRate, "比例")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
