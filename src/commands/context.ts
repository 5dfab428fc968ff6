import type { Transaction } from "kysely";
import type { AppConfig } from "../config";
import type { Db } from "../db/client";
import type { Database } from "../db/tables";
import type { Actor } from "../policies/actor";

/** What every command may use besides its transaction. Built once per process (or per Worker request). */
export interface Deps {
  db: Db;
  config: AppConfig;
  now: () => Date;
}

export interface CommandContext {
  actor: Actor;
  trx: Transaction<Database>;
}

export type Command<I, O> = (deps: Deps, ctx: CommandContext, input: I) => Promise<O>;

/** Runs one command in one transaction: its change, audit records and outbox messages commit together or not at all. */
export function runCommand<I, O>(deps: Deps, actor: Actor, command: Command<I, O>, input: I): Promise<O> {
  return deps.db.transaction((trx) => command(deps, { actor, trx }, input));
}
