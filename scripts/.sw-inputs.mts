import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../infra/constructs/function-bundles.js';
const out = await build({ ...BUNDLE_OPTIONS, entryPoints: [process.argv[2]!], write: false, outdir: '/tmp/sw-out', metafile: true });
const inputs = Object.entries(out.metafile.outputs).find(([k]) => k.endsWith('.mjs'))?.[1].inputs ?? {};
for (const [k, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, Number(process.argv[3] ?? 25)))
  console.log(v.bytesInOutput, k);
