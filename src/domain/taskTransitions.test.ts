import { describe, expect, it } from "vitest";
import { assertTransition, deriveRequestStatus, TRANSITIONS, type TaskFlags } from "./taskTransitions";
import { TASK_STATES } from "./types";

const flags: TaskFlags = { reviewPending: false, arbitrationPending: false, arbitrated: false, transferCount: 0 };

describe("the transition table", () => {
  it("allows accept only from 待签收 and explains the refusal in Chinese", () => {
    expect(assertTransition("accept", "pending_accept", flags).to).toBe("in_progress");
    expect(() => assertTransition("accept", "completed", flags)).toThrow("无法签收：该任务当前状态为「已办结」，只有处于「待签收」状态时才能签收。");
  });

  it("names who already acted when given", () => {
    expect(() => assertTransition("approve", "pending_accept", flags, "赵敏")).toThrow("该任务当前状态为「待签收」（由 赵敏 处理）");
    expect(() => assertTransition("evaluate", "completed", { ...flags, evaluated: true })).toThrow("该任务已评价，不能重复评价。");
    expect(assertTransition("evaluate", "completed", flags).to).toBeNull();
  });

  it("never lets a task leave a final state: only comment and the rating's follow-ups (评价, 整改, 申诉) act on one", () => {
    const followUps = ["comment", "evaluate", "rectify", "confirmRectification", "disputeRectification", "decideDispute", "appeal", "decideAppeal"];
    for (const final of ["completed", "cancelled", "rejected"] as const) {
      for (const [action, t] of Object.entries(TRANSITIONS)) {
        if (t.from.includes(final)) {
          if (action === "reopen") continue; // checked below: a supervisor's 重新督办 of a completed task
          expect(followUps).toContain(action);
          expect(t.to).toBeNull();
        }
      }
    }
    expect(TRANSITIONS.reopen).toMatchObject({ from: ["completed"], to: "in_progress", parties: ["supervisor"] });
  });

  it("整改 and 申诉 follow the rating: answer while open, verdict once answered, one appeal per rating", () => {
    expect(() => assertTransition("rectify", "completed", flags)).toThrow("该任务没有整改事项");
    expect(assertTransition("rectify", "completed", { ...flags, rectification: "open" }).to).toBeNull();
    expect(() => assertTransition("rectify", "completed", { ...flags, rectification: "answered" })).toThrow("整改已答复，无需重复答复");
    expect(() => assertTransition("confirmRectification", "completed", { ...flags, rectification: "open" })).toThrow("承办部门尚未答复整改情况");
    expect(() => assertTransition("disputeRectification", "completed", { ...flags, rectification: "confirmed" })).toThrow("无需重复操作");
    expect(() => assertTransition("decideDispute", "completed", { ...flags, rectification: "answered" })).toThrow("没有待裁定的整改异议");
    expect(() => assertTransition("appeal", "completed", flags)).toThrow("尚未评价");
    expect(() => assertTransition("appeal", "completed", { ...flags, evaluated: true, appeal: "kept" })).toThrow("每条评价只能申诉一次");
    expect(() => assertTransition("decideAppeal", "completed", { ...flags, evaluated: true, appeal: "excluded" })).toThrow("该申诉已裁定");
  });

  it("guards: arbitrated tasks cannot be returned or transferred; review must be pending to confirm", () => {
    expect(() => assertTransition("return", "in_progress", { ...flags, arbitrated: true })).toThrow("不能再退回");
    expect(() => assertTransition("transfer", "pending_accept", { ...flags, arbitrated: true })).toThrow("不能再转办");
    expect(() => assertTransition("confirmCompletion", "in_progress", flags)).toThrow("没有待确认的办结结果");
    expect(() => assertTransition("complete", "in_progress", { ...flags, reviewPending: true })).toThrow("正等待本部门负责人确认");
    expect(() => assertTransition("arbitrate", "returned", flags)).toThrow("不在待指定状态");
    expect(() => assertTransition("resubmit", "returned", { ...flags, arbitrationPending: true })).toThrow("等待督查指定");
  });

  it("every action names at least one party and valid states", () => {
    for (const t of Object.values(TRANSITIONS)) {
      expect(t.parties.length).toBeGreaterThan(0);
      for (const s of t.from) expect(TASK_STATES).toContain(s);
    }
  });
});

describe("request status from its tasks", () => {
  it.each([
    [["pending_approval", "pending_approval"], "pending_approval"],
    [["pending_accept"], "pending_accept"],
    [["completed", "pending_accept"], "in_progress"],
    [["in_progress", "awaiting_info"], "in_progress"],
    [["awaiting_info", "completed"], "awaiting_info"],
    [["completed", "returned"], "returned"],
    [["completed", "cancelled"], "completed"],
    [["rejected"], "rejected"],
    [["cancelled", "cancelled"], "cancelled"],
  ] as const)("%j -> %s", (states, status) => {
    expect(deriveRequestStatus(states)).toBe(status);
  });
});
