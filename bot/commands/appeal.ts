import { runCommand } from "../../src/commands/context";
import { ratingAppealer } from "../../src/commands/ratingAppealer";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const appealCommand: ChatCommand = {
  names: ["申诉", "appeal"],
  summary: "承办部门负责人对有误或不实的评价提出申诉（每条评价一次），由督查裁定是否计入统计",
  usage: "/申诉 编号 [@部门] 理由",
  examples: ["/申诉 XT-2026-000001 该评价针对的是其他部门的答复，并非本部门"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const { department, rest: reason } = takeDepartment(rest);
    await runCommand(deps, actor, ratingAppealer, { task: { requestNumber: number, departmentCode: department ? await departmentCode(deps, department) : undefined }, reason });
    return { text: `已对 ${number} 的评价提出申诉，督查裁定后会通知您。` };
  },
};
