import { useEffect, useMemo, useState } from "preact/hooks";
import { api, read } from "../../api";
import { Paged } from "../../components/ItemList";

interface Cell {
  from: { code: string; name: string };
  to: { code: string; name: string };
  open: number;
  overdue: number;
  dueSoon: number;
}

/** 晾晒: requesting departments down, target departments across; open / overdue / due soon in each cell. */
export function BoardPage() {
  const [cells, setCells] = useState<Cell[] | null>(null);
  const [picked, setPicked] = useState<Cell | null>(null);
  useEffect(() => void read(api.views.board.$get()).then((b) => setCells(b.cells)), []);
  const cellPage = useMemo(
    () => (cursor: string | null) => read(api.views.board.cell.$get({ query: { from: picked?.from.code ?? "", to: picked?.to.code ?? "", limit: "20", ...(cursor ? { cursor } : {}) } })),
    [picked],
  );
  if (!cells) return <p class="hint">正在加载…</p>;
  if (cells.length === 0) return <p class="hint">暂无未办结的部门间事项。</p>;
  const rows = [...new Map(cells.map((c) => [c.from.code, c.from])).values()];
  const cols = [...new Map(cells.map((c) => [c.to.code, c.to])).values()];
  const at = (f: string, t: string) => cells.find((c) => c.from.code === f && c.to.code === t);
  return (
    <div>
      <div class="board">
        <table>
          <thead>
            <tr>
              <th>发起＼承办</th>
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
                        <button class={cell.overdue > 0 ? "cell late" : "cell"} onClick={() => setPicked(cell)} data-cell={`${r.code}>${c.code}`}>
                          {cell.open}
                          {cell.overdue > 0 ? <small> / 超期 {cell.overdue}</small> : null}
                          {cell.dueSoon > 0 ? <small> / 临期 {cell.dueSoon}</small> : null}
                        </button>
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
      {picked && (
        <section>
          <h2>
            {picked.from.name} → {picked.to.name}
          </h2>
          <Paged fetchPage={cellPage} />
        </section>
      )}
    </div>
  );
}
