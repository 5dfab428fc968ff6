import { runCommand } from "../../src/commands/context";
import { taskAccepter } from "../../src/commands/taskAccepter";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const acceptCommand: ChatCommand = {
  names: ["签收", "accept"],
  summary: "本部门签收任务；可 @经办人 指定办理人，不指定则由自己办理",
  usage: "/签收 编号 [@经办人]",
  examples: ["/签收 XT-2026-000001", "/签收 XT-2026-000001 @王芳"],
  async run({ deps, actor, event }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const person = event.mentions[0];
    // "@部门" is only needed when a joint request has several tasks this person could accept.
    const dept = person ? null : takeDepartment(rest).department;
    const { task } = await runCommand(deps, actor, taskAccepter, {
      task: { requestNumber: number, departmentCode: dept ? await departmentCode(deps, dept) : undefined },
      assignee: person ? { openId: person.openId } : undefined,
    });
    return { text: `已签收 ${number}${person ? `，交由 ${person.name} 办理` : task.assigneeId === actor.id ? "，由您办理" : ""}。发起人已收到通知。` };
  },
};
