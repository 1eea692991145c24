// The Traces view against a real Studio: traffic is made through the bridge exactly as the UI makes
// it (a second bridge websocket with the page's token), and checked in the page.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { BridgeClient } from '../src/shared/bridge/client';
import type { BridgeFrame } from '../src/shared/bridge/frame';
import { expect, screenshotDir, test } from './fixtures';

/** A bridge client of its own on the page's host, with the page's token and origin. */
async function bridgeOf(page: Page): Promise<{ bridge: BridgeClient; close(): void }> {
  const u = new URL(page.url());
  const ws = new WebSocket(`ws://${u.host}/bridge?token=${u.searchParams.get('token')}`, { origin: u.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const bridge = new BridgeClient({
    send: (f: BridgeFrame) => ws.send(JSON.stringify(f)),
    onFrame: (cb) => {
      const l = (data: WebSocket.RawData) => cb(JSON.parse(data.toString()) as BridgeFrame);
      ws.on('message', l);
      return () => ws.off('message', l);
    },
  });
  return {
    bridge,
    close() {
      bridge.close();
      ws.close();
    },
  };
}

let traffic: { bridge: BridgeClient; close(): void } | undefined;
let clientId = '';

test.beforeEach(async ({ app }) => {
  traffic = await bridgeOf(app);
  const clients = await traffic.bridge.call('clients.list');
  clientId =
    clients.find((c) => c.state === 'open')?.clientId ?? (await traffic.bridge.call('clients.connect', { name: 'e2e traces' })).clientId;
});

test.afterEach(() => traffic?.close());

function call(args: unknown, uri = 'test.echo') {
  return traffic!.bridge.call('clients.call', { clientId, uri, args });
}

const rows = (app: Page) => app.getByTestId('trace-row');

async function search(app: Page, text: string, regex = false) {
  const box = app.getByTestId('trace-search');
  await box.fill(text);
  await box.press('Enter');
  if ((await app.getByTestId('trace-regex').isChecked()) !== regex) await app.getByTestId('trace-regex').click();
}

test('a call shows as CALL, ACK and RES; clicking the CALL opens its waterfall with every hop and verdict ok', async ({ app }) => {
  const out = await call({ word: 'waterfall-1' });
  expect(out.ok).toBe(true);
  await search(app, out.uuid);
  await expect(app.getByTestId('trace-hidden')).toContainText(/showing \d+ of \d+/);
  for (const type of ['CALL', 'ACK', 'RES']) await expect(rows(app).filter({ hasText: type }).first()).toBeVisible();
  await rows(app).filter({ hasText: 'CALL' }).filter({ hasText: '← in' }).first().click();
  const wf = app.getByTestId('trace-waterfall');
  await expect(wf.getByTestId('trace-verdict')).toHaveAttribute('data-verdict', 'ok');
  await expect(wf.getByTestId('trace-verdict')).toContainText('ok');
  const hops = wf.getByTestId('trace-hop');
  for (const label of ['CALL in', 'push call', 'pop call', 'run', 'push result', 'pop result', 'RES out'])
    await expect(hops.filter({ hasText: new RegExp(`^${label}`) }).first()).toBeVisible();
  await expect(wf.getByTestId('trace-total')).toContainText(/total [\d.]+ ms/);
  // the selected event as a JSON tree, its frame text parsed
  await expect(app.getByTestId('trace-json')).toContainText('waterfall-1');
  // the connection id in full (the column cuts it), and a filter by it
  await expect(app.getByTestId('trace-conn-id')).toContainText(/server [0-9a-f-]{36}/);
  // the log with the waterfall open, for the README
  await app.getByTestId('trace-clear-filters').click();
  await expect(app.getByTestId('trace-hidden')).toBeHidden();
  for (let i = 0; i < 5; i++) await call(`more traffic ${i}`, i % 2 ? 'test.reverse' : 'test.echo');
  await app.screenshot({ path: `${screenshotDir}/traces.png` });
});

test('filters by type and searches by text and regex, saying how many events they hide', async ({ app }) => {
  await call('regex-target-17');
  await call('regex-target-2');
  await expect(rows(app).first()).toBeVisible();
  await app.getByTestId('trace-type').selectOption('RES');
  await expect(app.getByTestId('trace-hidden')).toContainText(/showing [\d,]+ of [\d,]+/);
  await expect.poll(async () => [...new Set(await rows(app).locator('.tl-type').allTextContents())]).toEqual(['RES']);
  await app.getByTestId('trace-clear-filters').click();

  await search(app, 'regex-target-17');
  await expect(app.getByTestId('trace-hidden')).toBeVisible();
  await expect(rows(app).filter({ hasText: 'CALL' }).first()).toBeVisible();
  const plain = await rows(app).count();
  await search(app, 'regex-target-\\d+"', true);
  await expect.poll(() => rows(app).count()).toBeGreaterThan(plain);
  await search(app, 'regex-target-(', true);
  await expect(app.getByRole('alert')).toContainText('not a valid regular expression');
  await app.getByTestId('trace-clear-filters').click();
  await expect(app.getByTestId('trace-hidden')).toBeHidden();
});

test('pause keeps new events without showing them, counts them, and resume shows them', async ({ app }) => {
  await call('before pause');
  await expect(rows(app).first()).toBeVisible();
  await app.locator('body').press('Space');
  await expect(app.getByTestId('trace-paused')).toBeVisible();
  const lastBefore = await rows(app).last().getAttribute('data-seq');
  for (let i = 0; i < 3; i++) await call(`while-paused-${i}`);
  await expect(app.getByTestId('trace-paused')).toContainText(/Paused: [1-9][\d,]* new events kept/);
  expect(await rows(app).last().getAttribute('data-seq')).toBe(lastBefore);
  await search(app, 'while-paused-2');
  await expect(app.getByTestId('trace-paused')).toContainText(/\([1-9]\d* match the filters\)/);
  await expect(rows(app)).toHaveCount(0);
  await app.getByTestId('trace-pause').click();
  await expect(app.getByTestId('trace-paused')).toBeHidden();
  await expect(rows(app).filter({ hasText: 'CALL' }).first()).toBeVisible();
});

test('resend sends a traced CALL again from a playground client; drops are counted in view', async ({ app }) => {
  const out = await call('resend me');
  await search(app, out.uuid);
  await rows(app).filter({ hasText: 'CALL' }).first().click();
  await app.getByTestId('trace-resend').click();
  await expect(app.getByTestId('trace-notice')).toContainText(/Resent as \S+: ok in [\d.]+ ms/);
  await expect(app.getByTestId('trace-dropped')).toContainText(/[\d,]+ dropped/);
});

test('exports the session to a file and imports it back, with recording off until switched on', async ({ app }, info) => {
  const out = await call('exported-call');
  await search(app, out.uuid);
  await expect(rows(app).filter({ hasText: 'RES' }).first()).toBeVisible();
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByTestId('trace-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^juggler-trace-.*\.ndjson$/);
  const file = info.outputPath('session.ndjson');
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  expect(text.split('\n')[0]).toContain('juggler-studio-trace');
  expect(text).toContain(out.uuid);

  // with a live session held, importing asks first; cancel keeps the session
  const [first] = await Promise.all([app.waitForEvent('filechooser'), app.getByTestId('trace-import').click()]);
  await first.setFiles(file);
  await expect(app.getByTestId('trace-import-confirm')).toContainText(/replaces the live session \([\d,]+ events on the host\)/);
  await app.getByTestId('trace-import-cancel').click();
  await expect(app.getByTestId('trace-import-confirm')).toBeHidden();
  await expect(app.getByTestId('trace-imported')).toBeHidden();

  await app.getByTestId('trace-clear').click();
  await expect(rows(app)).toHaveCount(0);
  const [chooser] = await Promise.all([app.waitForEvent('filechooser'), app.getByTestId('trace-import').click()]);
  await chooser.setFiles(file);
  // a cleared host may still hold a few events (the clear itself, the page's own calls): confirm if asked
  const confirm = app.getByTestId('trace-import-replace');
  await expect(confirm.or(app.getByTestId('trace-imported'))).toBeVisible();
  if (await confirm.isVisible()) await confirm.click();
  await expect(app.getByTestId('trace-imported')).toContainText(/imported session: [\d,]+ events from session\.ndjson/);
  await expect(app.getByTestId('trace-imported')).toContainText('Recording is off');
  await expect(app.getByTestId('trace-toggle')).toHaveAttribute('data-enabled', 'false');
  await expect(rows(app).filter({ hasText: 'RES' }).first()).toBeVisible();
  await rows(app).filter({ hasText: 'CALL' }).first().click();
  await expect(app.getByTestId('trace-verdict')).toHaveAttribute('data-verdict', 'ok');

  await app.getByTestId('trace-toggle').click();
  await expect(app.getByTestId('trace-toggle')).toHaveAttribute('data-enabled', 'true');
  await expect(app.getByTestId('trace-imported')).toBeHidden();
});

test('Space pauses even with a row focused; a filter typed just before switching view is kept', async ({ app }) => {
  const out = await call('focus-me');
  // a short, stable list: the call's own events
  await search(app, out.uuid);
  await expect(rows(app).filter({ hasText: 'RES' }).first()).toBeVisible();
  // select a row, then move with the keyboard: focus follows the selected row
  await rows(app).first().click();
  await app.keyboard.press('ArrowDown');
  await expect(app.locator('[data-testid="trace-row"]:focus')).toHaveCount(1);
  await app.keyboard.press('Space');
  await expect(app.getByTestId('trace-paused')).toBeVisible();
  await app.keyboard.press('Space');
  await expect(app.getByTestId('trace-paused')).toBeHidden();
  await app.getByTestId('trace-clear-filters').click();

  // typed, then away within the filter's debounce: the edit must still be applied
  await app.getByTestId('trace-target').fill('kept-filter');
  await app.getByTestId('nav-playground').click();
  await app.getByTestId('nav-traces').click();
  await expect(app.getByTestId('trace-target')).toHaveValue('kept-filter');
  await expect(app.getByTestId('trace-hidden')).toBeVisible();
  await app.getByTestId('trace-clear-filters').click();
});

test("the Redis view's polling is hidden from Traces unless housekeeping is shown; -x excludes", async ({ app }) => {
  await app.getByTestId('nav-redis').click();
  await expect(app.getByTestId('view-redis')).toBeVisible();
  await traffic!.bridge.call('redis.snapshot');
  await call('not housekeeping');
  await app.getByTestId('nav-traces').click();
  const inspectorRows = rows(app).filter({ has: app.locator('.tl-peer', { hasText: /^inspector$/ }) });
  await expect(app.getByTestId('trace-housekeeping-hidden')).toContainText(/[1-9][\d,]* housekeeping events hidden/);
  await expect(inspectorRows).toHaveCount(0);
  await app.getByTestId('trace-housekeeping').check();
  await app.getByTestId('trace-kind-redis').click();
  await expect(inspectorRows.first()).toBeVisible();
  await app.getByTestId('trace-conn').fill('-inspector');
  await app.getByTestId('trace-conn').press('Enter');
  await expect(inspectorRows).toHaveCount(0);
  await expect(rows(app).first()).toBeVisible();
  await app.getByTestId('trace-clear-filters').click();
  await app.getByTestId('trace-housekeeping').uncheck();
});
