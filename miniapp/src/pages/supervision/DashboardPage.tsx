import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read, type Dashboard, type Me } from "../../api";
import { PeriodChooser, periodParams, THIS_MONTH, type CountedPeriod, type PeriodChoice } from "../../components/PeriodChooser";
import { hasRole } from "../../routes";
import { BoardMatrix } from "./BoardMatrix";
import { FiguresTable } from "./FiguresTable";
import { RankingTable } from "./RankingTable";
import { TrendsChart } from "./TrendsChart";

type Side = "target" | "requester";
/** The choices, kept while the person opens the tasks behind a number and comes back. */
const kept: { period: PeriodChoice; side: Side; trendDepartment: string } = { period: THIS_MONTH, side: "target", trendDepartment: "" };

/** The server's refusal in Chinese (a custom range it does not take says why, with a correct one). */
const refusal = (e: unknown) => messageOf(e, "加载失败，请重试。");

/** Who sees the figures (the API's rule): supervisors, admins and department heads; everyone sees the matrix. */
export const seesFigures = (me: Me) => hasRole(me, "supervisor", "admin", "head");

/**
 * 晾晒: the period chooser, the volume-fair ranking, each department's figures with their definitions, 12 weeks
 * of trends (ECharts), today's department matrix, CSV of every table, and the printable monthly 通报.
 */
export function DashboardPage({ me }: { me: Me }) {
  if (!seesFigures(me)) return <BoardMatrix />;
  return <Figures me={me} />;
}

function Figures({ me }: { me: Me }) {
  const [period, setPeriod] = useState(kept.period);
  const [side, setSide] = useState(kept.side);
  const [trendDepartment, setTrendDepartment] = useState(kept.trendDepartment);
  const [figures, setFigures] = useState<Dashboard["figures"] | null>(null);
  const [ranking, setRanking] = useState<Dashboard["ranking"] | null>(null);
  const [trends, setTrends] = useState<Dashboard["trends"] | null>(null);
  const [error, setError] = useState("");
  Object.assign(kept, { period, side, trendDepartment });

  useEffect(() => {
    setError("");
    const query = periodParams(period);
    read(api.dashboard.dashboard.figures.$get({ query: { ...query, side } })).then(setFigures, (e) => setError(refusal(e)));
    read(api.dashboard.dashboard.ranking.$get({ query })).then(setRanking, (e) => setError(refusal(e)));
  }, [period, side]);
  useEffect(() => {
    read(api.dashboard.dashboard.trends.$get({ query: { side, weeks: "12", ...(trendDepartment ? { department: trendDepartment } : {}) } })).then(setTrends, (e) => setError(refusal(e)));
  }, [side, trendDepartment]);

  const counted: CountedPeriod | null = figures?.period ?? null;
  const month = counted?.from.slice(0, 7);
  return (
    <div class="dashboard">
      <PeriodChooser value={period} counted={counted} onChange={setPeriod} />
      <div class="segments side" role="group" aria-label="统计口径">
        <button type="button" class={side === "target" ? "on" : ""} aria-pressed={side === "target"} onClick={() => setSide("target")}>
          作为承办部门
        </button>
        <button type="button" class={side === "requester" ? "on" : ""} aria-pressed={side === "requester"} onClick={() => setSide("requester")}>
          作为发起部门
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {figures && (
        <p class="meta as-of">
          {figures.period.label}（{figures.period.from} 至 {figures.period.to}）· {figures.scope === "all" ? "全部部门" : "本人负责的部门"} · 统计截至{" "}
          {new Date(figures.asOf).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false })}
        </p>
      )}
      {hasRole(me, "supervisor", "admin") && month && (
        <p class="bulletin-link">
          <a class="link" href={`/api/dashboard/bulletin.html?month=${month}`} target="_blank" rel="noopener">
            打印 {Number(month.slice(0, 4))}年{Number(month.slice(5))}月 通报
          </a>
        </p>
      )}
      {ranking ? <RankingTable ranking={ranking} /> : <p class="hint">正在加载排名…</p>}
      {trends ? (
        <TrendsChart trends={trends} departments={figures?.rows.map((r) => r.department) ?? []} department={trendDepartment} onDepartment={setTrendDepartment} />
      ) : (
        <p class="hint">正在加载趋势…</p>
      )}
      {figures ? <FiguresTable figures={figures} /> : <p class="hint">正在加载指标…</p>}
      <BoardMatrix />
    </div>
  );
}
