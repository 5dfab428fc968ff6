import { useEffect, useRef, useState } from "preact/hooks";
import type { ChartOption } from "./echarts";

/** What a click on a bar or a point says: its series and its place on the x axis. */
export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * One ECharts chart in a div. ECharts itself is loaded on first use (dynamic import), so pages without a chart
 * never download it. Follows the container's width (phone or desktop) and reports clicks on bars and points.
 */
export function EChart({ option, onClick, height = 260, label }: { option: ChartOption; onClick?: (c: ChartClick) => void; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof import("./echarts").init> | null>(null);
  const clicked = useRef(onClick);
  clicked.current = onClick;
  const latest = useRef(option);
  latest.current = option;
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    import("./echarts")
      .then(({ init }) => {
        if (disposed || !box.current) return;
        const c = init(box.current, null, { renderer: "svg" });
        chart.current = c;
        c.on("click", (e) => clicked.current?.({ seriesIndex: e.seriesIndex ?? 0, dataIndex: e.dataIndex }));
        c.setOption(latest.current);
        observer = new ResizeObserver(() => c.resize());
        observer.observe(box.current);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  if (failed) return <p class="error">图表加载失败，请刷新重试。</p>;
  return <div class="chart" role="img" aria-label={label} ref={box} style={{ height: `${height}px` }} />;
}
