import type { Command, Deps } from "../../src/commands/context";
import { runCommand } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import type { Db } from "../../src/db/client";
import { loadUserActor } from "../../src/db/repositories/org";
import type { Actor } from "../../src/policies/actor";
import { createTestDb } from "./db";

export const ADMIN: Actor = { kind: "token", tokenId: 0, name: "测试管理员", role: "admin" };

export interface Harness {
  db: Db;
  deps: Deps;
  /** sets the clock (ISO time; "+08:00" times read as Shanghai local time) */
  setNow(iso: string): void;
  advanceHours(hours: number): void;
  actor(openId: string): Promise<Actor>;
  /** runs a command as the person with this openId, in its own transaction */
  as<I, O>(openId: string, command: Command<I, O>, input: I): Promise<O>;
  importOrg(doc: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(startAt = "2026-11-23T10:00:00+08:00"): Promise<Harness> {
  const db = await createTestDb();
  let now = new Date(startAt);
  const deps: Deps = { db, config: loadConfig({}), now: () => new Date(now) };
  const actor = async (openId: string): Promise<Actor> => {
    const a = await loadUserActor(db.kysely, { openId }, new Date(now));
    if (!a) throw new Error(`test org has no ${openId}`);
    return a;
  };
  return {
    db,
    deps,
    setNow: (iso) => {
      now = new Date(iso);
    },
    advanceHours: (h) => {
      now = new Date(now.getTime() + h * 3600_000);
    },
    actor,
    as: async (openId, command, input) => runCommand(deps, await actor(openId), command, input),
    importOrg: async (doc) => {
      await runCommand(deps, ADMIN, orgImporter, doc);
    },
    close: () => db.close(),
  };
}
