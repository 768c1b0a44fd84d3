/**
 * The ops console's static build (console/): one esbuild build of its Preact pages into content-hashed
 * files under `assets/`, and the `index.html` that loads them, written next to the serving function's
 * bundle at synth time (the function serves them, infra/constructs/console.ts). No Vite: esbuild is
 * already how every bundle of this system is made, and it compiles JSX and CSS by itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSOLE_ENTRY = join(PROJECT_ROOT, 'console', 'src', 'main.tsx');
/** The URL path the console is served under (the API routes `GET /console` and `/console/{proxy+}`). */
export const CONSOLE_BASE = '/console/';
/** The folder, next to the function's `index.mjs`, the files are written to and served from. */
export const CONSOLE_FOLDER = 'console';

/** Builds the console into `outputDir/console/`; returns the files written, relative to that folder. */
export function buildConsole(outputDir: string): string[] {
  const root = join(outputDir, CONSOLE_FOLDER);
  const assets = join(root, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = buildSync({
    entryPoints: [CONSOLE_ENTRY],
    bundle: true,
    format: 'esm',
    // Current Chromium, Firefox and Safari (docs/contract.md, "Ops console").
    target: ['chrome120', 'firefox120', 'safari16'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: assets,
    metafile: true,
    legalComments: 'none',
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`the console build made no script or no style: ${outputs}`);
  writeFileSync(join(root, 'index.html'), indexHtml(script, style));
  writeFileSync(join(root, 'favicon.svg'), FAVICON);
  return [
    'index.html',
    'favicon.svg',
    ...outputs.map((file) => relative(root, join(assets, file)).split('\\').join('/')),
  ];
}

/** No inline script or style: the Content-Security-Policy allows this origin's files only. */
function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payments ops console</title>
<link rel="icon" href="${CONSOLE_BASE}favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${CONSOLE_BASE}assets/${style}">
<script type="module" src="${CONSOLE_BASE}assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The ops console needs JavaScript.</noscript>
</body>
</html>
`;
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d4ed8"/><path d="M4 11V5h4a2 2 0 0 1 0 4H4" stroke="#fff" stroke-width="1.6" fill="none"/></svg>';
