import { runCommand } from "../../src/commands/context";
import { actedPrefix } from "../../src/policies/delegation";
import { completionReviewer } from "../../src/commands/completionReviewer";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

/** 确认办结: the target head confirms a result a handler submitted; the request moves on as on 办结. */
export const confirmCompletionCommand: ChatCommand = {
  names: ["确认办结", "confirm"],
  summary: "负责人确认本部门经办人提交的办结结果",
  usage: "/确认办结 编号 [意见]",
  examples: ["/确认办结 XT-2026-000001", "/确认办结 XT-2026-000001 结论清楚"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, completionReviewer, { task: { requestNumber: number }, decision: "confirm", comment: rest });
    return { text: `${actedPrefix(done)}已确认办结 ${number}。` };
  },
};

/** 退回重办: the target head sends a submitted result back to the handler, with the reason. */
export const sendBackCommand: ChatCommand = {
  names: ["退回重办", "sendback"],
  summary: "负责人退回经办人提交的办结结果，须写明理由",
  usage: "/退回重办 编号 理由",
  examples: ["/退回重办 XT-2026-000001 核查结论缺少依据，请补充执照查询截图"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const done = await runCommand(deps, actor, completionReviewer, { task: { requestNumber: number }, decision: "sendBack", comment: rest });
    return { text: `${actedPrefix(done)}已退回重办 ${number}，经办人已收到理由。` };
  },
};
