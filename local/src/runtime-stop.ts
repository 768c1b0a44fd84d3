/**
 * How the runtime stops: each part, once started, registers how to stop it; stopping runs those in
 * reverse order, once, and reports rather than throws what fails, so one broken part never keeps the
 * others (a JVM, worker threads, servers) running.
 */
import type { Logger } from './log.js';

export type Cleanup = () => Promise<void>;

/** The list parts register their cleanups in, and the stop that runs them (the same promise every call). */
export function stopSequence(log: Logger): { cleanups: Cleanup[]; stop: () => Promise<void> } {
  const cleanups: Cleanup[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log.error(`while stopping: ${(error as Error).message}`);
        }
      }
    })();
    return stopping;
  };
  return { cleanups, stop };
}
