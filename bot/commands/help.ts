import type { ChatCommand } from "../core/types";

/** /帮助 lists every command; /帮助 命令 shows one with examples. Built over the registry it is part of. */
export function helpCommand(all: () => ChatCommand[]): ChatCommand {
  return {
    names: ["帮助", "help"],
    summary: "查看命令用法和示例",
    usage: "/帮助 [命令]",
    examples: ["/帮助", "/帮助 发起"],
    async run(_ctx, args) {
      const name = args.trim().replace(/^\//, "");
      if (name) {
        const c = all().find((x) => x.names.some((n) => n.toLowerCase() === name.toLowerCase()));
        if (c) {
          return {
            text: [`${c.usage}`, c.summary, `别名：${c.names.map((n) => `/${n}`).join(" ")}`, "示例：", ...c.examples.map((e) => `  ${e}`)].join("\n"),
          };
        }
        return { text: `没有「${name}」这个命令。输入 /帮助 查看全部命令。` };
      }
      return {
        text: [
          "协同助手可以帮您跨部门发起和跟踪事项。命令（在群里使用时请 @我）：",
          ...all().map((c) => `${c.usage}　${c.summary}`),
          "",
          "示例：/发起 @市监局 核查某公司营业执照 截止:3个工作日",
          "直接发送需求内容，我会先给出预览，确认后再发起。",
        ].join("\n"),
      };
    },
  };
}
