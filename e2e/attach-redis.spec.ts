// A Studio started attached to a redis it did not start (`--redis URL`, as `npm start -- --redis URL`
// does): the status bar names that redis and says the Studio is only watching; the Callees view's switch
// warns that switched on, its callees would take that system's calls, and asks before it does.

import { type RedisProcess, startRedis } from '../test/redis-server';
import type { Studio } from './fixtures';
import { test as base, expect, startWebStudio } from './fixtures';

// this file's worker runs its own Studio, attached to a redis-server of its own
const test = base.extend<object, { studio: Studio; foreign: RedisProcess }>({
  foreign: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads which fixtures a fixture needs from this pattern
    async ({}, use) => {
      const r = await startRedis();
      await use(r);
      await r.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  studio: [
    async ({ target, foreign }, use) => {
      if (target === 'electron') {
        await use({ url: '', output: () => '' });
        return;
      }
      const s = await startWebStudio(['--redis', foreign.url]);
      await use(s);
      s.proc?.kill('SIGTERM');
      await new Promise((r) => s.proc?.once('exit', r));
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

test.beforeEach(({ target }) => {
  test.skip(target === 'electron', 'the desktop app is started without --redis here');
});

test('started with --redis, the status bar names the attached redis and says the Studio is only watching', async ({
  app,
  foreign,
  studio,
}) => {
  const attached = app.getByTestId('status-attached');
  await expect(attached).toHaveText(`attached ${foreign.url}: watching only`);
  await expect(attached).toHaveAttribute('data-serving', 'false');
  expect(studio.output()).toMatch(new RegExp(`attached\\s+${foreign.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: watching only`));

  // the Redis view shows that redis, marked attached; the faults that would write to it are off
  await app.getByTestId('nav-redis').click();
  await expect(app.getByTestId('redis-target')).toHaveText(foreign.url);
  await expect(app.getByTestId('redis-attached-badge')).toHaveText('attached: watching only');
  await expect(app.getByTestId('redis-pause')).toBeDisabled();
  await expect(app.getByTestId('redis-faults-refused')).toContainText('the Studio only watches it');
});

test("the Callees view's switch warns that the callees would take that system's calls, and serves there only once confirmed", async ({
  app,
}) => {
  await app.getByTestId('nav-callees').click();
  const box = app.getByTestId('callees-attached');
  await expect(box.getByTestId('callees-attached-warning')).toContainText("they will take that system's calls");
  const toggle = box.getByTestId('callees-serve-attached');
  await expect(toggle).not.toBeChecked();

  // switching asks first; cancelled, nothing changes
  await toggle.click();
  await box.getByRole('button', { name: 'Cancel' }).click();
  await expect(toggle).not.toBeChecked();
  await expect(app.getByTestId('status-attached')).toHaveAttribute('data-serving', 'false');

  await toggle.click();
  await box.getByTestId('callees-serve-attached-confirm').click();
  await expect(toggle).toBeChecked();
  await expect(app.getByTestId('status-attached')).toContainText('serving callees on it');
  await expect(box.getByTestId('callees-attached-warning')).toContainText("they take that system's calls");

  // and off again: watching only
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(app.getByTestId('status-attached')).toContainText('watching only');
});
