import { readFile } from "node:fs/promises";
import { bootstrap, runCli } from "../bootstrap";
import { runCommand } from "../commands/context";
import { ImportRejectedError, orgImporter, type ImportReport } from "../commands/orgImporter";

// npm run import -- FILE.json : applies an organisation document in one transaction (all or nothing).
runCli(async () => {
  const file = process.argv[2];
  if (!file) {
    console.error("用法：npm run import -- 文件.json\n例如：npm run import -- bot/sandbox/demo-city.json");
    process.exitCode = 2;
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    console.error(`无法读取 ${file}：${(err as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const deps = await bootstrap();
  try {
    const report = await runCommand(deps, { kind: "system", name: `命令行导入 ${file}` }, asAdmin(orgImporter), doc);
    printReport(report);
  } catch (err) {
    if (err instanceof ImportRejectedError) {
      printReport(err.report);
      console.error(err.message);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await deps.db.close();
  }
});

/** The command line is run by whoever operates the server: it acts as an admin. */
function asAdmin(command: typeof orgImporter) {
  return ((deps, ctx, input) =>
    command(deps, { ...ctx, actor: { kind: "token", tokenId: 0, name: ctx.actor.name, role: "admin" } }, input)) as typeof orgImporter;
}

function printReport(r: ImportReport) {
  const count = (list: ImportReport["created"], kind: string) => list.filter((e) => e.kind === kind).length;
  for (const [kind, label] of [["department", "部门"], ["user", "人员"], ["rule", "规则"], ["holiday", "节假日"]] as const) {
    console.log(`${label}：新增 ${count(r.created, kind)}，更新 ${count(r.updated, kind)}，未变 ${count(r.unchanged, kind)}，拒绝 ${count(r.rejected, kind)}`);
  }
  for (const x of r.rejected) console.log(`  拒绝 ${x.kind} ${x.key}：${x.reason}`);
  console.log(r.applied ? "导入完成。" : "导入未执行（全部回滚）。");
}
