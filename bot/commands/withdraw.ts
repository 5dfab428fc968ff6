import { runCommand } from "../../src/commands/context";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const withdrawCommand: ChatCommand = {
  names: ["撤回", "withdraw"],
  summary: "撤回自己发起、尚未办结的协同事项，须写明原因",
  usage: "/撤回 编号 原因",
  examples: ["/撤回 XT-2026-000001 企业已自行提交材料"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    await runCommand(deps, actor, requestWithdrawer, { request: { requestNumber: number }, reason: rest });
    return { text: `已撤回 ${number}，承办部门已收到通知。` };
  },
};
