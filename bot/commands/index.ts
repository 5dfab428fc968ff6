import type { ChatCommand } from "../core/types";
import { acceptCommand } from "./accept";
import { approveCommand, rejectCommand } from "./approve";
import { attachCommand } from "./attach";
import { askInfoCommand } from "./askInfo";
import { confirmCompletionCommand, sendBackCommand } from "./review";
import { commentCommand } from "./comment";
import { doneCommand } from "./done";
import { approveExtensionCommand, extendCommand, refuseExtensionCommand } from "./extend";
import { helpCommand } from "./help";
import { mineCommand } from "./mine";
import { rateCommand } from "./rate";
import { confirmRectificationCommand, disputeRectificationCommand, rectifyCommand } from "./rectify";
import { appealCommand } from "./appeal";
import { requestCommand } from "./request";
import { returnCommand } from "./returnTask";
import { statusCommand } from "./status";
import { superviseCommand } from "./supervise";
import { pendingWorkCommand } from "./pendingWork";
import { transferCommand } from "./transfer";
import { urgeCommand } from "./urge";
import { withdrawCommand } from "./withdraw";

/** Every chat command, in the order /帮助 lists them. An explicit list: no folder scans (Workers bundle this). */
export const chatCommands: ChatCommand[] = [
  requestCommand,
  statusCommand,
  mineCommand,
  pendingWorkCommand,
  acceptCommand,
  returnCommand,
  transferCommand,
  doneCommand,
  askInfoCommand,
  confirmCompletionCommand,
  sendBackCommand,
  extendCommand,
  approveExtensionCommand,
  refuseExtensionCommand,
  commentCommand,
  attachCommand,
  urgeCommand,
  withdrawCommand,
  rateCommand,
  rectifyCommand,
  confirmRectificationCommand,
  disputeRectificationCommand,
  appealCommand,
  approveCommand,
  rejectCommand,
  superviseCommand,
];
chatCommands.push(helpCommand(() => chatCommands));

/** Finds a command by any of its names (English ones case-insensitively). */
export function findCommand(name: string): ChatCommand | undefined {
  const n = name.toLowerCase();
  return chatCommands.find((c) => c.names.some((x) => x.toLowerCase() === n));
}
