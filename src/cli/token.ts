import { parseArgs } from "node:util";
import { bootstrap, runCli } from "../bootstrap";
import { issueApiToken, TOKEN_ROLES as ROLES, type TokenRole } from "../db/repositories/apiTokens";

// npm run token -- --name NAME --role admin : prints the new token alone on its last line.
runCli(async () => {
  const { values } = parseArgs({ options: { name: { type: "string" }, role: { type: "string", default: "admin" } } });
  const role = values.role as TokenRole;
  if (!values.name || !ROLES.includes(role)) {
    console.error(`用法：npm run token -- --name 名称 --role ${ROLES.join("|")}\n例如：npm run token -- --name 运维脚本 --role admin`);
    process.exitCode = 2;
    return;
  }
  const deps = await bootstrap();
  try {
    const { token } = await issueApiToken(deps.db.kysely, { name: values.name, role });
    console.log(`已为「${values.name}」生成 ${role} 令牌（只显示这一次，请妥善保存）：`);
    console.log(token);
  } finally {
    await deps.db.close();
  }
});
