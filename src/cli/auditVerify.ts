import { bootstrap, runCli } from "../bootstrap";
import { verifyAudit } from "../db/repositories/auditVerification";
import { auditReportLines } from "../presenters/audit";

// npm run audit:verify : verifies every audit chain and checkpoint; prints what is broken and exits 1 if anything is.
runCli(async () => {
  const deps = await bootstrap();
  let ok: boolean;
  try {
    const report = await verifyAudit(deps.db.kysely, deps.config.audit.hmacKey);
    for (const line of auditReportLines(report, deps.config.deadline.timeZone)) console.log(line);
    ok = report.ok;
  } finally {
    await deps.db.close();
  }
  // Only after closing: PGlite's shutdown resets process.exitCode.
  if (!ok) process.exitCode = 1;
});
