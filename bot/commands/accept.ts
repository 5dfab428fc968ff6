import { runCommand } from "../../src/commands/context";
import { findUserName } from "../../src/db/repositories/org";
import { actedPrefix } from "../../src/policies/delegation";
import { taskAccepter, type Assignee } from "../../src/commands/taskAccepter";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCodeIfAny } from "./lookup";

export const acceptCommand: ChatCommand = {
  names: ["签收", "accept"],
  summary: "本部门签收任务；可 @经办人 指定办理人，不指定则由自己办理",
  usage: "/签收 编号 [@经办人]",
  examples: ["/签收 XT-2026-000001", "/签收 XT-2026-000001 @王芳"],
  async run({ deps, actor, event }, args) {
    const { number, rest } = takeNumber(args, this.examples[0]!);
    const person = event.mentions[0];
    // "@X" typed as text (not a mention the platform resolved) names a department when it is one (a joint
    // request with several tasks this person could accept), and otherwise the handler, by name; the command
    // checks the person may accept before it looks for either.
    const typed = person ? null : takeDepartment(rest).department;
    const dept = typed ? await departmentCodeIfAny(deps, typed) : undefined;
    const assignee: Assignee | undefined = person ? { openId: person.openId } : typed && !dept ? { name: typed } : undefined;
    const done = await runCommand(deps, actor, taskAccepter, { task: { requestNumber: number, departmentCode: dept }, assignee });
    const named = person?.name ?? (assignee && "name" in assignee ? assignee.name : null);
    const task = done.task;
    // Named by the department's auto-assignment (轮流 / 按在办量) when nobody was named by hand.
    const auto = !named && task.assigneeId !== null && task.assigneeId !== actor.id ? await findUserName(deps.db.kysely, task.assigneeId) : null;
    if (auto) return { text: `${actedPrefix(done)}已签收 ${number}，按本部门自动分配交由 ${auto} 办理。发起人已收到通知。` };
    return { text: `${actedPrefix(done)}已签收 ${number}${named ? `，交由 ${named} 办理` : task.assigneeId === actor.id ? "，由您办理" : ""}。发起人已收到通知。` };
  },
};
