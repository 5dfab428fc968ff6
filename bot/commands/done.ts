import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { taskCompleter } from "../../src/commands/taskCompleter";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const doneCommand: ChatCommand = {
  names: ["办结", "done"],
  summary: "记录办理结果并办结任务",
  usage: "/办结 编号 结果",
  examples: ["/办结 XT-2026-000001 经核查，该公司营业执照真实有效"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, taskCompleter, { task: { requestNumber: number }, result: rest });
    return {
      text: actedPrefix(done) + (done.task.reviewPending ? `已提交 ${number} 的办结结果，等待本部门负责人确认。` : `已办结 ${number}，发起人已收到办理结果。`),
    };
  },
};
