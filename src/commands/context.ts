import type { Transaction } from "kysely";
import type { AppConfig } from "../config";
import type { Db } from "../db/client";
import type { Database } from "../db/tables";
import type { Actor } from "../policies/actor";
import type { DirectoryReader } from "../domain/orgSync";
import type { Observability } from "../observability";
import type { Storage } from "../storage";

/** What every command may use besides its transaction. Built once per process (or per Worker request). */
import type { ChatFileFetcher } from "./chatFileDownloads";

export interface Deps {
  db: Db;
  config: AppConfig;
  now: () => Date;
  /** logs and metrics (Node sets them; unset: console logs, no metrics) */
  obs?: Observability;
  /** where attachment bytes live; unset: built from config (src/storage) on first use */
  storage?: Storage;
  /** the platform's contact directory, for org sync (set by the bot runtime; unset: sync is unavailable) */
  directory?: DirectoryReader;
  /** downloads files people sent in chat (set by the bot runtime; unset: queued chat files wait) */
  chatFiles?: ChatFileFetcher;
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

/**
 * A command inside `inOneTransaction` failed (and its caller may have caught it and answered): the whole
 * transaction was rolled back. `answer` is what the caller answered, `cause` what the command threw.
 */
export class CommandFailed<T> extends Error {
  constructor(
    readonly answer: T,
    override readonly cause: unknown,
  ) {
    super(`command failed inside a shared transaction: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "CommandFailed";
  }
}

/**
 * Runs `work` in ONE transaction with deps whose db is that transaction: every command it runs (they call
 * deps.db.transaction) joins it instead of committing on its own; then `finish` writes what belongs next
 * to those effects (a de-duplication mark, a reply) in the same transaction, so all commit or none does.
 * PGlite has no savepoints, so a command that fails cannot be undone alone: if any command inside throws,
 * even one `work` catches and turns into an answer, `finish` is skipped, the whole transaction rolls back,
 * and CommandFailed is thrown with work's answer, for the caller to record in a transaction of its own.
 */
export async function inOneTransaction<T, R>(
  deps: Deps,
  work: (deps: Deps, trx: Transaction<Database>) => Promise<T>,
  finish: (trx: Transaction<Database>, answer: T) => Promise<R>,
): Promise<R> {
  return deps.db.transaction(async (trx) => {
    let failure: { cause: unknown } | null = null;
    const bound: Deps = {
      ...deps,
      db: {
        ...deps.db,
        kysely: trx,
        transaction: async (inner) => {
          try {
            return await inner(trx);
          } catch (err) {
            failure ??= { cause: err };
            throw err;
          }
        },
        close: async () => undefined,
      },
    };
    const answer = await work(bound, trx);
    if (failure) throw new CommandFailed(answer, (failure as { cause: unknown }).cause);
    return finish(trx, answer);
  });
}
