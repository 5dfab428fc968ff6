import { runCommand } from "../../src/commands/context";
import { taskSupervisor } from "../../src/commands/taskSupervisor";
import { findDepartmentById } from "../../src/db/repositories/org";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const superviseCommand: ChatCommand = {
  names: ["督办", "supervise"],
  summary: "督查人员对未办结的任务下达督办意见；承办部门负责人收到督办卡片和加急提醒，办结后自动销号",
  usage: "/督办 编号 [@部门] 意见",
  examples: ["/督办 XT-2026-000001 请于本周五前办结并报送结果", "/督办 XT-2026-000001 @市税务局 请说明延误原因"],
  async run({ deps, actor }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const { department, rest: instruction } = takeDepartment(rest);
    const r = await runCommand(deps, actor, taskSupervisor, {
      task: { requestNumber: number, departmentCode: department ? await departmentCode(deps, department) : undefined },
      instruction,
    });
    const dept = (await findDepartmentById(deps.db.kysely, r.task.departmentId)).name;
    return {
      text: r.opened
        ? `已督办 ${number}（${dept}），承办部门负责人已收到督办通知和加急提醒，经办人和发起部门负责人也已收到通知。办结后督办自动销号。`
        : `已向 ${number}（${dept}）追加督办意见（共 ${r.instructions} 条），承办部门负责人已收到通知和加急提醒。`,
    };
  },
};
