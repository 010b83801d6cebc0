/**
 * The admin users page in Chromium against the real users API: create a user through the labelled form (the
 * API's field errors shown next to the field), change a role with the labelled select, and see self-demotion
 * refused. The UI is the built ui/dist; the platform runs in process on PGlite.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';
import { browserUnavailable, launchChromium, launcherServesUi, newContext } from '../ui/browser';

const unavailable = browserUnavailable();
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

jest.setTimeout(180_000);

describeBrowser('the admin users page (chromium)', () => {
  let running: TestPlatform;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureUiBuilt();
    running = await startTestPlatform({
      dataDirPrefix: 'smt-admin-page-',
      services: ['auth', 'users', 'customer'],
      workers: [],
      taskKinds: [],
      mailSender: false,
      ui: true,
    });
    browser = await launchChromium();
    const context = await newContext(browser, running.platform.url, !(await launcherServesUi(running.platform.url)));
    page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill('admin@demo.local');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('creates a user, shows field errors next to the field, and changes a role', async () => {
    await page.goto('/admin/users');
    await page.getByRole('cell', { name: 'buyer@demo.local', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'Create user' });
    const email = `floor-${randomUUID().slice(0, 8)}@example.com`;
    await form.getByLabel('Email', { exact: true }).fill(email);
    await form.getByLabel('Name', { exact: true }).fill('Floor Lead');
    await form.getByLabel('Role', { exact: true }).selectOption('production');
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    const passwordError = form
      .locator('.field.has-error')
      .filter({ has: page.getByLabel('Initial password', { exact: true }) });
    await passwordError.getByRole('alert').filter({ hasText: /8/ }).waitFor();

    await form.getByLabel('Initial password').fill('long enough pass');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByRole('status').filter({ hasText: email }).waitFor();
    await page.getByRole('cell', { name: email, exact: true }).waitFor();

    // The same email again: the conflict shows next to the email field.
    await form.getByLabel('Email', { exact: true }).fill(email.toUpperCase());
    await form.getByLabel('Name', { exact: true }).fill('Twin');
    await form.getByLabel('Initial password').fill('long enough pass');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form
      .locator('.field.has-error')
      .filter({ has: page.getByLabel('Email', { exact: true }) })
      .getByRole('alert')
      .filter({ hasText: 'already exists' })
      .waitFor();

    await page.getByLabel(`Role of ${email}`, { exact: true }).selectOption('qa');
    await page.getByRole('button', { name: `Save the role of ${email}` }).click();
    // Saved: the row reloads from the API and the save button is idle again on the new role.
    await page
      .getByRole('button', { name: `Save the role of ${email}` })
      .and(page.locator(':disabled'))
      .waitFor();
    const { api } = running;
    const users = (await api.get('/api/users', await api.login('admin@demo.local'))).body.users as {
      email: string;
      role: string;
    }[];
    expect(users.find((u) => u.email === email)?.role).toBe('qa');
    expect(await page.getByLabel(`Role of ${email}`, { exact: true }).inputValue()).toBe('qa');
    expect(await (await api.login(email, 'long enough pass')).length).toBeGreaterThan(10);
  });

  it('shows the refusal of self-demotion next to the role', async () => {
    await page.goto('/admin/users');
    await page.getByLabel('Role of admin@demo.local', { exact: true }).selectOption('manager');
    await page.getByRole('button', { name: 'Save the role of admin@demo.local' }).click();
    const row = page.getByRole('form', { name: 'Change the role of admin@demo.local' });
    await row.getByRole('alert').filter({ hasText: 'own admin role' }).waitFor();
  });
});
