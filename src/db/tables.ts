import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type {
  Classification,
  Priority,
  RequestSource,
  Role,
  RuleAction,
  RuleMatch,
  TaskState,
} from "../domain/types";
import type { AppealState, DisputeDecision, RectificationState } from "../domain/rectification";

// Column names are snake_case in SQL and camelCase here (CamelCasePlugin).

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  parentId: number | null;
  chatId: string | null;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
  /** 省/市/县区/乡镇 level of a government (null: an agency under one) */
  level: ColumnType<DepartmentLevel | null, DepartmentLevel | null | undefined, DepartmentLevel | null>;
  /** who gets an accepted task when the accepting person names nobody */
  assignmentMode: ColumnType<AssignmentMode, AssignmentMode | undefined, AssignmentMode>;
  /** round-robin: the handler assigned last */
  lastAssignedUserId: ColumnType<number | null, number | null | undefined, number | null>;
}

export type DepartmentLevel = "province" | "city" | "county" | "township";
export type { AssignmentMode } from "../domain/assignment";
import type { AssignmentMode } from "../domain/assignment";

export interface UserTable {
  id: Generated<number>;
  openId: string;
  name: string;
  departmentId: number;
  active: Generated<boolean>;
  /** gets the morning list of what is due soon or overdue (opt-out per person) */
  dailyDigest: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
  /** on leave: skipped by auto-assignment */
  onLeave: Generated<boolean>;
  /** org sync found them gone from the platform directory (their roles were removed; the row stays) */
  leftAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** 代理: the deputy receives and may act on what the delegator would, for a date range (and maybe one category). */
export interface DelegationTable {
  id: Generated<number>;
  delegatorId: number;
  deputyId: number;
  category: string | null;
  startsAt: Timestamp;
  endsAt: Timestamp;
  createdBy: string;
  createdAt: Timestamp;
  revokedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface UserRoleTable {
  id: Generated<number>;
  userId: number;
  role: Role;
  departmentId: number | null;
}

export interface RoutingRuleTable {
  id: Generated<number>;
  code: string;
  version: number;
  name: string;
  priority: number;
  enabled: boolean;
  match: Json<RuleMatch>;
  action: Json<RuleAction>;
  isCurrent: boolean;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface RequestCounterTable {
  prefix: string;
  year: number;
  lastValue: number;
}

export type RequestStatus = TaskState | "partially_completed";

export interface RequestTable {
  id: Generated<number>;
  number: string;
  title: string;
  body: string;
  category: string | null;
  priority: Priority;
  classification: Classification;
  source: RequestSource;
  status: string;
  requesterId: number;
  fromDepartmentId: number;
  ruleId: number | null;
  dueAt: Timestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  closedAt: Timestamp | null;
}

/** open tasks per (target, requesting) department pair, kept by triggers on tasks (migration 2026_12_06_0110) */
export interface BoardCountTable {
  departmentId: number;
  fromDepartmentId: number;
  open: number;
  /** of them, not paused for 补正 (their clock runs) */
  running: number;
}

export interface TaskTable {
  id: Generated<number>;
  requestId: number;
  departmentId: number;
  /** the requesting department (the request's from_department_id), set at insert */
  fromDepartmentId: number;
  role: "lead" | "supporting";
  state: TaskState;
  assigneeId: number | null;
  ruleId: number | null;
  slaWorkingDays: number;
  outboundApproval: boolean;
  completionReview: boolean;
  dueAt: Timestamp;
  pausedAt: Timestamp | null;
  reviewPending: Generated<boolean>;
  transferCount: Generated<number>;
  notOursStreak: Generated<number>;
  arbitrationPending: Generated<boolean>;
  arbitrated: Generated<boolean>;
  result: string | null;
  lastReason: string | null;
  lastUrgedAt: Timestamp | null;
  acceptedAt: Timestamp | null;
  completedAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** 签收时限: by when the department must accept (set when the task reaches pending_accept) */
  acceptDueAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** was overdue at some point (set by the sweep, or on a late completion); kept after it is done */
  everRed: Generated<boolean>;
  /** when the 临期 window opens under the task's policy (set by the sweep when it arms the steps) */
  dueSoonAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  escalationsArmedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** the 办结时限 set at creation, kept for statistics when extensions move due_at */
  originalDueAt: Timestamp;
  extensionCount: Generated<number>;
  /** a 延期申请 waits for its decision */
  extensionPending: Generated<boolean>;
}

export interface AuditEventTable {
  id: Generated<number>;
  chain: string;
  seq: number;
  requestId: number | null;
  taskId: number | null;
  actorId: number | null;
  actorName: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  data: Json<Record<string, unknown>>;
  createdAt: Timestamp;
  prevHash: string;
  hash: string;
}

/** One anchor of the audit trail: the chain heads that moved since the previous checkpoint, keyed (HMAC). */
export interface AuditCheckpointTable {
  id: Generated<number>;
  seq: number;
  takenAt: Timestamp;
  chainCount: number;
  recordCount: number;
  lastEventId: number;
  /** chain -> [seq, hash] of its head, for the chains that moved */
  heads: Json<Record<string, [number, string]>>;
  digest: string;
  prevHmac: string;
  hmac: string;
  keyId: string;
}

export interface CommentTable {
  id: Generated<number>;
  requestId: number;
  taskId: number | null;
  authorId: number;
  kind: "comment" | "info_request" | "info_supply";
  body: string;
  createdAt: Timestamp;
}

export const ATTACHED_TO = ["request", "comment", "info_supply", "completion", "rectification"] as const;
export type AttachedTo = (typeof ATTACHED_TO)[number];

export interface AttachmentTable {
  id: Generated<number>;
  requestId: number;
  taskId: number | null;
  attachedTo: AttachedTo;
  uploaderId: number;
  /** sanitised (src/storage/fileKind.ts) */
  name: string;
  size: number;
  /** detected from the content */
  mime: string;
  sha256: string;
  source: "chat" | "miniapp" | "api";
  createdAt: Timestamp;
}

/** A file sent to the bot before it knew the request: joins one by /附件 编号 or a /发起 right after. */
export interface ChatFileTable {
  id: Generated<number>;
  uploaderId: number;
  chatId: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  createdAt: Timestamp;
  attachmentId: number | null;
}

/** A file sent in chat, queued for the download job (src/commands/chatFileDownloads.ts). */
export interface ChatFileDownloadTable {
  id: Generated<number>;
  uploaderId: number;
  uploaderOpenId: string;
  chatId: string;
  messageId: string;
  fileKey: string;
  kind: "file" | "image";
  name: string;
  requestId: number | null;
  status: "queued" | "done" | "refused" | "failed";
  attempts: Generated<number>;
  nextAttemptAt: Timestamp;
  lastError: string | null;
  createdAt: Timestamp;
  finishedAt: Timestamp | null;
}

export interface EvaluationTable {
  id: Generated<number>;
  taskId: number;
  requestId: number;
  raterId: number;
  score: number;
  comment: string | null;
  createdAt: Timestamp;
  /** 申诉 by the rated department: pending, then excluded (from statistics) or kept by a supervisor */
  appealState: ColumnType<AppealState | null, AppealState | null | undefined, AppealState | null>;
  appealReason: ColumnType<string | null, string | null | undefined, string | null>;
  appealedBy: ColumnType<number | null, number | null | undefined, number | null>;
  appealedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  appealDecisionComment: ColumnType<string | null, string | null | undefined, string | null>;
  appealDecidedByName: ColumnType<string | null, string | null | undefined, string | null>;
  appealDecidedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** excluded from every average and count of ratings (src/db/repositories/evaluations.ts) */
  excludedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  excludedBy: ColumnType<string | null, string | null | undefined, string | null>;
  exclusionReason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** 整改: opened by a rating of 2 or below, answered by the rated department, confirmed or disputed by the requester. */
export interface RectificationTable {
  id: Generated<number>;
  taskId: number;
  requestId: number;
  evaluationId: number;
  departmentId: number;
  state: RectificationState;
  openedAt: Timestamp;
  dueAt: Timestamp;
  remindAt: Timestamp;
  remindedAt: Timestamp | null;
  overdueNotifiedAt: Timestamp | null;
  answer: string | null;
  answeredBy: number | null;
  answeredAt: Timestamp | null;
  verdict: "confirmed" | "disputed" | null;
  verdictComment: string | null;
  verdictAt: Timestamp | null;
  decision: DisputeDecision | null;
  decisionComment: string | null;
  decidedBy: number | null;
  decidedByName: string | null;
  decidedAt: Timestamp | null;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  recipientType: "open_id" | "chat_id";
  recipientId: string;
  payload: Json<Record<string, unknown>>;
  uuid: string;
  cardKey: string | null;
  requestId: number | null;
  taskId: number | null;
  /** real failures (5xx, timeouts, network); a wait the platform asked for is not one */
  attempts: Generated<number>;
  /** sends put off because the platform asked us to slow down (429) or the card to patch was not sent yet */
  waits: Generated<number>;
  nextAttemptAt: Timestamp;
  lastError: string | null;
  /** the first real failure since the message was queued (or put back by an admin) */
  firstFailedAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  parkedAt: Timestamp | null;
  /** why delivery stopped, in words for the admin */
  parkReason: string | null;
  platformMessageId: string | null;
  createdAt: Timestamp;
  /** open ids to send an urgent notice (加急) to once delivered; null = none */
  urgent: ColumnType<string[] | null, string | null | undefined, string | null>;
  /** the urgent notice's outcome: "sent" or "failed: …" (best effort: never holds the message back) */
  urgentStatus: string | null;
  /** a parked message an admin chose not to send (parkedAt stays set): when, why, by whom (name) */
  discardedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  discardReason: ColumnType<string | null, string | null | undefined, string | null>;
  discardedBy: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A send quota shared by every delivery worker: scope "app", or "<recipient type>:<recipient id>". */
export interface SendQuotaTable {
  scope: string;
  /** the earliest time the next send under this quota may start */
  nextSendAt: Timestamp;
  /** the worker sending to this recipient now (one at a time keeps the recipient's messages in order) */
  leaseOwner: string | null;
  leaseUntil: Timestamp | null;
}

/** The inbox: every verified platform event, once per event_id; pending until handled_at is set. */
export interface InboundEventTable {
  eventId: string;
  eventType: string;
  receivedAt: CreatedAt;
  payload: ColumnType<unknown, string | null | undefined, string | null>;
  attempts: ColumnType<number, number | undefined, number>;
  nextAttemptAt: ColumnType<Date, Date | string | undefined, Date | string>;
  handledAt: Timestamp | null;
  lastError: string | null;
  answer: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface CalendarOverrideTable {
  // `date` columns come back as Date from pg; we always select them as text (to_char) to stay time-zone proof.
  date: ColumnType<string, string, string>;
  kind: "holiday" | "workday";
  note: string | null;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The December message that next year's holidays are missing, sent once per year. */
export interface CalendarNoticeTable {
  year: number;
  sentAt: Timestamp;
}

/** One row (id 1): changes with every change to the organisation, rules, calendar or escalation policies. */
export interface OrgVersionTable {
  id: number;
  /** bigint, read as text */
  version: ColumnType<string, string | number, string | number>;
}

export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  tokenHash: string;
  role: "admin" | "supervisor" | "integration";
  userId: number | null;
  createdAt: CreatedAt;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface SessionTable {
  id: Generated<number>;
  tokenHash: string;
  userId: number;
  csrfToken: string;
  expiresAt: Timestamp;
  createdAt: CreatedAt;
}

/** What a confirmed preview card showed, to show it again when the card is clicked once more. */
export interface PreviewSummary {
  targets: string[];
  joint: boolean;
  dueAt: string;
  ruleName: string | null;
  explanation: string;
}

export interface ChatPreviewTable {
  id: Generated<number>;
  /** the random key the card carries (or "msg:<message id>" for cards from before keys) */
  previewKey: string;
  userId: number;
  status: "confirmed" | "cancelled";
  requestId: number | null;
  summary: Json<PreviewSummary> | null;
  createdAt: CreatedAt;
}

export interface TaskEscalationTable {
  id: Generated<string>;
  taskId: number;
  /** an EscalationStep of src/domain/escalation.ts */
  step: string;
  armedFor: Timestamp;
  fireAt: Timestamp;
  firedAt: Timestamp | null;
  outcome: "sent" | "skipped" | null;
}

export interface TaskExtensionTable {
  id: Generated<number>;
  taskId: number;
  requestedBy: number;
  previousDueAt: Timestamp;
  requestedDueAt: Timestamp;
  reason: string;
  state: Generated<"pending" | "approved" | "refused">;
  /** the deadline granted (the asked one or an earlier one) */
  grantedDueAt: Timestamp | null;
  decidedBy: number | null;
  decidedAt: Timestamp | null;
  decisionComment: string | null;
  createdAt: Timestamp;
}

export interface EscalationPolicyTable {
  id: Generated<number>;
  code: string;
  name: string;
  ruleCode: string | null;
  priority: Priority | null;
  settings: Json<Record<string, unknown>>;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DigestDeliveryTable {
  kind: "daily" | "weekly";
  /** the local date of the working morning (daily) or of the week's Monday (weekly) */
  period: string;
  userId: number;
  sentAt: Timestamp;
}

/** One instruction given under a 督办. */
export interface SupervisionInstruction {
  by: string;
  byId: number | null;
  text: string;
  at: string;
}

/** 督办: a task under supervision, opened by a supervisor or by the sweep; closed (销号) when the task is done. */
export interface SupervisionTable {
  id: Generated<number>;
  taskId: number;
  requestId: number;
  /** null = opened by the system (the sweep's 督办 step) */
  openedById: number | null;
  openedByName: string;
  openedAt: Timestamp;
  instructions: Json<SupervisionInstruction[]>;
  closedAt: Timestamp | null;
  closeReason: string | null;
  reopenedCount: Generated<number>;
  updatedAt: Timestamp;
}

/** 晾晒: one department's additive figures for one local day, as target or as requester (dashboardRollup job). */
export interface DepartmentDailyFiguresTable {
  day: string;
  side: "target" | "requester";
  departmentId: number;
  volume: number;
  acceptCount: number;
  acceptOnTime: number;
  completed: number;
  completeOnTimeOriginal: number;
  completeOnTimeCommitted: number;
  everRed: number;
  returns: number;
  transfers: number;
  supervisions: number;
  ratingCount: number;
  ratingSum: number;
  badRatings: number;
  rectificationCount: number;
  rectificationOnTime: number;
  acceptHours: Json<number[]>;
  completeHours: Json<number[]>;
}

export interface DashboardRollupDayTable {
  day: string;
  computedAt: Timestamp;
}

/** 通报: the monthly bulletin, once per month (the key of its idempotence), with what it said. */
export interface MonthlyBulletinTable {
  month: string;
  sentAt: Timestamp;
  payload: Json<Record<string, unknown>>;
}

export interface Database {
  departmentDailyFigures: DepartmentDailyFiguresTable;
  dashboardRollupDays: DashboardRollupDayTable;
  monthlyBulletins: MonthlyBulletinTable;
  supervisions: SupervisionTable;
  taskEscalations: TaskEscalationTable;
  taskExtensions: TaskExtensionTable;
  escalationPolicies: EscalationPolicyTable;
  digestDeliveries: DigestDeliveryTable;
  sessions: SessionTable;
  departments: DepartmentTable;
  users: UserTable;
  userRoles: UserRoleTable;
  routingRules: RoutingRuleTable;
  requestCounters: RequestCounterTable;
  requests: RequestTable;
  tasks: TaskTable;
  boardCounts: BoardCountTable;
  auditEvents: AuditEventTable;
  auditCheckpoints: AuditCheckpointTable;
  comments: CommentTable;
  attachments: AttachmentTable;
  chatFiles: ChatFileTable;
  chatFileDownloads: ChatFileDownloadTable;
  evaluations: EvaluationTable;
  rectifications: RectificationTable;
  outbox: OutboxTable;
  sendQuotas: SendQuotaTable;
  inboundEvents: InboundEventTable;
  calendarOverrides: CalendarOverrideTable;
  calendarNotices: CalendarNoticeTable;
  apiTokens: ApiTokenTable;
  chatPreviews: ChatPreviewTable;
  orgVersion: OrgVersionTable;
  delegations: DelegationTable;
}

export type Department = Selectable<DepartmentTable>;
export type InboundEventRow = Selectable<InboundEventTable>;
export type User = Selectable<UserTable>;
export type DelegationRow = Selectable<DelegationTable>;
export type RoutingRuleRow = Selectable<RoutingRuleTable>;
export type RequestRow = Selectable<RequestTable>;
export type NewRequest = Insertable<RequestTable>;
export type TaskRow = Selectable<TaskTable>;
export type TaskUpdate = Updateable<TaskTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type AuditCheckpointRow = Selectable<AuditCheckpointTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type SupervisionRow = Selectable<SupervisionTable>;
export type RectificationRow = Selectable<RectificationTable>;
export type EvaluationRow = Selectable<EvaluationTable>;
export type AttachmentRow = Selectable<AttachmentTable>;
