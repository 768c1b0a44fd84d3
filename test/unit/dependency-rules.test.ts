/**
 * The dependency rules Biome cannot express (the others are `noRestrictedImports` in biome.json): a
 * handler holds a store through its port where the store has one, and every port has a user.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const sources = (dir: string) =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

const ports = [...read('shared/store/ports.ts').matchAll(/^export interface (\w+Store) \{/gm)].map(
  (m) => m[1],
);

/** Handlers that use what only the adapter offers, and why (none today). */
const ADAPTER_USERS: Record<string, string> = {};

describe('dependency rules', () => {
  it('finds the ports', () => {
    assert.deepEqual(ports, ['PaymentStore', 'RefundStore', 'ChannelOutcomeStore']);
  });

  it('has handlers hold a store through its port where one exists', () => {
    const offenders: string[] = [];
    for (const file of sources('functions')) {
      const text = read(file);
      for (const port of ports) {
        const adapter = `Dynamo${port}`;
        const held = [...text.matchAll(new RegExp(`^const (\\w+)(: \\w+)? = new ${adapter}\\(`, 'gm'))];
        for (const [line, , type] of held) {
          if (type !== `: ${port}` && ADAPTER_USERS[file] !== adapter) offenders.push(`${file}: ${line}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('uses every port outside its adapters', () => {
    const users = [...sources('functions'), ...sources('shared')]
      .filter((f) => !f.startsWith(join('shared', 'store')))
      .map(read)
      .join('\n');
    assert.deepEqual(
      ports.filter((port) => !new RegExp(`\\b${port}\\b`).test(users)),
      [],
    );
  });
});
