import { localDate } from "../domain/calendar";
import { deriveRequestStatus } from "../domain/taskTransitions";
import type { RequestForm } from "../domain/requestText";
import { DomainError, type Classification, type RequestSource } from "../domain/types";
import { randomUUID } from "node:crypto";
import { requestChain, shareAppendLock, startChain } from "../db/repositories/audit";
import { numberRequest } from "../db/repositories/numbering";
import { findDepartmentByCode, findDepartmentById } from "../db/repositories/org";
import { enqueueMessages, type OutgoingMessage } from "../db/repositories/outbox";
import type { RequestRow, TaskRow } from "../db/tables";
import { hasDepartmentRole } from "../policies/actor";
import { canRaiseFrom } from "../policies/task";
import type { Command } from "./context";
import { acceptDeadline } from "./escalationPolicy";
import { announceTask, departmentRecipients, messageFor, peopleRecipients } from "./notifications";
import { planRequest, type RequestPlan } from "./requestPlanner";

export interface CreateRequestInput {
  /** what follows /发起: targets, content, #类别, 截止:…, !紧急 (ignored when `form` is given) */
  text: string;
  /** the structured 发起 form (mini-app, API) instead of the text */
  form?: RequestForm | undefined;
  classification?: Classification | undefined;
  source: RequestSource;
}

export interface CreatedRequest {
  request: RequestRow;
  tasks: TaskRow[];
  plan: RequestPlan;
}

/**
 * 发起: routes the text, numbers the request, creates one task per target department (the lead first), and
 * either asks the requesting head for approval or announces the tasks to their departments.
 */
export const requestCreator: Command<CreateRequestInput, CreatedRequest> = async (deps, ctx, input) => {
  const { actor, trx } = ctx;
  if (actor.kind !== "user") throw new DomainError("forbidden", "只有登记在册的人员可以发起协同事项。");
  if (!canRaiseFrom(actor, actor.departmentId)) {
    throw new DomainError("forbidden", "您在本部门没有可发起协同事项的角色，请联系管理员。");
  }
  // The organisation from this server's copy (one version check per transaction), see src/db/repositories/orgCache.ts.
  await deps.db.orgCache?.snapshot(trx);
  const fromDepartment = await findDepartmentById(trx, actor.departmentId);
  const plan = await planRequest(deps, trx, { text: input.text, form: input.form, fromDepartment: fromDepartment.code });
  const at = plan.submittedAt;
  // A head raising a request has approved it by raising it.
  const needsApproval = plan.policy.outboundApproval && !hasDepartmentRole(actor, "head", fromDepartment.id);
  const initial = needsApproval ? "pending_approval" : "pending_accept";
  const year = Number(localDate(at, deps.config.deadline).slice(0, 4));
  await shareAppendLock(trx);
  // Numbered after its other rows (numberRequest below), or by the transaction's last statement when it ends in one:
  // until then the row carries a placeholder no one else can see, and so does whatever records the number.
  const placeholder = `~${randomUUID()}`;
  const inserted = await trx
    .insertInto("requests")
    .values({
      number: placeholder,
      title: plan.text.title,
      body: plan.text.content,
      category: plan.category,
      priority: plan.priority,
      classification: input.classification ?? "internal",
      source: input.source,
      status: deriveRequestStatus([initial]),
      requesterId: actor.id,
      fromDepartmentId: fromDepartment.id,
      ruleId: plan.rule?.id ?? null,
      dueAt: plan.dueAt,
      createdAt: at,
      updatedAt: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const acceptDueAt =
    initial === "pending_accept"
      ? await acceptDeadline(trx, deps, {
          ruleCode: plan.rule?.code ?? null,
          ruleAcceptWorkingDays: plan.rule?.action.acceptWorkingDays,
          priority: plan.priority,
          dueAt: plan.dueAt,
          at,
        })
      : null;
  const tasks = await trx
    .insertInto("tasks")
    .values(
      plan.targets.map((d) => ({
        requestId: inserted.id,
        departmentId: d.id,
        fromDepartmentId: inserted.fromDepartmentId,
        role: d.id === plan.lead.id ? ("lead" as const) : ("supporting" as const),
        state: initial,
        ruleId: plan.rule?.id ?? null,
        slaWorkingDays: plan.policy.slaWorkingDays,
        outboundApproval: plan.policy.outboundApproval,
        completionReview: plan.policy.completionReview,
        dueAt: plan.dueAt,
        originalDueAt: plan.dueAt,
        acceptDueAt,
        createdAt: at,
        updatedAt: at,
      })),
    )
    .returningAll()
    .execute();
  tasks.sort((a, b) => (a.role === b.role ? a.id - b.id : a.role === "lead" ? -1 : 1));
  const number = await numberRequest(trx, inserted.id, placeholder, deps.config.requestNumberPrefix, year);
  const request: RequestRow = { ...inserted, number };
  await startChain(trx, {
    chain: requestChain(request.id),
    requestId: request.id,
    actorId: actor.id,
    actorName: actor.name,
    action: "create",
    toState: initial,
    data: {
      number: request.number,
      targets: plan.targets.map((d) => d.code),
      lead: plan.lead.code,
      rule: plan.rule ? { code: plan.rule.code, version: plan.rule.version } : null,
      policy: plan.policy,
      dueAt: plan.dueAt.toISOString(),
      missingYears: plan.missingYears,
      source: input.source,
      autoApproved: plan.policy.outboundApproval && !needsApproval,
    },
    at,
  });
  const messages: OutgoingMessage[] = [];
  if (needsApproval) {
    messages.push(
      ...(await messageFor(trx, "request.approval_requested", await peopleRecipients(trx, fromDepartment.id, ["head"]), request, null, {
        text: `${actor.name} 发起了协同事项，需要您审批后发出。`,
        requesterName: actor.name,
        targets: plan.targets.map((d) => d.name),
        cardKey: `request:${request.id}:approval`,
      })),
    );
  } else {
    for (const task of tasks) messages.push(...(await announceTask(trx, request, task, "新的协同事项，请签收")));
  }
  for (const code of plan.rule?.action.cc ?? []) {
    const cc = await findDepartmentByCode(trx, code);
    if (!cc) continue;
    messages.push(
      ...(await messageFor(trx, "request.cc", await departmentRecipients(trx, cc.id), request, null, {
        text: `抄送：${fromDepartment.name} 发起了协同事项，供知悉。`,
      })),
    );
  }
  await enqueueMessages(trx, messages, at);
  return { request, tasks, plan };
};
