import { APPEAL_STATES, DISPUTE_DECISIONS, RECTIFICATION_STATES } from "../domain/rectification";
import { z } from "zod";
import { TRANSITIONS, type TaskAction } from "../domain/taskTransitions";
import { CLASSIFICATIONS, PRIORITIES, TASK_STATES } from "../domain/types";

// The shapes the JSON API answers with. They document the API (OpenAPI at /api/docs); the API tests parse real
// answers with them (strictly: an unknown or missing field fails), so the documentation stays true.

const iso = z.string().meta({ description: "ISO 8601 时间，含时区", example: "2026-11-26T09:30:00.000Z" });
const state = z.enum(TASK_STATES).meta({ description: "状态：pending_approval 待审批、pending_accept 待签收、in_progress 办理中、awaiting_info 待补正、returned 已退回、completed 已办结、rejected 已驳回、cancelled 已撤回" });
const action = z.enum(Object.keys(TRANSITIONS) as [TaskAction, ...TaskAction[]]);
const dept = z.strictObject({ code: z.string(), name: z.string() });

export const SettingsSchema = z.strictObject({
  dailyDigest: z.boolean().meta({ description: "每日待办提醒：每个工作日早上发来临期、超期的任务清单；false 为不接收" }),
});

const personRef = z.strictObject({ openId: z.string(), name: z.string() });
export const DelegationSchema = z.strictObject({
  id: z.number().int(),
  delegator: personRef.meta({ description: "委托人" }),
  deputy: personRef.meta({ description: "代理人" }),
  category: z.string().nullable().meta({ description: "只代理这一类别的事项；null 为全部事项" }),
  startsAt: iso.meta({ description: "开始（首日 0 时）" }),
  endsAt: iso.meta({ description: "结束（末日次日 0 时，不含），到期自动结束" }),
  createdBy: z.string(),
});

export const MeSchema = z.strictObject({
  openId: z.string(),
  name: z.string(),
  department: dept,
  roles: z.array(z.strictObject({ role: z.string(), department: z.string().nullable().meta({ description: "部门编码；全局角色（admin、supervisor）为 null" }) })),
  settings: SettingsSchema,
  delegations: z.strictObject({
    given: z.array(DelegationSchema).meta({ description: "我委托他人代理、正在生效的" }),
    received: z.array(DelegationSchema).meta({ description: "我正在代理他人的" }),
  }),
});

export const SignedInSchema = z.strictObject({ me: MeSchema, csrfToken: z.string(), expiresAt: iso });
export const MeWithCsrfSchema = MeSchema.extend({ csrfToken: z.string().nullable() });

/** 红黄绿灯 and the 签收时限, wherever a task's deadline is shown. */
const lightFields = {
  light: z.enum(["green", "yellow", "red"]).meta({ description: "红黄绿灯：green 正常，yellow 临期或签收超时，red 超期（办结后曾超期的仍为 red）" }),
  lightText: z.string().meta({ description: "灯的文字说明，如 正常、临期、签收超时、超期 2 个工作日、超期办结（超期 1 个工作日）" }),
  acceptDueAt: iso.nullable().meta({ description: "签收时限（到达承办部门后 N 个工作日，默认 1）；尚未到达时为 null" }),
};

export const InboxItemSchema = z.strictObject({
  taskId: z.number().int(),
  number: z.string(),
  title: z.string().meta({ description: "涉密事项对无权查看的人显示为（涉密事项）" }),
  state,
  role: z.enum(["lead", "supporting"]).meta({ description: "lead 主办，supporting 协办" }),
  category: z.string().nullable(),
  dueAt: iso,
  ...lightFields,
  fromDepartment: dept,
});

export const RequestItemSchema = z.strictObject({
  number: z.string(),
  title: z.string(),
  status: state,
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  dueAt: iso,
  light: lightFields.light,
  lightText: lightFields.lightText,
  createdAt: iso,
});

export const PendingItemSchema = z.strictObject({ taskId: z.number().int(), number: z.string(), title: z.string(), state, dueAt: iso, department: z.string(), ...lightFields });

export const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), next: z.string().nullable().meta({ description: "下一页的 cursor；最后一页为 null" }) });

export const PendingWorkSchema = z.strictObject({
  approvals: z.array(PendingItemSchema).meta({ description: "待我审批（本部门发出、需负责人同意）" }),
  toAccept: z.array(PendingItemSchema).meta({ description: "本部门待签收" }),
  toAssign: z.array(PendingItemSchema).meta({ description: "本部门已签收、尚未指派经办人（负责人、收件员）" }),
  toHandle: z.array(PendingItemSchema).meta({ description: "我经办的，以及本部门未指派经办人的（我是经办人时）" }),
  toConfirm: z
    .array(PendingItemSchema.extend({ result: z.string().meta({ description: "经办人提交的办理结果" }) }))
    .meta({ description: "本部门经办人已提交办理结果、等我（负责人）确认办结或退回重办" }),
  toSupply: z.array(PendingItemSchema).meta({ description: "承办部门要求我补正" }),
  toRectify: z.array(PendingItemSchema).meta({ description: "本部门待答复的差评整改（负责人、收件员）；dueAt 为整改期限" }),
  toConfirmRectification: z.array(PendingItemSchema).meta({ description: "承办部门已答复、待我确认或提出异议的整改" }),
  toDecide: z.array(PendingItemSchema).meta({ description: "待督查裁定的整改异议与评价申诉" }),
});

const supervisionStatus = z.strictObject({
  status: z.enum(["none", "open", "closed"]).meta({ description: "none 未督办，open 督办中，closed 已销号" }),
  text: z.string().meta({ description: "督办状态的文字：未督办、督办中（自 12月3日 起，2 条意见）、已销号" }),
  since: iso.nullable().meta({ description: "督办中时，开始督办的时间" }),
  instructions: z.number().int().meta({ description: "督办中时，已下达的督办意见条数" }),
});

const supervisionRecord = z.strictObject({
  id: z.number().int(),
  openedBy: z.string().meta({ description: "开启督办的督查人员，或 系统（时限督办）" }),
  system: z.boolean().meta({ description: "由时限督办自动开启" }),
  openedAt: iso,
  closedAt: iso.nullable().meta({ description: "销号时间；督办中为 null" }),
  closeReason: z.string().nullable().meta({ description: "销号原因，如 办结、确认办结、撤回" }),
  reopenedCount: z.number().int().meta({ description: "办结后被重新督办的次数" }),
  instructions: z.array(z.strictObject({ by: z.string(), text: z.string(), at: iso })),
});

export const RequestDetailSchema = z.strictObject({
  number: z.string(),
  title: z.string(),
  body: z.string(),
  status: state,
  priority: z.enum(PRIORITIES),
  classification: z.enum(CLASSIFICATIONS),
  dueAt: iso,
  createdAt: iso,
  requester: z.string(),
  fromDepartment: z.string(),
  actions: z.array(action).meta({ description: "当前查看人此刻可以对整个事项做的操作（approve、reject、withdraw、urge、comment）" }),
  tasks: z.array(
    z.strictObject({
      id: z.number().int(),
      department: z.string(),
      departmentCode: z.string(),
      role: z.enum(["lead", "supporting"]),
      state,
      dueAt: iso,
      ...lightFields,
      assignee: z.string().nullable(),
      result: z.string().nullable(),
      originalDueAt: iso.meta({ description: "最初承诺的办结时限；延期后 dueAt 为新的时限" }),
      extensionCount: z.number().int().min(0).meta({ description: "已同意的延期次数" }),
      extensions: z
        .array(
          z.strictObject({
            id: z.number().int(),
            state: z.enum(["pending", "approved", "refused"]).meta({ description: "pending 待审批、approved 已同意、refused 不同意" }),
            label: z.string(),
            previousDueAt: iso,
            requestedDueAt: iso,
            grantedDueAt: iso.nullable(),
            reason: z.string(),
            decisionComment: z.string().nullable(),
            createdAt: iso,
          }),
        )
        .meta({ description: "该任务的延期申请，按申请先后排列" }),
      reviewPending: z.boolean().meta({ description: "办结结果等待本部门负责人确认" }),
      arbitrationPending: z.boolean().meta({ description: "连续被两个部门退回，等待督查指定" }),
      evaluation: z
        .strictObject({ score: z.number().int().min(1).max(5), label: z.string(), comment: z.string().nullable() })
        .nullable()
        .meta({ description: "发起人的评价；未评价为 null" }),
      rectification: z
        .strictObject({
          state: z.enum(RECTIFICATION_STATES).meta({ description: "open 待整改、answered 待发起人确认、confirmed 已确认、disputed 有异议待督查裁定、resolved 督查已裁定" }),
          label: z.string(),
          dueAt: iso,
          answer: z.string().nullable(),
          answeredAt: iso.nullable(),
          onTime: z.boolean().nullable().meta({ description: "是否在整改期限内答复；未答复为 null" }),
          disputeReason: z.string().nullable(),
          decision: z.enum(DISPUTE_DECISIONS).nullable().meta({ description: "督查裁定：upheld 异议成立，not_upheld 异议不成立" }),
          decisionLabel: z.string().nullable(),
          decisionComment: z.string().nullable(),
        })
        .nullable()
        .meta({ description: "差评（2 分及以下）开启的整改事项；没有为 null" }),
      appeal: z
        .strictObject({
          state: z.enum(APPEAL_STATES).meta({ description: "pending 待裁定、excluded 不计入统计、kept 维持评价" }),
          label: z.string(),
          reason: z.string().nullable(),
          decisionComment: z.string().nullable(),
          excluded: z.boolean().meta({ description: "该评价是否已不计入统计" }),
        })
        .nullable()
        .meta({ description: "承办部门对评价的申诉；没有为 null" }),
      actions: z.array(action).meta({ description: "当前查看人此刻可以对该任务做的操作" }),
      supervision: supervisionStatus,
      supervisions: z.array(supervisionRecord).meta({ description: "该任务的督办记录，早的在前" }),
    }),
  ),
  timeline: z.array(
    z.strictObject({
      seq: z.number().int(),
      at: iso,
      actor: z.string(),
      action: z.string(),
      department: z.string().nullable().meta({ description: "记录当时该任务所在的部门（此后转办也不改变）" }),
      toDepartment: z.string().nullable().meta({ description: "转办、指定时任务转至的部门；其余为 null" }),
      from: z.string().nullable(),
      to: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
  comments: z.array(z.strictObject({ id: z.number().int(), kind: z.string(), body: z.string(), author: z.string(), at: iso })),
});

export const SupervisionItemSchema = z.strictObject({
  taskId: z.number().int(),
  number: z.string(),
  title: z.string(),
  priority: z.enum(PRIORITIES),
  priorityLabel: z.string(),
  state,
  toDepartment: dept,
  fromDepartment: dept,
  assignee: z.string().nullable().meta({ description: "经办人；未指派为 null" }),
  dueAt: iso,
  ...lightFields,
  supervision: supervisionStatus,
});

/** 事项检索: a request as the supervisors' search lists it. */
export const SearchItemSchema = RequestItemSchema.extend({
  classification: z.enum(CLASSIFICATIONS).meta({ description: "密级；涉密事项只出现在有权查看的人的结果中" }),
  fromDepartment: dept,
  departments: z.array(dept).meta({ description: "承办部门（主办在前）" }),
});

export const SupervisedSchema = z.strictObject({
  taskId: z.number().int(),
  state,
  opened: z.boolean().meta({ description: "true：本次开启督办；false：在督办中的任务上追加意见" }),
  instructions: z.number().int().meta({ description: "该督办已有的意见条数" }),
});

export const BoardSchema = z.strictObject({
  scope: z.enum(["all", "mine"]).meta({ description: "督查看到全部，其他人只看到与本部门有关的格子" }),
  cells: z.array(
    z.strictObject({
      from: dept,
      to: dept,
      open: z.number().int(),
      overdue: z.number().int().meta({ description: "已超期（红灯；待补正暂停计时的不算）" }),
      dueSoon: z.number().int().meta({ description: "临期（黄灯）：尚未到期、已进入提醒时段" }),
    }),
  ),
});

const actedAs = z.string().optional().meta({ description: "代理人代为操作时，记为「X（代 Y）」；本人操作时没有此项" });
export const TaskResultSchema = z.strictObject({ taskId: z.number().int(), state, actedAs });
export const RequestResultSchema = z.strictObject({ number: z.string(), status: state, actedAs });
export const OkSchema = z.strictObject({ ok: z.literal(true) });
export const UrgedSchema = z.strictObject({ ok: z.literal(true), urged: z.number().int().meta({ description: "催办了几个部门的任务" }) });
export const CommentedSchema = z.strictObject({ ok: z.literal(true), commentId: z.number().int() });

export const DepartmentSchema = z.strictObject({ code: z.string(), name: z.string(), aliases: z.array(z.string()), parent: z.string().nullable() });
export const PersonSchema = z.strictObject({ openId: z.string(), name: z.string(), roles: z.array(z.string()) });

export const CreatedRequestSchema = z.strictObject({
  number: z.string(),
  status: state,
  dueAt: iso,
  targets: z.array(dept.extend({ role: z.enum(["lead", "supporting"]) })),
});

export const PlanSchema = z.strictObject({
  targets: z.array(dept),
  lead: dept,
  rule: z.strictObject({ code: z.string(), version: z.number().int() }).nullable(),
  policy: z.record(z.string(), z.unknown()),
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  dueAt: iso,
  missingYears: z.array(z.number().int()),
  explanation: z.string(),
});

const importEntry = z.strictObject({ kind: z.string().meta({ description: "department、user、rule 或 holiday" }), key: z.string().meta({ description: "编码、openId 或日期" }) });
export const ImportReportSchema = z.strictObject({
  applied: z.boolean().meta({ description: "是否已生效；有任何一项被拒绝时为 false，且不做任何改动" }),
  created: z.array(importEntry),
  updated: z.array(importEntry),
  unchanged: z.array(importEntry),
  rejected: z.array(importEntry.extend({ reason: z.string() })),
});

export const HealthSchema = z.strictObject({ ok: z.literal(true), database: z.enum(["pglite", "postgres"]), latencyMs: z.number().int() });

const readinessCheck = z.strictObject({
  ok: z.boolean(),
  code: z.string().optional().meta({ description: "未通过时的英文错误码：database_unreachable、migrations_pending、platform_token_failed、not_checked" }),
  message: z.string().optional().meta({ description: "未通过时的中文说明" }),
});
const readinessChecks = z.strictObject({
  database: readinessCheck.meta({ description: "数据库可以连接" }),
  migrations: readinessCheck.meta({ description: "数据库结构已迁移到本版本（npm run migrate）" }),
  platform: readinessCheck.optional().meta({ description: "能取得飞书应用的 tenant_access_token（配置了飞书应用或运行沙箱时才检查）" }),
});
export const ReadySchema = z.strictObject({ ok: z.literal(true), checks: readinessChecks });
export const NotReadySchema = z.strictObject({
  ok: z.literal(false),
  checks: readinessChecks,
  error: z.strictObject({ code: z.literal("not_ready"), message: z.string() }),
});

/** The OpenAPI document itself (its parts are described by the OpenAPI 3.1 specification). */
export const OpenApiSchema = z.looseObject({ openapi: z.literal("3.1.0"), info: z.record(z.string(), z.unknown()), paths: z.record(z.string(), z.unknown()) });

export const AttachmentSchema = z.strictObject({
  id: z.number().int(),
  name: z.string().meta({ description: "文件名（已去除路径与不安全字符）" }),
  size: z.number().int().meta({ description: "字节数" }),
  mime: z.string().meta({ description: "按文件内容识别的类型，如 application/pdf" }),
  sha256: z.string().meta({ description: "内容的 SHA-256（十六进制），可用于核对下载是否完整" }),
  attachedTo: z.enum(["request", "comment", "info_supply", "completion", "rectification"]).meta({ description: "附在何处：request 事项、comment 补充、info_supply 补正、completion 办结结果、rectification 整改" }),
  taskId: z.number().int().nullable(),
  uploader: z.string().meta({ description: "上传人姓名" }),
  source: z.enum(["chat", "miniapp", "api"]),
  createdAt: iso,
  url: z.string().meta({ description: "下载地址；加 ?inline=1 时图片与 PDF 可在页面中预览" }),
  previewable: z.boolean().meta({ description: "图片或 PDF，可预览" }),
});
export const AttachmentListSchema = z.strictObject({ items: z.array(AttachmentSchema) });
