import { runCommand } from "../../src/commands/context";
import { rectificationAnswerer } from "../../src/commands/rectificationAnswerer";
import { rectificationReviewer } from "../../src/commands/rectificationReviewer";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

/** `编号 [@部门] 其余` -> the task reference and the rest of the text. */
async function taskAndText(deps: Parameters<ChatCommand["run"]>[0]["deps"], args: string, example: string) {
  const { number, rest } = takeNumber(args, example);
  const { department, rest: text } = takeDepartment(rest);
  return { number, text, task: { requestNumber: number, departmentCode: department ? await departmentCode(deps, department) : undefined } };
}

export const rectifyCommand: ChatCommand = {
  names: ["整改", "rectify"],
  summary: "承办部门负责人或收件员答复差评整改情况",
  usage: "/整改 编号 [@部门] 整改内容",
  examples: ["/整改 XT-2026-000001 已约谈经办人，建立答复前复核制度"],
  async run({ deps, actor }, args) {
    const { number, text, task } = await taskAndText(deps, args, this.examples[0]!);
    await runCommand(deps, actor, rectificationAnswerer, { task, answer: text });
    return { text: `已答复 ${number} 的整改情况，等待发起人确认。` };
  },
};

export const confirmRectificationCommand: ChatCommand = {
  names: ["整改确认", "rectify-ok"],
  summary: "发起人确认整改，整改事项办结",
  usage: "/整改确认 编号 [@部门]",
  examples: ["/整改确认 XT-2026-000001"],
  async run({ deps, actor }, args) {
    const { number, task } = await taskAndText(deps, args, this.examples[0]!);
    await runCommand(deps, actor, rectificationReviewer, { task, verdict: "confirm" });
    return { text: `已确认 ${number} 的整改，整改事项办结。` };
  },
};

export const disputeRectificationCommand: ChatCommand = {
  names: ["整改异议", "rectify-dispute"],
  summary: "发起人对整改答复提出异议（须写理由），由督查裁定",
  usage: "/整改异议 编号 [@部门] 理由",
  examples: ["/整改异议 XT-2026-000001 整改措施未落实到位"],
  async run({ deps, actor }, args) {
    const { number, text, task } = await taskAndText(deps, args, this.examples[0]!);
    await runCommand(deps, actor, rectificationReviewer, { task, verdict: "dispute", reason: text });
    return { text: `已对 ${number} 的整改提出异议，督查将裁定。` };
  },
};
