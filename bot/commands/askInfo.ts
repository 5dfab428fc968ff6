import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { infoRequester } from "../../src/commands/infoRequester";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

/** 要求补正: the handler asks the requester for missing material; the deadline pauses until it is supplied. */
export const askInfoCommand: ChatCommand = {
  names: ["要求补正", "askinfo"],
  summary: "请发起人补正缺少的材料，补正期间暂停计时",
  usage: "/要求补正 编号 缺少的材料",
  examples: ["/要求补正 XT-2026-000001 请补充该企业的统一社会信用代码"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, infoRequester, { task: { requestNumber: number }, question: rest });
    return { text: `${actedPrefix(done)}已请发起人补正 ${number} 的材料，补正期间暂停计时。` };
  },
};
