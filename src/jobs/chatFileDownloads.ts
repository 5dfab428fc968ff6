import { downloadNextChatFile } from "../commands/chatFileDownloads";
import type { Job } from "./job";

/** Most downloads one run takes on (each is one file, up to the size limit); the rest wait for the next run. */
const PER_RUN = 20;

/**
 * Files people sent in chat, downloaded from the platform into storage and attached (src/commands/chatFileDownloads.ts).
 * The bot runtime also runs this right after the inbox, so a file is usually confirmed within seconds; this entry
 * catches up retries that fell due and downloads a crashed server left (its lease ran out). Safe on several
 * servers (rows leased with FOR UPDATE SKIP LOCKED).
 */
export const chatFileDownloads: Job = {
  name: "chatFileDownloads",
  async perform(deps) {
    let done = 0;
    while (done < PER_RUN && (await downloadNextChatFile(deps))) done++;
    return { done };
  },
};
