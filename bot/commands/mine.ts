import { loadLightClock } from "../../src/commands/escalationPolicy";
import { myOpenItems } from "../../src/db/repositories/views";
import type { ChatCommand } from "../core/types";
import { listLines } from "./format";

export const mineCommand: ChatCommand = {
  names: ["我的", "mine"],
  summary: "我发起的未完成事项，以及交给我办理的任务",
  usage: "/我的",
  examples: ["/我的"],
  async run({ deps, actor }) {
    const { requests, tasks } = await myOpenItems(deps.db.kysely, actor);
    const clock = await loadLightClock(deps.db.kysely, deps);
    const lines = [
      `我发起的未完成事项（${requests.length}）：`,
      ...(requests.length ? listLines(requests, clock) : ["· 暂无"]),
      `交给我办理的任务（${tasks.length}）：`,
      ...(tasks.length ? listLines(tasks, clock) : ["· 暂无"]),
    ];
    return { text: lines.join("\n") };
  },
};
