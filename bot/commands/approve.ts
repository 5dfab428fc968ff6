import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { requestApprover } from "../../src/commands/requestApprover";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const approveCommand: ChatCommand = {
  names: ["同意", "approve"],
  summary: "部门负责人审批同意本部门发起的事项",
  usage: "/同意 编号 [意见]",
  examples: ["/同意 XT-2026-000001"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, requestApprover, { request: { requestNumber: number }, decision: "approve", comment: rest });
    return { text: `${actedPrefix(done)}已同意 ${number}，已发送至承办部门。` };
  },
};

export const rejectCommand: ChatCommand = {
  names: ["驳回", "reject"],
  summary: "部门负责人驳回本部门发起的事项，须写明理由",
  usage: "/驳回 编号 理由",
  examples: ["/驳回 XT-2026-000001 请补充企业信用代码后再发起"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, requestApprover, { request: { requestNumber: number }, decision: "reject", comment: rest });
    return { text: `${actedPrefix(done)}已驳回 ${number}，发起人已收到通知。` };
  },
};
