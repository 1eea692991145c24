import WebSocket from 'ws';
import { expect, screenshotDir, test } from './fixtures';
import { openPageBridge } from './page-bridge';

test('an edit of the Studio client reaches the server side, shows in the timeline, and revisions can be scrubbed and compared', async ({
  app,
}) => {
  await app.getByTestId('nav-sync').click();
  await expect(app.getByTestId('peer-client')).toBeVisible();
  await expect(app.getByTestId('peer-server')).toBeVisible();
  await expect(app.getByTestId('history-select')).toHaveValue(/server-\d+\/remote/);

  const editor = app.getByTestId('edit-json');
  await expect(app.getByTestId('edit-peer')).toHaveValue('studio-client');
  await editor.fill('{"note": "first edit", "items": [1,');
  await expect(app.getByTestId('edit-validation')).toHaveText(/invalid JSON/);
  await expect(app.getByTestId('edit-apply')).toBeDisabled();

  await editor.fill('{"note": "first edit", "items": [1, 2]}');
  await expect(app.getByTestId('edit-validation')).toHaveText('valid JSON');
  await app.getByTestId('edit-apply').click();
  // the server side's mirror follows after the batching window
  await expect(app.getByTestId('tree-server-remote')).toContainText('"first edit"');
  await expect(app.getByTestId('patch-timeline').getByTestId('patch-op').filter({ hasText: '"first edit"' }).first()).toBeVisible();

  await editor.fill('{"note": "second edit", "items": [1, 2, 3]}');
  await app.getByTestId('edit-apply').click();
  await expect(app.getByTestId('tree-server-remote')).toContainText('"second edit"');
  const latest = app.getByTestId('timeline-entry').first();
  await expect(latest.getByTestId('patch-op').filter({ hasText: /second edit/ })).toHaveCount(1);
  await expect(latest.getByTestId('patch-op').filter({ hasText: /^add \/items\/2 3$/ })).toHaveCount(1);
  await latest.getByRole('button').click();
  await expect(app.getByTestId('change-detail')).toContainText('"second edit"');
  await expect(app.getByTestId('change-detail').locator('.jt-hl').first()).toBeVisible();

  // one revision back: the older state
  const scrubState = app.getByTestId('scrub-state');
  await expect(scrubState).toContainText('"second edit"');
  await app.getByTestId('scrubber').focus();
  await app.keyboard.press('ArrowLeft');
  await expect(scrubState).toContainText('"first edit"');
  await expect(scrubState).not.toContainText('"second edit"');

  // the diff between the two edits
  const last = await app.getByTestId('diff-to').inputValue();
  await app.getByTestId('diff-from').selectOption(String(Number(last) - 1));
  const ops = app.getByTestId('diff-ops');
  await expect(ops).toContainText('replace /note "second edit"');
  await expect(ops).toContainText('add /items/2 3');
  await expect(app.getByTestId('diff-state').locator('.jt-hl').first()).toBeVisible();
  await expect(app.getByTestId('sync-divergence-alarm')).toHaveCount(0);

  await app.getByTestId('view-sync').evaluate((el) => el.scrollTo(0, 0));
  await app.screenshot({ path: `${screenshotDir}/sync.png` });
});

test('another app connects to the sync server: pinned, it stays after it closes; unpinned, it goes; the history bounds are shown', async ({
  app,
}) => {
  const bridge = await openPageBridge(app.url());
  try {
    await app.getByTestId('nav-sync').click();
    await expect(app.getByTestId('sync-bounds-host')).toContainText('at most 5,000 per replica and 64.0 MiB');
    await expect(app.getByTestId('sync-bounds-view')).toContainText('at most 2,000 per replica and 32.0 MiB');

    const url = (await bridge.client.call('host.info')).sync.url;
    const other = new WebSocket(url);
    await new Promise((resolve, reject) => other.once('open', resolve).once('error', reject));
    other.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { app: 'other' } }] }));
    let peerId = '';
    await expect(async () => {
      const peers = (await bridge.client.call('sync.overview')).peers;
      peerId = peers.at(-1)!.peerId;
      expect(peerId).toMatch(/^server-\d+$/);
      expect((await bridge.client.call('sync.history', { peerId, replica: 'remote' })).length).toBeGreaterThan(0);
    }).toPass();
    const select = app.getByTestId('history-select');
    await expect(select.locator(`option[value="${peerId}/remote"]`)).toHaveCount(1);
    await select.selectOption(`${peerId}/remote`);
    const pin = app.getByTestId('sync-pin');
    await expect(pin).not.toBeChecked();
    // the box follows the host's answer (a controlled input): click, then wait for the state
    await pin.click();
    await expect(app.getByTestId('sync-notice')).toContainText(`${peerId} is pinned`);
    await expect(pin).toBeChecked();

    other.close();
    await expect(select.locator(`option[value="${peerId}/remote"]`)).toContainText('closed, pinned');
    await expect(pin).toBeChecked();

    // unpinned while closed: the host forgets it, and the view with it
    await pin.click();
    await expect(select.locator(`option[value="${peerId}/remote"]`)).toHaveCount(0);
    await expect(app.getByTestId('sync-bounds-host')).toContainText(/and [1-9][\d,]* closed peers/);
  } finally {
    bridge.close();
  }
});
