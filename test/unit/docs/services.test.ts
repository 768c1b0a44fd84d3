/**
 * docs/services.md, the service map: its event tables are what the event catalogue generates today
 * (`npm run docs:services`), compared cell by cell (Biome pads the columns), and it names every service's
 * stack.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DOC, withEventsSection } from '../../../scripts/services-doc.js';
import { SERVICES, stackIdOf } from '../../../shared/events/catalogue.js';

const committed = readFileSync(DOC, 'utf8');

/** The document with table rows reduced to their trimmed cells and separator rows to `---`. */
function cells(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) =>
      line.startsWith('|')
        ? line
            .slice(1, -1)
            .split('|')
            .map((cell) => (/^\s*-+\s*$/.test(cell) ? '---' : cell.trim()))
            .join('|')
        : line,
    );
}

describe('docs/services.md', () => {
  it('carries the event tables the catalogue generates today', () => {
    assert.deepEqual(
      cells(committed),
      cells(withEventsSection(committed)),
      'docs/services.md is stale: run `npm run docs:services` and commit the result',
    );
  });

  it("names every service's stack, and the foundation", () => {
    for (const id of ['Payments-Foundation', ...SERVICES.map(stackIdOf)]) {
      assert.ok(committed.includes(`| \`${id}\``), `${id} is not in the stacks table`);
    }
  });
});
