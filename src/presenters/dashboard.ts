import {
  median,
  percentile,
  rate,
  roundHours,
  wilsonLowerBound,
  type FigureSide,
} from "../domain/dashboardFigures";
import { ADDITIVE_KEYS, emptyDay, type DayFigures } from "../db/repositories/dashboardRollups";

// 晾晒: day rows -> the figures the API answers with, the ranking and the weekly trend. Definitions of every
// figure: src/domain/dashboardFigures.ts.

export interface Figures {
  volume: number;
  acceptCount: number;
  acceptOnTime: number;
  acceptOnTimeRate: number | null;
  completed: number;
  completeOnTimeOriginal: number;
  completeOnTimeOriginalRate: number | null;
  completeOnTimeCommitted: number;
  completeOnTimeCommittedRate: number | null;
  acceptHoursMedian: number | null;
  acceptHoursP90: number | null;
  completeHoursMedian: number | null;
  completeHoursP90: number | null;
  open: number;
  red: number;
  everRed: number;
  returns: number;
  transfers: number;
  supervisions: number;
  ratingCount: number;
  ratingAverage: number | null;
  badRatings: number;
  rectificationCount: number;
  rectificationOnTime: number;
  rectificationOnTimeRate: number | null;
}

/** Sums day rows (any mix of days and departments) and the open counts into one set of figures. */
export function figuresOf(days: readonly DayFigures[], open: { open: number; red: number } = { open: 0, red: 0 }): Figures {
  const s = emptyDay("", "target", 0);
  for (const d of days) {
    for (const k of ADDITIVE_KEYS) s[k] += d[k];
    s.acceptHours.push(...d.acceptHours);
    s.completeHours.push(...d.completeHours);
  }
  return {
    volume: s.volume,
    acceptCount: s.acceptCount,
    acceptOnTime: s.acceptOnTime,
    acceptOnTimeRate: rate(s.acceptOnTime, s.acceptCount),
    completed: s.completed,
    completeOnTimeOriginal: s.completeOnTimeOriginal,
    completeOnTimeOriginalRate: rate(s.completeOnTimeOriginal, s.completed),
    completeOnTimeCommitted: s.completeOnTimeCommitted,
    completeOnTimeCommittedRate: rate(s.completeOnTimeCommitted, s.completed),
    acceptHoursMedian: roundHours(median(s.acceptHours)),
    acceptHoursP90: roundHours(percentile(s.acceptHours, 0.9)),
    completeHoursMedian: roundHours(median(s.completeHours)),
    completeHoursP90: roundHours(percentile(s.completeHours, 0.9)),
    open: open.open,
    red: open.red,
    everRed: s.everRed,
    returns: s.returns,
    transfers: s.transfers,
    supervisions: s.supervisions,
    ratingCount: s.ratingCount,
    ratingAverage: s.ratingCount ? Math.round((s.ratingSum / s.ratingCount) * 100) / 100 : null,
    badRatings: s.badRatings,
    rectificationCount: s.rectificationCount,
    rectificationOnTime: s.rectificationOnTime,
    rectificationOnTimeRate: rate(s.rectificationOnTime, s.rectificationCount),
  };
}

export interface DepartmentRef {
  id: number;
  code: string;
  name: string;
}

/** Figures per department of one side, in the departments' order. */
export function figuresByDepartment(
  departments: readonly DepartmentRef[],
  side: FigureSide,
  days: readonly DayFigures[],
  open: ReadonlyArray<{ side: FigureSide; departmentId: number; open: number; red: number }>,
) {
  const mine = days.filter((d) => d.side === side);
  return departments.map((d) => ({
    department: { code: d.code, name: d.name },
    departmentId: d.id,
    figures: figuresOf(
      mine.filter((x) => x.departmentId === d.id),
      open.find((o) => o.side === side && o.departmentId === d.id),
    ),
  }));
}

export interface RankedDepartment {
  rank: number;
  of: number;
  department: { code: string; name: string };
  departmentId: number;
  completed: number;
  onTime: number;
  onTimeRate: number;
  lowerBound: number;
  volume: number;
  label: "骏马" | "蜗牛" | "";
}

/** How many departments are named 骏马 (top) and 蜗牛 (bottom). */
export const BULLETIN_NAMED = 3;

/**
 * The ranking: departments with at least one completed task, by the Wilson lower bound of their on-time rate
 * (original deadline), then by volume completed, then by code. The top and bottom BULLETIN_NAMED are 骏马 / 蜗牛
 * (half each when fewer than twice that many take part).
 */
export function rankDepartments(rows: ReturnType<typeof figuresByDepartment>): RankedDepartment[] {
  const ranked = rows
    .filter((r) => r.figures.completed > 0)
    .map((r) => ({
      department: r.department,
      departmentId: r.departmentId,
      completed: r.figures.completed,
      onTime: r.figures.completeOnTimeOriginal,
      onTimeRate: rate(r.figures.completeOnTimeOriginal, r.figures.completed)!,
      lowerBound: Math.round(wilsonLowerBound(r.figures.completeOnTimeOriginal, r.figures.completed) * 10_000) / 10_000,
      volume: r.figures.volume,
    }))
    .sort((a, b) => b.lowerBound - a.lowerBound || b.completed - a.completed || a.department.code.localeCompare(b.department.code));
  const named = Math.min(BULLETIN_NAMED, Math.floor(ranked.length / 2));
  return ranked.map((r, i) => ({
    ...r,
    rank: i + 1,
    of: ranked.length,
    label: i < named ? ("骏马" as const) : i >= ranked.length - named ? ("蜗牛" as const) : ("" as const),
  }));
}
