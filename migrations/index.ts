import type { Migration } from "kysely";
import * as initial from "./2026_11_22_1200_initial";
import * as sessions from "./2026_11_22_1300_sessions";
import * as inbox from "./2026_12_01_2101_inbox";
import * as sendQuotas from "./2026_12_01_2102_send_quotas";
import * as auditCheckpoints from "./2026_12_01_2106_audit_checkpoints";
import * as chatPreviews from "./2026_12_01_2107_chat_previews";
import * as deadlines from "./2026_12_01_2108_deadlines";
import * as supervisions from "./2026_12_05_0530_supervisions";
import * as rectifications from "./2026_12_05_0600_rectifications";
import * as taskExtensions from "./2026_12_05_0640_task_extensions";
import * as attachments from "./2026_12_05_0900_attachments";
import * as dashboardRollups from "./2026_12_05_0910_dashboard_rollups";
import * as calendarNotices from "./2026_12_05_0940_calendar_notices";
import * as orgAdmin from "./2026_12_05_0950_org_admin";
import * as parkedDiscard from "./2026_12_05_1000_parked_discard";
import * as orgVersion from "./2026_12_05_0920_org_version";
import * as chatFileDownloads from "./2026_12_06_0125_chat_file_downloads";
import * as boardCounts from "./2026_12_06_0110_board_counts";
import * as boardRunning from "./2026_12_06_0140_board_running";
import * as delegationsOrgVersion from "./2026_12_07_0300_delegations_org_version";
import * as payloadStatistics from "./2026_12_07_1200_payload_statistics";

/** Every migration, in order. An explicit list (no folder scan) so the Worker bundle has them too. */
export const migrations: Record<string, Migration> = {
  "2026_11_22_1200_initial": initial,
  "2026_11_22_1300_sessions": sessions,
  "2026_12_01_2101_inbox": inbox,
  "2026_12_01_2102_send_quotas": sendQuotas,
  "2026_12_01_2106_audit_checkpoints": auditCheckpoints,
  "2026_12_01_2107_chat_previews": chatPreviews,
  "2026_12_01_2108_deadlines": deadlines,
  "2026_12_05_0530_supervisions": supervisions,
  "2026_12_05_0600_rectifications": rectifications,
  "2026_12_05_0640_task_extensions": taskExtensions,
  "2026_12_05_0900_attachments": attachments,
  "2026_12_05_0910_dashboard_rollups": dashboardRollups,
  "2026_12_05_0940_calendar_notices": calendarNotices,
  "2026_12_05_0950_org_admin": orgAdmin,
  "2026_12_05_1000_parked_discard": parkedDiscard,
  "2026_12_05_0920_org_version": orgVersion,
  "2026_12_06_0110_board_counts": boardCounts,
  "2026_12_06_0125_chat_file_downloads": chatFileDownloads,
  "2026_12_06_0140_board_running": boardRunning,
  "2026_12_07_0300_delegations_org_version": delegationsOrgVersion,
  "2026_12_07_1200_payload_statistics": payloadStatistics,
};
