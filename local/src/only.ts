/**
 * `--only <stack>[,<stack>]`: working on one service against the others' local resources. Every
 * stack's resources exist (tables, queues, buses, buckets, the HTTP API: the same persisted data), but
 * only the functions of the named stacks and of the foundation run, and with them only the wiring
 * that invokes them (routes, stream and queue mappings, log subscriptions, state machines). A route
 * of another service answers 404 as an unknown route does; its queues fill up as they would in AWS
 * while that service is down, and drain when it runs again.
 */
import type { LoadedTemplate } from './template.js';

/** A stack whose resources everyone shares (its artifact id ends with `Foundation`): it always runs. */
const isFoundation = (id: string) => /(^|-)Foundation$/.test(id);

export interface StackSelection {
  /** The artifact ids of the stacks whose functions run, in dependency order. */
  readonly running: readonly string[];
  /** Whether a (merged) logical id belongs to a running stack. */
  readonly runs: (logicalId: string) => boolean;
}

/**
 * The stacks `only` names (artifact ids like `Payments-Risk`, or CloudFormation stack names like
 * `Payments-Risk-dev`) plus the foundation; every stack when `only` is empty. An unknown name is an
 * error listing the assembly's stacks.
 */
export function selectStacks(loaded: LoadedTemplate, only: readonly string[] = []): StackSelection {
  const names = only.map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return { running: loaded.stacks, runs: () => true };
  const chosen = new Set<string>();
  for (const name of names) {
    const id = loaded.stacks.find((s) => s === name || loaded.stackNames[s] === name);
    if (!id) {
      throw new Error(`--only ${name}: no such stack in the assembly (stacks: ${loaded.stacks.join(', ')})`);
    }
    chosen.add(id);
  }
  const running = loaded.stacks.filter((s) => chosen.has(s) || isFoundation(s));
  const set = new Set(running);
  return { running, runs: (logicalId) => set.has(loaded.stackOf[logicalId] ?? '') };
}
