import { useState } from "preact/hooks";

// The period a figure is counted over (周 / 月 / 季度 / 自定义), as the 晾晒 API takes it.

export type PeriodKind = "week" | "month" | "quarter" | "custom";

/** What the person chose; an empty date means "the period holding today" (the server's today). */
export interface PeriodChoice {
  period: PeriodKind;
  date: string;
  from: string;
  to: string;
}
/** The period the server counted (its answer), to show and to step from. */
export interface CountedPeriod {
  kind: PeriodKind;
  from: string;
  to: string;
  label: string;
}

export const THIS_MONTH: PeriodChoice = { period: "month", date: "", from: "", to: "" };

const KINDS: Array<[PeriodKind, string]> = [
  ["week", "周"],
  ["month", "月"],
  ["quarter", "季度"],
  ["custom", "自定义"],
];

/** The query parameters of a choice (only those the API reads for its kind). */
export function periodParams(p: PeriodChoice): Record<string, string> {
  if (p.period === "custom") return { period: "custom", from: p.from, to: p.to };
  return p.date ? { period: p.period, date: p.date } : { period: p.period };
}

const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** 周 / 月 / 季度 / 自定义, with ‹ › to step to the period before or after the one counted. */
export function PeriodChooser({ value, counted, onChange }: { value: PeriodChoice; counted: CountedPeriod | null; onChange: (p: PeriodChoice) => void }) {
  const [from, setFrom] = useState(value.from || counted?.from || "");
  const [to, setTo] = useState(value.to || counted?.to || "");
  const [problem, setProblem] = useState("");
  return (
    <div class="period">
      <div class="segments" role="group" aria-label="统计时段">
        {KINDS.map(([kind, label]) => (
          <button
            type="button"
            class={value.period === kind ? "on" : ""}
            aria-pressed={value.period === kind}
            onClick={() => {
              if (kind === "custom") {
                setFrom(counted?.from ?? from);
                setTo(counted?.to ?? to);
                onChange({ ...value, period: "custom", from: counted?.from ?? from, to: counted?.to ?? to });
              } else onChange({ ...value, period: kind, date: value.period === "custom" ? "" : value.date });
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {value.period === "custom" ? (
        <form
          class="range"
          onSubmit={(e) => {
            e.preventDefault();
            const wrong = !from || !to ? "请选择开始和结束日期" : to < from ? "结束日期不能早于开始日期" : "";
            setProblem(wrong ? `${wrong}，例如 2026-11-01 至 2026-11-15。` : "");
            if (!wrong) onChange({ ...value, from, to });
          }}
        >
          <input type="date" aria-label="开始日期" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          <span>至</span>
          <input type="date" aria-label="结束日期" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          <button class="primary">确定</button>
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
        </form>
      ) : (
        <div class="step">
          <button type="button" aria-label="上一期" disabled={!counted} onClick={() => counted && onChange({ ...value, date: shift(counted.from, -1) })}>
            ‹
          </button>
          <b>{counted?.label ?? "…"}</b>
          <button type="button" aria-label="下一期" disabled={!counted} onClick={() => counted && onChange({ ...value, date: shift(counted.to, 1) })}>
            ›
          </button>
        </div>
      )}
    </div>
  );
}

/** The query parameters that name exactly the period counted (for links and CSV from an answer). */
export function countedParams(p: CountedPeriod): Record<string, string> {
  return p.kind === "custom" ? { period: "custom", from: p.from, to: p.to } : { period: p.kind, date: p.from };
}
