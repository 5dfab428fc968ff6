import { randomBytes } from "node:crypto";
import type { Deps } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { runCommand } from "../../src/commands/context";
import { requestApprover } from "../../src/commands/requestApprover";
import { previewCanceller } from "../../src/commands/previewCanceller";
import { previewConfirmer } from "../../src/commands/previewConfirmer";
import { planRequest } from "../../src/commands/requestPlanner";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { completionReviewer } from "../../src/commands/completionReviewer";
import { infoRequester } from "../../src/commands/infoRequester";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { rectificationReviewer } from "../../src/commands/rectificationReviewer";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { taskReturner } from "../../src/commands/taskReturner";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { extensionDecider } from "../../src/commands/extensionDecider";
import { findDepartmentById, loadUserActor } from "../../src/db/repositories/org";
import { DomainError } from "../../src/domain/types";
import type { UserActor } from "../../src/policies/actor";
import { findCommand } from "../commands";
import { previewCard } from "../presenters/cards";
import { handleChatFiles } from "./chatFiles";
import { chatFilesAttacher, KEPT_FILE_TTL_MS } from "../../src/commands/chatFilesAttacher";
import { requestDetail } from "../../src/db/repositories/views";
import { whichRequestCard } from "../presenters/chatFileCard";
import type { BotCardActionEvent, BotMessageEvent, BotReply, CardActionAnswer } from "./types";

export const NOT_REGISTERED = "您还没有登记在协同系统中，暂时不能使用。请联系本单位管理员把您加入组织架构后再试。";

/** What the bot says to a message, or null when the message is not for it (a group message without @). */
export async function handleMessage(deps: Deps, event: BotMessageEvent): Promise<BotReply | null> {
  // A file in a group is for the bot when it replies to one of the bot's cards (a file message cannot @ anyone).
  if (event.chatType === "group" && !event.mentionedBot && !(event.files?.length && event.parentId)) return null;
  // Chat commands never change the organisation: the event's transaction reads it from this server's copy.
  await deps.db.orgCache?.snapshot(deps.db.kysely);
  const actor = await loadUserActor(deps.db.kysely, { openId: event.senderOpenId }, deps.now());
  if (!actor) return { text: NOT_REGISTERED };
  if (event.files?.length) {
    try {
      return await handleChatFiles(deps, actor, event, event.files);
    } catch (err) {
      return { text: explain(err) };
    }
  }
  const text = event.text.trim();
  if (!text) return { text: "您好，我是协同助手。输入 /帮助 查看可以做什么。" };
  const [head = ""] = text.split(/[\s\u3000]+/);
  const slashed = head.startsWith("/") || head.startsWith("／");
  const command = findCommand(slashed ? head.slice(1) : head);
  try {
    if (command) return await command.run({ deps, actor, event }, text.slice(text.indexOf(head) + head.length).trim());
    if (slashed) return { text: `没有「${head}」这个命令。输入 /帮助 查看全部命令，例如：/发起 @市监局 核查某公司营业执照` };
    return await preview(deps, actor, text);
  } catch (err) {
    return { text: explain(err) };
  }
}

/** Free text that reads as a request: a preview to confirm, never a request created at once. */
async function preview(deps: Deps, actor: UserActor, text: string): Promise<BotReply> {
  const from = await findDepartmentById(deps.db.kysely, actor.departmentId);
  try {
    const plan = await planRequest(deps, deps.db.kysely, { text, fromDepartment: from.code });
    return {
      card: previewCard({
        text,
        key: randomBytes(12).toString("base64url"),
        owner: actor.openId,
        targets: plan.targets.map((d) => d.name),
        joint: plan.targets.length > 1,
        dueAt: plan.dueAt.toISOString(),
        ruleName: plan.rule?.name ?? null,
        explanation: plan.explanation,
      }),
    };
  } catch (err) {
    if (err instanceof DomainError && err.code === "no_route") {
      return {
        text: "我没有看出这条消息要发给哪个部门。如需发起协同事项，请写明部门，例如：/发起 @市监局 核查某公司营业执照\n输入 /帮助 查看全部命令。",
      };
    }
    throw err;
  }
}

/** A card button: the same commands and policies as the text, answered at once with a toast and the new card. */
export async function handleCardAction(deps: Deps, event: BotCardActionEvent, render: CardRenderer): Promise<CardActionAnswer> {
  await deps.db.orgCache?.snapshot(deps.db.kysely);
  const actor = await loadUserActor(deps.db.kysely, { openId: event.operatorOpenId }, deps.now());
  if (!actor) return { toast: { type: "error", content: NOT_REGISTERED } };
  const v = event.value;
  const form = event.formValue;
  const str = (x: unknown) => (typeof x === "string" ? x : "");
  const taskRef = { taskId: Number(v.taskId) };
  try {
    switch (v.a) {
      case "accept": {
        const r = await runCommand(deps, actor, taskAccepter, { task: taskRef });
        return { toast: { type: "success", content: `${actedPrefix(r)}已签收` }, card: await render.task(r.task.id) };
      }
      case "return": {
        const r = await runCommand(deps, actor, taskReturner, { task: taskRef, reason: str(form.reason) });
        return { toast: { type: "success", content: `${actedPrefix(r)}已退回` }, card: await render.task(r.task.id) };
      }
      case "transfer": {
        if (!str(form.department).trim()) throw new DomainError("missing_department", "请在「转办时填写部门」中写明转给哪个部门，例如 市税务局。");
        // The command resolves the name after its permission check, so a person who may not transfer is told that.
        const r = await runCommand(deps, actor, taskTransferrer, { task: taskRef, toDepartment: str(form.department).trim(), reason: str(form.reason) });
        return { toast: { type: "success", content: `${actedPrefix(r)}已转办` }, card: await render.task(r.task.id, { readOnly: true }) };
      }
      case "approve":
      case "reject": {
        const r = await runCommand(deps, actor, requestApprover, {
          request: { requestId: Number(v.requestId) },
          decision: v.a,
          comment: str(form.comment),
        });
        return { toast: { type: "success", content: `${actedPrefix(r)}${v.a === "approve" ? "已同意" : "已驳回"}` }, card: await render.approval(r.request.id) };
      }
      case "complete": {
        const r = await runCommand(deps, actor, taskCompleter, { task: taskRef, result: str(form.result) });
        const toast = r.task.reviewPending ? "已提交办结结果，等待本部门负责人确认" : "已办结，发起人已收到办理结果";
        return { toast: { type: "success", content: actedPrefix(r) + toast }, card: await render.handler(r.task.id) };
      }
      case "request_info": {
        const r = await runCommand(deps, actor, infoRequester, { task: taskRef, question: str(form.question) });
        return { toast: { type: "success", content: `${actedPrefix(r)}已请发起人补正，补正期间暂停计时` }, card: await render.handler(r.task.id) };
      }
      case "confirm":
      case "send_back": {
        const decision = v.a === "confirm" ? "confirm" : "sendBack";
        const r = await runCommand(deps, actor, completionReviewer, { task: taskRef, decision, comment: str(form.comment) });
        return { toast: { type: "success", content: `${actedPrefix(r)}${decision === "confirm" ? "已确认办结" : "已退回重办"}` }, card: await render.review(r.task.id) };
      }
      case "rate": {
        const r = await runCommand(deps, actor, taskEvaluator, { task: taskRef, score: Number(v.score), comment: str(form.comment) });
        return { toast: { type: "success", content: "感谢您的评价" }, card: await render.completion(r.task.id) };
      }
      case "rect_confirm":
      case "rect_dispute": {
        // A second click (or a click after a reply in chat) is told it was already done, with the card as it is now.
        const r = await runCommand(deps, actor, rectificationReviewer, { task: taskRef, verdict: v.a === "rect_confirm" ? "confirm" : "dispute", reason: str(form.reason) }).catch(
          async (err: unknown) => {
            if (err instanceof DomainError && err.code === "not_allowed") return { repeated: err };
            throw err;
          },
        );
        if ("repeated" in r) return { toast: { type: "info", content: r.repeated.message }, card: await render.rectification(taskRef.taskId) };
        return { toast: { type: "success", content: v.a === "rect_confirm" ? "已确认整改" : "已提出异议，督查将裁定" }, card: await render.rectification(r.task.id) };
      }
      case "ext_approve":
      case "ext_refuse": {
        // This card's own 延期申请: a second click (or one after a decision in chat) is told it was already decided.
        const extensionId = Number(v.extensionId);
        const approve = v.a === "ext_approve";
        const r = await runCommand(deps, actor, extensionDecider, { task: taskRef, approve, comment: str(form.comment), extensionId }).catch((err: unknown) => {
          if (err instanceof DomainError && (err.code === "already_done" || err.code === "not_allowed")) return { repeated: err };
          throw err;
        });
        if ("repeated" in r) return { toast: { type: "info", content: "该延期申请已审批，无需重复操作。" }, card: await render.extension(taskRef.taskId, extensionId) };
        return { toast: { type: "success", content: approve ? "已同意延期" : "已不同意延期" }, card: await render.extension(r.task.id, extensionId) };
      }
      case "preview_confirm": {
        const decision = previewDecision(v, event);
        const cancelled = previewCard({ ...NOTHING_PREVIEWED, text: decision.text, dueAt: deps.now().toISOString(), status: "cancelled" });
        const r = await runCommand(deps, actor, previewConfirmer, decision).catch((err: unknown) => {
          if (err instanceof DomainError && err.code === "preview_cancelled") return err;
          throw err;
        });
        if (r instanceof DomainError) return { toast: { type: "error", content: explain(r) }, card: cancelled };
        return {
          toast: r.created ? { type: "success", content: `已发起 ${r.number}` } : { type: "info", content: `该预览已发起为 ${r.number}，未重复发起。` },
          card: previewCard({ text: decision.text, ...r.summary, status: "confirmed", number: r.number }),
        };
      }
      case "chatfile_attach": {
        // Only the person the files are kept for; a request they may not see is "not found" (no hint it exists).
        if (str(v.o) !== actor.openId) return { toast: { type: "error", content: "这是发给其他人的选择卡片，您不能操作。" } };
        const number = str(v.number);
        const detail = await requestDetail(deps.db.kysely, actor, number);
        if (!detail) throw new DomainError("not_found", `找不到编号为 ${number} 的协同事项，或您无权查看。`);
        const r = await runCommand(deps, actor, chatFilesAttacher, { requestId: detail.id, notify: true, withinMs: KEPT_FILE_TTL_MS });
        const count = r.names.length + r.downloading;
        if (!count) return { toast: { type: "info", content: `没有待附的文件（保留 ${KEPT_FILE_TTL_MS / 3600_000} 小时，可能已附上或已过期）。请重新发送文件。` } };
        const what = detail.classification === "sensitive" || !r.names.length ? `${count} 个文件` : r.names.map((n) => `「${n}」`).join("、");
        return { toast: { type: "success", content: `已附到 ${number}` }, card: whichRequestCard({ file: what, choices: [], owner: actor.openId, attachedTo: number }) };
      }
      case "preview_edit":
        return { toast: { type: "info", content: `请修改后重新发送，例如：/发起 @部门 ${str(v.text)}` } };
      case "preview_cancel": {
        const decision = previewDecision(v, event);
        const r = await runCommand(deps, actor, previewCanceller, decision);
        if (r.status === "confirmed") {
          return {
            toast: { type: "error", content: `该预览已发起为 ${r.number}，不能取消。如需撤回，请发送：/撤回 ${r.number} 撤回原因` },
            card: previewCard({ text: decision.text, ...r.summary, status: "confirmed", number: r.number }),
          };
        }
        const card = previewCard({ ...NOTHING_PREVIEWED, text: decision.text, dueAt: deps.now().toISOString(), status: "cancelled" });
        return { toast: { type: "info", content: "已取消" }, card };
      }
      default:
        return { toast: { type: "error", content: "这个按钮已失效，请在小程序中操作。" } };
    }
  } catch (err) {
    return { toast: { type: "error", content: explain(err) } };
  }
}

const NOTHING_PREVIEWED = { targets: [], joint: false, ruleName: null, explanation: "" };

/**
 * What a click on a preview card decides on: the key the card is used once by (the one it carries, or for cards
 * sent before keys, the message itself) and its text. Only the person who sent the text may decide (in a group
 * others see the card too).
 */
function previewDecision(v: Record<string, unknown>, event: BotCardActionEvent): { key: string; text: string } {
  const text = typeof v.text === "string" ? v.text : "";
  if (typeof v.o === "string" && v.o !== event.operatorOpenId) {
    throw new DomainError("not_yours", "这张预览卡片不是您发送的内容，只有发送者可以确认或取消。如需发起，请自己发送。", { example: `/发起 ${text}` });
  }
  if (typeof v.p === "string" && v.p) return { key: v.p, text };
  if (event.messageId) return { key: `msg:${event.messageId}`, text };
  throw new DomainError("preview_expired", "这个预览已失效，请重新发送内容。", { example: "/发起 @市监局 核查某公司营业执照" });
}

/** Renders the current state of the cards a click may change (bot/lark/render.ts implements it). */
export interface CardRenderer {
  task(taskId: number, opts?: { readOnly?: boolean }): Promise<Record<string, unknown>>;
  approval(requestId: number): Promise<Record<string, unknown>>;
  completion(taskId: number): Promise<Record<string, unknown>>;
  /** the handler's card: 办结 / 要求补正 */
  handler(taskId: number): Promise<Record<string, unknown>>;
  /** the target head's card: 确认办结 / 退回重办 */
  review(taskId: number): Promise<Record<string, unknown>>;
  rectification(taskId: number): Promise<Record<string, unknown>>;
  /** the decider's 延期申请 card: 同意延期 / 不同意 */
  extension(taskId: number, extensionId: number): Promise<Record<string, unknown>>;
}

/** A refusal in the person's words: what was wrong, and a correct example when there is one. */
export function explain(err: unknown): string {
  if (err instanceof DomainError) return err.example ? `${err.message}\n正确示例：${err.example}` : err.message;
  console.error(err);
  return "抱歉，处理时出现了系统错误，请稍后再试；如果问题持续，请联系管理员。";
}
