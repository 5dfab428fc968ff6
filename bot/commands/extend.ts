import { runCommand } from "../../src/commands/context";
import { extensionDecider } from "../../src/commands/extensionDecider";
import { extensionRequester } from "../../src/commands/extensionRequester";
import { localDate } from "../../src/domain/calendar";
import { DomainError } from "../../src/domain/types";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const extendCommand: ChatCommand = {
  names: ["延期", "extend"],
  summary: "申请延长办结时限（新时限为该工作日 17:30），须写明原因，由发起人（督办中由督查人员）审批",
  usage: "/延期 编号 [@部门] 日期|N个工作日 原因",
  examples: ["/延期 XT-2026-000001 2026-12-31 需等待省厅回函", "/延期 XT-2026-000001 5个工作日 需等待省厅回函"],
  async run({ deps, actor }, args) {
    const example = this.examples[0]!;
    const { number, rest } = takeNumber(args, example);
    const { department, rest: afterDept } = takeDepartment(rest);
    const [due = "", ...reason] = afterDept.split(/[\s\u3000]+/);
    if (!due) throw new DomainError("bad_input", "请写上新的办结时限和延期理由。", { example });
    const dept = department ? await departmentCode(deps, department) : undefined;
    const { requestedDueAt } = await runCommand(deps, actor, extensionRequester, {
      task: { requestNumber: number, departmentCode: dept },
      due,
      reason: reason.join(" "),
    });
    return { text: `已提交 ${number} 的延期申请（申请延至 ${localDate(requestedDueAt, deps.config.deadline)}），等待审批。` };
  },
};

export const approveExtensionCommand: ChatCommand = {
  names: ["同意延期"],
  summary: "同意承办部门的延期申请，可写一个不晚于申请日期的更早日期",
  usage: "/同意延期 编号 [日期]",
  examples: ["/同意延期 XT-2026-000001", "/同意延期 XT-2026-000001 2026-12-25"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const { dueAt } = await runCommand(deps, actor, extensionDecider, { task: { requestNumber: number }, approve: true, due: rest || undefined });
    return { text: `已同意 ${number} 的延期申请，办结时限延至 ${localDate(dueAt, deps.config.deadline)}，承办部门已收到通知。` };
  },
};

export const refuseExtensionCommand: ChatCommand = {
  names: ["不同意延期"],
  summary: "不同意承办部门的延期申请，须写明理由",
  usage: "/不同意延期 编号 理由",
  examples: ["/不同意延期 XT-2026-000001 请按原时限办结"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const { dueAt } = await runCommand(deps, actor, extensionDecider, { task: { requestNumber: number }, approve: false, comment: rest });
    return { text: `已不同意 ${number} 的延期申请，仍按原时限 ${localDate(dueAt, deps.config.deadline)} 办结，承办部门已收到通知。` };
  },
};
