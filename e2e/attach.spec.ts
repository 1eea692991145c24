// The Attach view against a real Studio: a recording proxy to the Studio's own juggler server (an
// upstream like any other), a Playground client pointed at the proxy's local URL, a call through it,
// and its proxy frames in Traces.
import { freePort } from '../test/redis-server';
import { expect, screenshotDir, test } from './fixtures';
import { addClient, clientColumn, setEditorText, unique } from './playground-helpers';

test('Attach starts a proxy and shows its local URL; a Playground client calls through it; Traces shows the proxy frames', async ({
  app,
}) => {
  const tag = `via-proxy-${unique()}`;
  // the Studio's own server, as the Playground shows it
  await app.keyboard.press('2');
  const serverUrl = await app.getByTestId('add-client-url').getAttribute('placeholder');
  expect(serverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);

  await app.keyboard.press('7');
  await expect(app.getByTestId('view-attach')).toBeVisible();
  await app.getByTestId('proxy-upstream').fill(serverUrl!);
  await app.getByTestId('proxy-headers').fill('X-Debugged-By: juggler-studio');
  await app.getByTestId('proxy-start').click();
  const row = app.getByTestId('proxy-row').filter({ hasText: serverUrl! }).last();
  await expect(row).toBeVisible();
  const localUrl = (await row.getByTestId('proxy-local-url').textContent())!;
  expect(localUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  expect(localUrl).not.toBe(serverUrl);
  await expect(row).toContainText('X-Debugged-By');
  // the status bar lists what the Studio watches
  await expect(app.getByTestId('status-watching')).toContainText(/watching: .*prox(y|ies) \(\d+ open\)/);

  await app.keyboard.press('2');
  await app.getByTestId('add-client-url').fill(localUrl);
  const col = await addClient(app, tag);
  await col.getByTestId('call-uri').fill('test.echo');
  await setEditorText(app, col.getByTestId('call-args'), `{"through": "${tag}"}`);
  await col.getByTestId('call-send').click();
  await expect(clientColumn(app, tag).getByTestId('call-result').getByTestId('call-result-value')).toContainText(tag);

  await app.keyboard.press('7');
  await expect(row.getByTestId('proxy-frames')).toHaveText('1 in / 2 out');
  await expect(row.getByTestId('proxy-connections')).toContainText('1 open');
  await app.screenshot({ path: `${screenshotDir}/attach.png` });

  await app.keyboard.press('1');
  const box = app.getByTestId('trace-search');
  await box.fill(tag);
  await box.press('Enter');
  const rows = app.getByTestId('trace-row');
  // the Studio's server sees the CALL too: the proxy's rows name the proxy connection
  await expect(
    rows
      .filter({ hasText: 'CALL' })
      .filter({ hasText: /proxy px\d+\.\d+/ })
      .first(),
  ).toBeVisible();
  await expect(
    rows
      .filter({ hasText: 'RES' })
      .filter({ hasText: /proxy px\d+\.\d+/ })
      .first(),
  ).toBeVisible();

  // the search box has the focus (keys go to it): switch by the tab
  await app.getByTestId('nav-attach').click();
  await row.getByTestId('proxy-stop').click();
  await expect(app.getByTestId('proxy-row').filter({ hasText: localUrl })).toHaveCount(0);
});

test('an upstream that is not a websocket URL is refused with the reason', async ({ app }) => {
  await app.keyboard.press('7');
  await app.getByTestId('proxy-upstream').fill('http://127.0.0.1:9000/ws');
  await app.getByTestId('proxy-start').click();
  await expect(app.getByTestId('proxy-problem')).toContainText('must be a ws:// or wss:// URL');
});

test('an upstream that is down: a client through the proxy is refused with 502, and the Attach view says why', async ({ app }) => {
  const port = await freePort();
  const upstream = `ws://127.0.0.1:${port}/ws`;
  await app.keyboard.press('7');
  await app.getByTestId('proxy-upstream').fill(upstream);
  await app.getByTestId('proxy-start').click();
  const row = app.getByTestId('proxy-row').filter({ hasText: upstream });
  const localUrl = (await row.getByTestId('proxy-local-url').textContent())!;

  await app.keyboard.press('2');
  await app.getByTestId('add-client-url').fill(localUrl);
  await app.getByTestId('add-client-name').fill(`down-${unique()}`);
  await app.getByTestId('add-client').click();
  await expect(app.getByTestId('add-client-problem')).toContainText('502');

  await app.getByTestId('nav-attach').click();
  await expect(row.getByTestId('proxy-last-refusal')).toContainText(/502 upstream ws:\/\/127\.0\.0\.1:\d+\/ws is unreachable/);
  await row.getByTestId('proxy-stop').click();
});
