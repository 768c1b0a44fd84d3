/**
 * Chromium for the console's browser test, driven by playwright-core (no downloaded browser): the one
 * named by CHROMIUM_PATH, else the first Chromium on the PATH. Launched as a browser server so the test
 * knows its process, whose whole group (renderers, GPU and zygote processes) is killed at teardown even
 * when the browser does not close cleanly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, type BrowserServer, chromium } from 'playwright-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** The Chromium executable to drive, or an error saying how to get one. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const name of CANDIDATES) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // Not this one.
    }
  }
  throw new Error(
    'No Chromium found: install one (Debian: apt-get install chromium; .ci/run does) or set CHROMIUM_PATH',
  );
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** Closes the browser, then kills what is left of its process group. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const server: BrowserServer = await chromium.launchServer({
    executablePath: chromiumPath(),
    headless: true,
    // The sandbox needs user namespaces that containers (and root) often lack; the pages are our own.
    chromiumSandbox: false,
    args: ['--disable-dev-shm-usage', '--no-first-run', '--disable-gpu'],
  });
  const pid = server.process().pid;
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      if (pid !== undefined) {
        try {
          // Playwright starts the browser detached, as the leader of its own process group.
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
}
