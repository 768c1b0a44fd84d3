/** Starts the sandbox PSP simulator (`sandbox/`): the vendor's side of the sandbox channel, with its bank. */
import type { PspJournal } from './sandbox/journal.js';
import { type SandboxPsp, startSandboxPsp } from './sandbox/psp-simulator.js';

export type { SandboxPsp } from './sandbox/psp-simulator.js';

export interface SandboxPspOptions {
  readonly callbackUrl: () => string;
  readonly secret: string;
  readonly delayMs: number;
  /** With `--persist`: its books and pending callbacks (see sandbox/journal.ts). */
  readonly journal?: PspJournal;
}

export function startPsp(options: SandboxPspOptions): Promise<SandboxPsp> {
  return startSandboxPsp({
    callbackUrl: options.callbackUrl,
    secret: options.secret,
    delayMs: options.delayMs,
    ...(options.journal ? { journal: options.journal } : {}),
  });
}
