/** The content hash that decides whether `npm start` synthesizes again. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assemblyIsFresh, recordSourceHash, sourceHash } from '../src/synth.js';

describe('source hash', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-synth-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  write('cdk.json', JSON.stringify({ app: 'x', watch: { include: ['app/**', 'lib/**'] } }));
  write('package-lock.json', '{}');
  write('app/main.ts', 'export {};');
  write('lib/a.ts', 'export const a = 1;');
  write('emulator/b.ts', 'export const b = 1;');

  it('changes with the content of a watched file, not with its modification time', () => {
    const before = sourceHash(root);
    utimesSync(join(root, 'lib/a.ts'), new Date(), new Date(Date.now() + 60_000));
    assert.equal(sourceHash(root), before);
    write('lib/a.ts', 'export const a = 2;');
    assert.notEqual(sourceHash(root), before);
  });

  it('changes with cdk.json, the lock file and a new file, but not with files outside the watch list', () => {
    let hash = sourceHash(root);
    write('emulator/b.ts', 'export const b = 2;');
    assert.equal(sourceHash(root), hash);
    write('package-lock.json', '{"lockfileVersion":3}');
    assert.notEqual(sourceHash(root), hash);
    hash = sourceHash(root);
    write('lib/new.ts', '');
    assert.notEqual(sourceHash(root), hash);
  });

  it('calls an assembly fresh only when its recorded hash is the sources hash', () => {
    const assembly = join(root, 'cdk.out');
    mkdirSync(assembly, { recursive: true });
    writeFileSync(join(assembly, 'manifest.json'), '{}');
    assert.equal(assemblyIsFresh(root), false, 'no hash recorded');
    recordSourceHash(sourceHash(root), assembly);
    assert.equal(assemblyIsFresh(root), true);
    write('app/main.ts', 'export const changed = true;');
    assert.equal(assemblyIsFresh(root), false);
  });

  it('calls an assembly rewritten after its hash was recorded stale (a cdk synth by hand)', () => {
    const assembly = join(root, 'cdk.out');
    recordSourceHash(sourceHash(root), assembly);
    assert.equal(assemblyIsFresh(root), true);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(assembly, 'manifest.json'), later, later);
    assert.equal(assemblyIsFresh(root), false);
  });
});
