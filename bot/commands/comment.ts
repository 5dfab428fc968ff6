import { commentAdder } from "../../src/commands/commentAdder";
import { runCommand } from "../../src/commands/context";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const commentCommand: ChatCommand = {
  names: ["补充", "comment"],
  summary: "补充材料或说明；承办部门要求补正时，发起人用它补正",
  usage: "/补充 编号 内容",
  examples: ["/补充 XT-2026-000001 统一社会信用代码 91330100MA2XXXXX"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    await runCommand(deps, actor, commentAdder, { requestNumber: number, body: rest });
    return { text: `已补充到 ${number}，相关人员已收到通知。` };
  },
};
