// How the 晾晒 figures read on the page, and which tasks stand behind each (the API's `figure` parameter of
// /api/dashboard/tasks). The figures' names and definitions come from the API (src/domain/dashboardFigures.ts).

export type FigureUnit = "件" | "次" | "比例" | "工作小时" | "分";

/** A figure as text: rates in per cent, hours and scores with up to two decimals, "—" when not computed. */
export function formatFigure(value: number | null | undefined, unit: FigureUnit): string {
  if (value === null || value === undefined) return "—";
  if (unit === "比例") return `${(value * 100).toFixed(1)}%`;
  if (unit === "工作小时" || unit === "分") return String(Math.round(value * 100) / 100);
  return String(value);
}

export type TaskFigure =
  | "volume"
  | "acceptCount"
  | "acceptLate"
  | "completed"
  | "completeLateOriginal"
  | "completeLateCommitted"
  | "open"
  | "red"
  | "everRed"
  | "returns"
  | "transfers"
  | "supervisions"
  | "ratings"
  | "badRatings"
  | "rectifications"
  | "rectificationsLate";

/** The tasks a figure is made of (a rate: the tasks it divides; a time: the tasks it measures). */
export const TASKS_BEHIND: Record<string, TaskFigure> = {
  volume: "volume",
  acceptCount: "acceptCount",
  acceptOnTime: "acceptCount",
  acceptOnTimeRate: "acceptCount",
  acceptHoursMedian: "acceptCount",
  acceptHoursP90: "acceptCount",
  completed: "completed",
  completeOnTimeOriginal: "completed",
  completeOnTimeOriginalRate: "completed",
  completeOnTimeCommitted: "completed",
  completeOnTimeCommittedRate: "completed",
  completeHoursMedian: "completed",
  completeHoursP90: "completed",
  open: "open",
  red: "red",
  everRed: "everRed",
  returns: "returns",
  transfers: "transfers",
  supervisions: "supervisions",
  ratingCount: "ratings",
  ratingAverage: "ratings",
  badRatings: "badRatings",
  rectificationCount: "rectifications",
  rectificationOnTime: "rectifications",
  rectificationOnTimeRate: "rectifications",
};

/** What each task list is called, and the narrower list of the late ones where there is one. */
export const TASK_FIGURE_TITLES: Record<TaskFigure, string> = {
  volume: "收到的任务",
  acceptCount: "签收的任务",
  acceptLate: "超时签收的任务",
  completed: "办结的任务",
  completeLateOriginal: "超过原时限办结的任务",
  completeLateCommitted: "超过承诺时限办结的任务",
  open: "在办的任务",
  red: "超期未办结的任务",
  everRed: "曾超期的任务",
  returns: "退回的任务",
  transfers: "转办的任务",
  supervisions: "督办的任务",
  ratings: "评价的任务",
  badRatings: "差评的任务",
  rectifications: "到期整改的任务",
  rectificationsLate: "超时整改的任务",
};
export const LATE_ONES: Partial<Record<TaskFigure, TaskFigure[]>> = {
  acceptCount: ["acceptLate"],
  completed: ["completeLateOriginal", "completeLateCommitted"],
  rectifications: ["rectificationsLate"],
};

/** The title of a task list; `volume` counted for the requesting side is what it sent. */
export const taskListTitle = (figure: TaskFigure, side: string | undefined) => (figure === "volume" && side === "requester" ? "发出的任务" : TASK_FIGURE_TITLES[figure] ?? figure);

/** The hash of the page listing the tasks behind a figure (query as /api/dashboard/tasks takes it). */
export const figureTasksHref = (query: Record<string, string>) => `#figure/${encodeURIComponent(new URLSearchParams(query).toString())}`;
