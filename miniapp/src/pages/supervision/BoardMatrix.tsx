import { useEffect, useState } from "preact/hooks";
import { api, messageOf, read } from "../../api";
import { CsvLink } from "../../components/CsvLink";

interface Cell {
  from: { code: string; name: string };
  to: { code: string; name: string };
  open: number;
  overdue: number;
  dueSoon: number;
}

const cellClass = (c: Cell) => (c.overdue > 0 ? "cell late" : c.dueSoon > 0 ? "cell soon" : "cell");

/**
 * Today's department-to-department matrix: requesting departments down, target departments across, the open
 * tasks of each pair (and how many are overdue or due soon). Scrolls both ways on a phone with its headers kept
 * in view; a cell opens the tasks behind it.
 */
export function BoardMatrix() {
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => void read(api.views.board.$get()).then((b) => setCells(b.cells), (e) => setError(messageOf(e, "加载失败，请重试。"))), []);
  const head = (
    <h2>
      部门间在办事项（此刻）
      <CsvLink path="dashboard/board.csv" query={{}} />
    </h2>
  );
  if (error) return <section class="dash-board">{head}<p class="error">{error}</p></section>;
  if (!cells) return <p class="hint">正在加载…</p>;
  if (cells.length === 0) return <section class="dash-board">{head}<p class="hint">暂无未办结的部门间事项。</p></section>;
  const rows = [...new Map(cells.map((c) => [c.from.code, c.from])).values()];
  const cols = [...new Map(cells.map((c) => [c.to.code, c.to])).values()];
  const at = (f: string, t: string) => cells.find((c) => c.from.code === f && c.to.code === t);
  return (
    <section class="dash-board">
      {head}
      <p class="legend" aria-label="图例">
        格内：未办结任务数（其中超期、临期件数）。
        <span class="swatch late" /> 有超期（待补正暂停计时的不算）
        <span class="swatch soon" /> 有临期（一天内到期）
        <span class="swatch" /> 均未到期；空格：没有未办结任务。
      </p>
      <div class="sheet board">
        <table>
          <thead>
            <tr>
              <th class="corner">发起＼承办</th>
              {cols.map((c) => (
                <th>{c.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th>{r.name}</th>
                {cols.map((c) => {
                  const cell = at(r.code, c.code);
                  return (
                    <td>
                      {cell ? (
                        <a class={cellClass(cell)} href={`#cell/${encodeURIComponent(`${r.code}>${c.code}`)}`} data-cell={`${r.code}>${c.code}`}>
                          {cell.open}
                          {cell.overdue > 0 ? <small> / 超期 {cell.overdue}</small> : null}
                          {cell.dueSoon > 0 ? <small> / 临期 {cell.dueSoon}</small> : null}
                        </a>
                      ) : (
                        ""
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
