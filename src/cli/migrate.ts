import { bootstrap, runCli } from "../bootstrap";

// npm run migrate: applies pending migrations and lists what ran.
runCli(async () => {
  const deps = await bootstrap();
  const applied = await deps.db.kysely
    .withoutPlugins()
    .selectFrom("kysely_migration" as never)
    .select(["name" as never])
    .orderBy("name" as never)
    .execute();
  console.log(`数据库（${deps.db.kind}）已是最新，已应用 ${applied.length} 个迁移：`);
  for (const m of applied as Array<{ name: string }>) console.log(`  ${m.name}`);
  await deps.db.close();
});
