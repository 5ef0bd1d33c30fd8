/**
 * The admin console in a real browser (Debian's Chromium through playwright-core) against the real server: the
 * built console served at /admin by startWeb, the real admin API, SQLite. A newcomer's first minutes, once with a
 * browser that asks for English and once for Chinese: first-run setup with the token from the server log → no tenant
 * yet → create one → the bots list → sign out → a wrong password → sign in → the bots list with a bot → switch the
 * language, reload, still switched. Screenshots land in test-results/console/.
 *
 * The texts the test looks for are read from the console's own resource files, so a page that falls back to the
 * other language fails.
 */
import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import enUS from '../../admin-ui/src/i18n/locales/en-US.json' with { type: 'json' };
import zhCN from '../../admin-ui/src/i18n/locales/zh-CN.json' with { type: 'json' };
import { startWeb, type WebHandle } from '../../src/main.js';
import { createLogger } from '../../src/observability/logger.js';
import { browserUnavailable, collectPageProblems, launchChromium, SCREENSHOT_DIR } from '../support/browser.js';
import { createTestRuntime, seedBot, type TestRuntime } from '../support/runtime.js';

const TEXTS = { 'en-US': enUS, 'zh-CN': zhCN } as const;
type Language = keyof typeof TEXTS;
const OTHER: Record<Language, Language> = { 'en-US': 'zh-CN', 'zh-CN': 'en-US' };

const PASSWORD = 'correct horse battery staple';

interface ConsoleServer {
  t: TestRuntime;
  web: WebHandle;
  /** The one-time setup token the server printed in its log. */
  setupToken(): string;
  close(): Promise<void>;
}

async function startConsoleServer(): Promise<ConsoleServer> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const t = await createTestRuntime({ database: 'sqlite', logger: createLogger({ level: 'warn', destination: sink }) });
  const web = await startWeb(t.runtime, { port: 0, host: '127.0.0.1' });
  return {
    t,
    web,
    setupToken() {
      const token = /setup token (setup_[A-Za-z0-9_-]+)/.exec(lines.join('\n'))?.[1];
      if (!token) throw new Error(`no setup token in the server log:\n${lines.join('')}`);
      return token;
    },
    async close() {
      await web.close();
      await t.dispose();
    },
  };
}

/** The console needs the admin API; a build without it (POST /api/v1/auth/login answers 404) cannot be walked. */
async function adminApiMissing(): Promise<string | undefined> {
  const server = await startConsoleServer();
  try {
    const res = await fetch(`${server.web.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return res.status === 404 ? 'the admin API is not in this build (POST /api/v1/auth/login answers 404)' : undefined;
  } finally {
    await server.close();
  }
}

const unavailable = browserUnavailable() ?? (await adminApiMissing());
const describeConsole = unavailable ? (title: string, fn: () => void) => describe.skip(`${title} [skipped: ${unavailable}]`, fn) : describe;

/**
 * A button by its label. antd puts a space between the two characters of a two-character Chinese label ("登 录"),
 * and an icon before the label adds its own name ("plus Create a tenant").
 */
function buttonName(text: string): RegExp {
  return new RegExp(`${[...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*')}\\s*$`);
}

async function shot(page: Page, name: string): Promise<void> {
  // Transitions (a table's loading fade, a menu folding) are finished, not caught half-way.
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true, animations: 'disabled' });
}

describeConsole('admin console in a real browser: setup → sign-in → shell', () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const language of ['en-US', 'zh-CN'] as const) {
    it(`walks a newcomer's first minutes with a browser asking for ${language}`, async () => {
      const tx = TEXTS[language];
      const server = await startConsoleServer();
      const context = await browser.newContext({ locale: language, viewport: { width: 1280, height: 800 } });
      // A step that fails names itself long before the test's own deadline.
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      // Answers the walk provokes: 401 of GET /auth/me before sign-in and of the wrong password, 403 of the wrong
      // setup token.
      const problems = collectPageProblems(page, [401, 403]);
      const heading = () => page.getByRole('heading', { level: 1 });
      try {
        // A fresh server sends everyone to first-run setup, in the browser's language.
        await page.goto(`${server.web.url}/admin/`);
        await page.waitForURL('**/admin/setup');
        await expect.poll(() => heading().textContent()).toBe(tx.setup.title);
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        await shot(page, `${language}-setup`);

        await page.getByLabel(tx.setup.token, { exact: true }).fill('setup_not-the-right-one');
        await page.getByLabel(tx.setup.email, { exact: true }).fill('ada@example.com');
        await page.getByLabel(tx.setup.password, { exact: true }).fill(PASSWORD);
        await page.getByLabel(tx.setup.confirm, { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: buttonName(tx.setup.submit) }).click();
        // A wrong token is told next to its field, in words.
        await page.getByText(tx.errors.setup_token_invalid).waitFor();
        await shot(page, `${language}-setup-wrong-token`);

        await page.getByLabel(tx.setup.token, { exact: true }).fill(server.setupToken());
        await page.getByLabel(tx.setup.name, { exact: true }).fill('Ada');
        await page.getByRole('button', { name: buttonName(tx.setup.submit) }).click();

        // Signed in, no tenant yet: the page says what to do next.
        await page.getByText(tx.tenants.noneTitle).waitFor();
        await page.getByText(tx.tenants.noneAdmin).waitFor();
        await shot(page, `${language}-no-tenant`);
        await page.getByRole('button', { name: buttonName(tx.tenants.create) }).click();
        await page.getByLabel(tx.tenants.name, { exact: true }).fill('Acme Corp');
        // The short name is proposed from a Latin-script name.
        await expect.poll(() => page.getByLabel(tx.tenants.slug, { exact: true }).inputValue()).toBe('acme-corp');
        await page.getByLabel(tx.tenants.slug, { exact: true }).fill('acme');
        await page.getByRole('dialog').getByRole('button', { name: buttonName(tx.tenants.submit) }).click();

        await page.waitForURL('**/admin/t/*/bots');
        await expect.poll(() => heading().textContent()).toBe(tx.bots.title);
        await page.getByText(tx.bots.emptyTitle).waitFor();
        await expect.poll(() => page.getByTestId('tenant-switcher').textContent()).toContain('Acme Corp');
        await shot(page, `${language}-bots-empty`);

        // A bot (as config apply or the API would add it) shows with its status, workflow and callback URL.
        const { tenantId, botId } = await seedBot(server.t.runtime);
        expect(page.url(), 'the bot went into the tenant created in the console').toContain(`/admin/t/${tenantId}/bots`);

        // Sign out; a wrong password is refused in words; the right one opens the tenant used last.
        await page.getByTestId('user-menu').click();
        await page.getByText(tx.user.signOut, { exact: true }).click();
        await page.waitForURL('**/admin/sign-in');
        await expect.poll(() => heading().textContent()).toBe(tx.signIn.title);
        await page.getByLabel(tx.signIn.email, { exact: true }).fill('ada@example.com');
        await page.getByLabel(tx.signIn.password, { exact: true }).fill('not my password');
        await page.getByRole('button', { name: buttonName(tx.signIn.submit) }).click();
        await page.getByText(tx.signIn.badCredentials).waitFor();
        await shot(page, `${language}-sign-in-wrong-password`);
        await page.getByLabel(tx.signIn.password, { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: buttonName(tx.signIn.submit) }).click();

        await page.waitForURL(`**/admin/t/${tenantId}/bots`);
        const row = page.getByTestId('bots-table').locator('tr', { hasText: 'helpdesk' });
        await row.waitFor();
        const rowText = await row.textContent();
        for (const expected of [tx.bots.enabled, tx.platforms.wecom, tx.modes.wecom.app, 'echo', `${server.web.url}/hooks/wecom/${botId}`]) {
          expect(rowText).toContain(expected);
        }
        await shot(page, `${language}-bots`);

        // At tablet width the side menu folds to icons; tenant, language and account stay reachable.
        await page.setViewportSize({ width: 800, height: 800 });
        await page.getByTestId('user-menu').waitFor();
        await expect.poll(() => page.getByTestId('tenant-switcher').isVisible()).toBe(true);
        await shot(page, `${language}-bots-800`);
        await page.setViewportSize({ width: 1280, height: 800 });

        // A tenant that is not the user's looks like one that does not exist; the way back is one click.
        await page.goto(`${server.web.url}/admin/t/someone-elses-tenant/bots`);
        await page.getByText(tx.tenants.notFoundTitle).waitFor();
        expect(await page.getByTestId('tenant-switcher').textContent()).not.toContain('someone-elses-tenant');
        await shot(page, `${language}-tenant-not-found`);
        await page.getByRole('link', { name: buttonName(tx.tenants.goHome) }).click();
        await page.waitForURL(`**/admin/t/${tenantId}/bots`);
        await row.waitFor();

        // The language switch changes every text at once, and the choice outlives a reload.
        const other = TEXTS[OTHER[language]];
        await page.getByTestId('language-switch').click();
        await page.getByTitle(other.language[OTHER[language]], { exact: true }).click();
        await expect.poll(() => heading().textContent()).toBe(other.bots.title);
        await page.reload();
        await expect.poll(() => heading().textContent()).toBe(other.bots.title);
        expect(await page.locator('html').getAttribute('lang')).toBe(OTHER[language]);
        await shot(page, `${language}-then-${OTHER[language]}-bots`);

        expect(problems).toEqual([]);
      } finally {
        await context.close();
        await server.close();
      }
    }, 120_000);
  }
});
