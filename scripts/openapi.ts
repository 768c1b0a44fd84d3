/**
 * Writes `docs/openapi.json` from the zod schemas (shared/schemas/openapi.ts), formatted by Biome so
 * the file stays clean under `npm run lint`. Run `npm run openapi` after changing a schema or a route.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../shared/schemas/openapi.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

writeFileSync(target, `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
execFileSync('npx', ['biome', 'format', '--write', target], { cwd: root, stdio: 'inherit' });
console.log(`wrote ${target}`);
