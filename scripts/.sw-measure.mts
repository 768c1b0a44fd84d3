import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../infra/constructs/function-bundles.js';
for (const entry of process.argv.slice(2)) {
  const out = await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], write: false, outdir: '/tmp/sw-out', metafile: true });
  const js = out.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const inputs = Object.entries(out.metafile.outputs).find(([k]) => k.endsWith('.mjs'))?.[1].inputs ?? {};
  const lambda = Object.entries(inputs).filter(([k]) => k.includes('client-lambda')).reduce((a, [, v]) => a + v.bytesInOutput, 0);
  console.log(entry, js!.contents.length, 'KB; client-lambda', (lambda / 1024).toFixed(1), 'KB');
}
