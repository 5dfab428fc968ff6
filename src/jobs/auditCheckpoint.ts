import { auditCheckpointer } from "../commands/auditCheckpointer";
import { runCommand, type Deps } from "../commands/context";

/** Hourly: anchors the audit chains (see auditCheckpointer); does nothing when no record was added. */
export const auditCheckpoint = {
  name: "auditCheckpoint",
  intervalMs: 3600_000,
  perform: (deps: Deps) => runCommand(deps, { kind: "system", name: "留痕检查点" }, auditCheckpointer, {}),
};
