import { describe, expect, it } from "vitest";
import type { UserActor } from "./actor";
import { authorize, can, canView, partiesOf } from "./task";

const person = (id: number, departmentId: number, roles: UserActor["roles"]): UserActor => ({
  kind: "user",
  id,
  openId: `ou_${id}`,
  name: `人员${id}`,
  departmentId,
  roles,
});
const STREET = 1;
const AMR = 2;
const requester = person(1, STREET, [{ role: "member", departmentId: STREET }]);
const streetHead = person(2, STREET, [{ role: "head", departmentId: STREET }]);
const dispatcher = person(3, AMR, [{ role: "dispatcher", departmentId: AMR }]);
const handler = person(4, AMR, [{ role: "handler", departmentId: AMR }]);
const otherHandler = person(5, AMR, [{ role: "handler", departmentId: AMR }]);
const supervisor = person(6, 9, [{ role: "supervisor", departmentId: null }]);
const admin = person(7, 9, [{ role: "admin", departmentId: null }]);

const subject = (assigneeId: number | null, classification: "internal" | "sensitive" = "internal") => ({
  request: { requesterId: requester.id, fromDepartmentId: STREET, classification },
  task: { departmentId: AMR, assigneeId },
});

describe("task policies", () => {
  it("knows each party", () => {
    expect([...partiesOf(requester, subject(null))]).toEqual(["requester"]);
    expect([...partiesOf(dispatcher, subject(null))]).toEqual(["targetDispatcher"]);
    expect([...partiesOf(handler, subject(handler.id))].sort()).toEqual(["assignee", "targetHandler"]);
  });

  it("lets the assignee own the work once named", () => {
    expect(can(handler, "complete", subject(null))).toBe(true);
    expect(can(otherHandler, "complete", subject(handler.id))).toBe(false);
    expect(can(handler, "complete", subject(handler.id))).toBe(true);
  });

  it("explains refusals with who may act", () => {
    expect(() => authorize(handler, "accept", subject(null))).toThrow("您无权签收：只有承办部门收件员或承办部门负责人可以签收。您的身份：承办部门经办人。");
    expect(() => authorize(requester, "approve", subject(null))).toThrow("只有发起部门负责人可以审批同意");
    expect(can(streetHead, "approve", subject(null))).toBe(true);
  });

  it("tells a handler refused because a colleague was named who may act, and points to what they can do", () => {
    const working = { ...subject(handler.id), task: { ...subject(handler.id).task, state: "in_progress" as const, reviewPending: false, arbitrationPending: false, arbitrated: false, transferCount: 0 } };
    expect(() => authorize(otherHandler, "complete", working, "XT-2026-000007")).toThrow(
      "您无权办结：只有该任务的经办人或承办部门负责人可以办结。该任务已指派给其他经办人办理。",
    );
    try {
      authorize(requester, "complete", working, "XT-2026-000007");
    } catch (err) {
      expect(err).toMatchObject({ message: "您无权办结：只有承办部门经办人或承办部门负责人可以办结。您的身份：发起人。您可以催办、撤回、补充说明。", example: "/催办 XT-2026-000007" });
    }
    expect.assertions(2);
  });

  it("shows sensitive requests only to participants, involved heads and supervisors", () => {
    const s = subject(handler.id, "sensitive");
    expect(canView(requester, s.request, [s.task])).toBe(true);
    expect(canView(handler, s.request, [s.task])).toBe(true);
    expect(canView(supervisor, s.request, [s.task])).toBe(true);
    expect(canView(otherHandler, s.request, [s.task])).toBe(false);
    expect(canView(admin, s.request, [s.task])).toBe(false);
    expect(canView(otherHandler, subject(handler.id).request, [s.task])).toBe(true);
  });
});
