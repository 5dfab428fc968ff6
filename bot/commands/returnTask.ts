import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { taskReturner } from "../../src/commands/taskReturner";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const returnCommand: ChatCommand = {
  names: ["退回", "return"],
  summary: "退回不属于本部门的任务，须写明原因",
  usage: "/退回 编号 原因",
  examples: ["/退回 XT-2026-000001 该事项属税务部门职责"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, taskReturner, { task: { requestNumber: number }, reason: rest });
    return {
      text: actedPrefix(done) + (done.task.arbitrationPending
        ? `已退回 ${number}。该任务已连续被两个部门退回，已提交督查指定责任部门。`
        : `已退回 ${number}，发起人已收到通知。`),
    };
  },
};
