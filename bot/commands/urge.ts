import { runCommand } from "../../src/commands/context";
import { taskUrger } from "../../src/commands/taskUrger";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const urgeCommand: ChatCommand = {
  names: ["催办", "urge"],
  summary: "提醒承办部门尽快办理；每个任务 4 小时内只能催办一次",
  usage: "/催办 编号 [@部门]",
  examples: ["/催办 XT-2026-000001"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const { department } = takeDepartment(rest);
    const { urged } = await runCommand(deps, actor, taskUrger, {
      requestNumber: number,
      departmentCode: department ? await departmentCode(deps, department) : undefined,
    });
    return { text: `已催办 ${number}（${urged} 个承办部门）。` };
  },
};
