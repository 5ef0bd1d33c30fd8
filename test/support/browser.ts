/**
 * Real-browser tests: playwright-core drives Debian's Chromium (never a downloaded browser). .ci/run installs the
 * `chromium` package; on a machine without it the suite is reported as skipped, and its title says why.
 *
 *   SWITCHBOARD_TEST_CHROMIUM   path of the browser (default /usr/bin/chromium)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SWITCHBOARD_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** The built console (`npm run build`) that startWeb serves at /admin. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../admin-ui/dist/', import.meta.url));

/** Where screenshots go; CI keeps the folder as an artifact. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

/** Why the browser suites cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set SWITCHBOARD_TEST_CHROMIUM)`;
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) return 'the console is not built (run npm run build)';
  return undefined;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * What went wrong inside the page: uncaught exceptions and console errors. A browser logs every 4xx answer as
 * "Failed to load resource"; the answers a test expects (401 of /auth/me before sign-in, of a wrong password) are
 * passed in `expectedStatuses`.
 */
export function collectPageProblems(page: Page, expectedStatuses: readonly number[] = []): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (expectedStatuses.some((status) => text.includes(`status of ${status} `))) return;
    problems.push(`console.error: ${text}`);
  });
  return problems;
}
