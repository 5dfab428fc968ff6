import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { DomainError } from "../../src/domain/types";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";

export const transferCommand: ChatCommand = {
  names: ["转办", "transfer"],
  summary: "把误派的任务转给真正负责的部门，须写明原因",
  usage: "/转办 编号 @部门 原因",
  examples: ["/转办 XT-2026-000001 @市税务局 涉及欠税核查，属税务职责"],
  async run({ deps, actor }, args) {
    const example = this.examples[0]!;
    const { number, rest } = takeNumber(args, example);
    const { department, rest: reason } = takeDepartment(rest);
    if (!department) throw new DomainError("missing_department", "请用 @部门 写明转给哪个部门。", { example });
    // The command resolves the name after checking the person may transfer at all.
    const done = await runCommand(deps, actor, taskTransferrer, { task: { requestNumber: number }, toDepartment: department, reason });
    return { text: `${actedPrefix(done)}已将 ${number} 转办至 ${department}，对方部门和发起人已收到通知。` };
  },
};
