/** Auto-assignment at 签收: who among a department's available handlers gets the task. Pure. */

export type AssignmentMode = "off" | "round_robin" | "least_loaded";

export const ASSIGNMENT_MODE_LABELS: Record<AssignmentMode, string> = {
  off: "不自动分配",
  round_robin: "轮流分配",
  least_loaded: "按在办量分配",
};

export interface AssignmentCandidate {
  userId: number;
  /** open tasks the person handles now */
  openTasks: number;
}

/**
 * round_robin: the next handler (by id) after the one assigned last, wrapping around; least_loaded: the one with
 * the fewest open tasks, ties to the next in round-robin order (so equal loads still take turns). null: nobody.
 */
export function pickAssignee(mode: AssignmentMode, candidates: AssignmentCandidate[], lastAssignedUserId: number | null): number | null {
  if (mode === "off" || candidates.length === 0) return null;
  const byId = [...candidates].sort((a, b) => a.userId - b.userId);
  const start = lastAssignedUserId === null ? 0 : byId.findIndex((c) => c.userId > lastAssignedUserId);
  const turn = start < 0 ? byId : [...byId.slice(start), ...byId.slice(0, start)];
  if (mode === "round_robin") return turn[0]!.userId;
  const fewest = Math.min(...turn.map((c) => c.openTasks));
  return turn.find((c) => c.openTasks === fewest)!.userId;
}
