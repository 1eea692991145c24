import { expect, screenshotDir, test } from './fixtures';

test('the Studio loads, reaches its host and shows redis, server and callees healthy', async ({ app }) => {
  const bar = app.getByTestId('status-bar');
  await expect(bar.getByText('redis up')).toBeVisible();
  // every registered callee runs (other specs of the same run may have added user callees)
  await expect(bar.getByText(/callees (\d+)\/\1 running/)).toBeVisible();
  await expect(app.getByTestId('view-traces')).toBeVisible();
  await app.screenshot({ path: `${screenshotDir}/shell.png` });
});

test('keyboard shortcuts switch views, open the help and switch the theme', async ({ app }) => {
  await app.keyboard.press('2');
  await expect(app.getByTestId('view-playground')).toBeVisible();
  await app.keyboard.press('?');
  await expect(app.getByTestId('help-overlay')).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('help-overlay')).toBeHidden();
  const before = await app.evaluate(() => document.documentElement.dataset.theme);
  await app.keyboard.press('Shift+T');
  await expect.poll(() => app.evaluate(() => document.documentElement.dataset.theme)).not.toBe(before);
});

test('a page opened without the token, or with a wrong one, says so and how to get the URL', async ({ app, studio, target }) => {
  test.skip(target === 'electron', 'the desktop app needs no token');
  const page = await app.context().newPage();
  const base = studio.url.replace(/\?token=.*$/, '');
  await page.goto(base);
  await expect(page.getByTestId('link-banner')).toContainText("opened without the Studio's token");
  await expect(page.getByTestId('link-banner')).toContainText('Open the URL the Studio printed');
  await page.goto(`${base}?token=${'0'.repeat(64)}`);
  await expect(page.getByTestId('link-banner')).toContainText("refused this page's token");
  await expect(page.getByTestId('status-bar').getByText('host refused')).toBeVisible();
  await page.close();
});

test('a first run says what is running, with the server URL in full, and a first call opens its waterfall', async ({ app }) => {
  const welcome = app.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(app.getByTestId('welcome-server-url')).toHaveText(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  await expect(app.getByTestId('status-bar')).toContainText(/server ws:\/\/127\.0\.0\.1:\d+\/ws · \d+ conn/);
  await app.getByTestId('welcome-first-call').click();
  await expect(welcome).toContainText('Done: the waterfall');
  await expect(app.getByTestId('trace-verdict')).toHaveAttribute('data-verdict', 'ok');
  await app.getByTestId('welcome-dismiss').click();
  await expect(welcome).toBeHidden();
  await app.reload();
  await app.getByTestId('status-bar').getByText('host open').waitFor();
  await expect(app.getByTestId('welcome')).toBeHidden();
});
