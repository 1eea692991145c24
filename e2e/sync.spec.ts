import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { expect, screenshotDir, test } from './fixtures';
import { openPageBridge } from './page-bridge';
import { setEditorText } from './playground-helpers';

/** The history picker's selected option. */
const selectedHistory = (app: Page) => app.getByTestId('history-select').locator('option:checked');

/** Types `text` into the local-data editor (the JSON CodeEditor). */
const setLocalText = (app: Page, text: string) => setEditorText(app, app.getByTestId('edit-json'), text);

/** A `juggler sync-server` the Studio did not start, stopped by pid in `stop`. */
async function startSyncServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const proc: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, '..', 'bin', 'juggler.js'), 'sync-server', '--addr', '127.0.0.1:0', '--generation', '0.7', '--demo'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line within 15 s:\n${out}`)), 15_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`sync-server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    async stop() {
      if (proc.pid && proc.exitCode === null) {
        process.kill(proc.pid, 'SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
    },
  };
}

test('an edit of the Studio client reaches the server side, shows in the timeline, and revisions can be scrubbed and compared', async ({
  app,
}) => {
  await app.getByTestId('nav-sync').click();
  await expect(app.getByTestId('peer-client')).toBeVisible();
  await expect(app.getByTestId('peer-server')).toBeVisible();
  // a history with changes (issue 13; a fresh Studio's server-side remote copy has none yet)
  await expect(selectedHistory(app)).toHaveText(/\(seed, [1-9]\d* changes/);

  // the local data is edited in the JSON code editor, a parse error marked where it is (issue 13)
  const editor = app.getByTestId('edit-json');
  await expect(app.getByTestId('edit-peer')).toHaveValue('studio-client');
  await expect(editor).toHaveAttribute('data-language', 'json');
  await setLocalText(app, '{"note": "first edit", "items": [1,');
  await expect(app.getByTestId('edit-validation')).toHaveText(/invalid JSON/);
  // a parse error at the end of the text is a point mark, elsewhere a range
  await expect(editor.locator('.cm-lintRange-error, .cm-lintPoint-error')).toHaveCount(1);
  await expect(app.getByTestId('edit-apply')).toBeDisabled();

  await setLocalText(app, '{"note": "first edit", "items": [1, 2]}');
  await expect(app.getByTestId('edit-validation')).toHaveText('valid JSON');
  await expect(editor.locator('.cm-lintRange-error, .cm-lintPoint-error')).toHaveCount(0);
  await app.getByTestId('edit-apply').click();
  // the server side's mirror follows after the batching window
  await expect(app.getByTestId('tree-server-remote')).toContainText('"first edit"');
  await expect(app.getByTestId('patch-timeline').getByTestId('patch-op').filter({ hasText: '"first edit"' }).first()).toBeVisible();

  await setLocalText(app, '{"note": "second edit", "items": [1, 2, 3]}');
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
  // the old value beside the new one: on the operation's line, and the two states side by side (issue 13)
  await expect(ops.locator('li', { hasText: 'replace /note' }).getByTestId('op-old')).toHaveText('was "first edit"');
  await expect(app.getByTestId('diff-old-state')).toContainText('"first edit"');
  await expect(app.getByTestId('diff-old-state')).not.toContainText('"second edit"');
  await expect(app.getByTestId('diff-state')).toContainText('"second edit"');
  await expect(app.getByTestId('diff-state')).not.toContainText('"first edit"');
  await expect(
    latest
      .getByTestId('patch-op')
      .filter({ hasText: /second edit/ })
      .getByTestId('op-old'),
  ).toHaveText('was "first edit"');
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

test('"History of" opens on a replica with changes while the latest server connection has none, and follows it once it has some (issue 13)', async ({
  app,
}) => {
  const bridge = await openPageBridge(app.url());
  const url = (await bridge.client.call('host.info')).sync.url;
  // another app connects and sends nothing: the newest server peer's remote copy has no change
  const other = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => other.once('open', resolve).once('error', reject));
    let peerId = '';
    await expect(async () => {
      const peers = (await bridge.client.call('sync.overview')).peers;
      peerId = peers.at(-1)!.peerId;
      expect(peerId).toMatch(/^server-\d+$/);
      expect(peers.at(-1)!.connected).toBe(true);
    }).toPass();
    // a fresh page reads the peers as they are now
    await app.reload();
    await app.getByTestId('status-bar').getByText('host open').waitFor();
    await app.getByTestId('nav-sync').click();
    const select = app.getByTestId('history-select');
    await expect(select.locator(`option[value="${peerId}/remote"]`)).toContainText('0 changes');
    await expect(selectedHistory(app)).toHaveText(/\(seed, [1-9]\d* changes/);
    await expect(select).not.toHaveValue(`${peerId}/remote`);
    await expect(app.getByTestId('patch-timeline')).toBeVisible();

    // until the user picks a history, the view moves to the server side's remote copy once it has changes
    other.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { app: 'other' } }] }));
    await expect(select).toHaveValue(`${peerId}/remote`);
    // a history the user picked stays picked
    await select.selectOption('studio-client/remote');
    other.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { app: 'other', n: 2 } }] }));
    await expect(select.locator(`option[value="${peerId}/remote"]`)).toContainText('2 changes');
    await expect(select).toHaveValue('studio-client/remote');
  } finally {
    other.close();
    bridge.close();
  }
});

test("Jump here sets the Studio client's local data to a past revision and the server side's remote copy follows; a remote copy cannot (issue 13)", async ({
  app,
}) => {
  const bridge = await openPageBridge(app.url());
  try {
    await app.getByTestId('nav-sync').click();
    await expect(app.getByTestId('edit-peer')).toHaveValue('studio-client');
    const serverRemote = app.getByTestId('tree-server-remote');
    await setLocalText(app, '{"jump": "A", "list": [1, 2]}');
    await app.getByTestId('edit-apply').click();
    await expect(serverRemote).toContainText('"A"');
    await setLocalText(app, '{"jump": "B", "list": [0, 1, 2]}');
    await app.getByTestId('edit-apply').click();
    await expect(serverRemote).toContainText('"B"');

    await app.getByTestId('history-select').selectOption('studio-client/local');
    const jump = app.getByTestId('jump-to-revision');
    // at the latest revision there is nothing to jump to
    await expect(jump).toBeDisabled();
    await expect(jump).toHaveAttribute('title', /current data already/);
    await app.getByTestId('scrubber').focus();
    await app.keyboard.press('ArrowLeft');
    await expect(app.getByTestId('scrub-state')).toContainText('"A"');
    await expect(jump).toBeEnabled();
    await jump.click();
    await expect(app.getByTestId('sync-notice')).toContainText('jumped studio-client to rev');
    await expect(serverRemote).toContainText('"A"');
    await expect(serverRemote).not.toContainText('"B"');
    // the peer's remote copy is that revision exactly
    await expect
      .poll(async () => {
        const peers = await bridge.client.call('sync.peers');
        const server = peers.filter((p) => p.role === 'server' && !p.target && p.connected).at(-1)!;
        return { client: peers.find((p) => p.peerId === 'studio-client')!.local, server: server.remote };
      })
      .toEqual({ client: { jump: 'A', list: [1, 2] }, server: { jump: 'A', list: [1, 2] } });
    // the jump is a new revision of its own, and the view follows the latest again
    await expect(app.getByTestId('scrub-state')).toContainText('"A"');
    await expect(app.getByTestId('timeline-entry').first().getByTestId('patch-op').first()).toContainText('was');

    // a remote copy follows the other peer: no jump there
    const serverId = await app.getByTestId('peer-server').locator('h3 .mono').textContent();
    await app.getByTestId('history-select').selectOption(`${serverId}/remote`);
    await app.getByTestId('scrubber').focus();
    await app.keyboard.press('ArrowLeft');
    await expect(jump).toBeDisabled();
    await expect(jump).toHaveAttribute('title', /follows the other peer/);
  } finally {
    bridge.close();
  }
});

test('a watched sync server cannot be jumped: the button says the Studio only watches it (issue 13)', async ({ app }) => {
  const server = await startSyncServer();
  try {
    await app.getByTestId('nav-sync').click();
    await app.getByTestId('sync-attach-url').fill(server.url);
    await app.getByTestId('sync-attach-submit').click();
    const target = app.locator('[data-testid^="sync-target-attach-"]');
    await expect(target).toContainText('connected, watching only');
    // the demo state ticks every second: wait for two changes, then look one back
    const option = app.getByTestId('history-select').locator('option', { hasText: /^attach-\d+ remote/ });
    await expect(option).toHaveText(/\(0\.7, (?:[2-9]|\d\d+) changes/, { timeout: 15_000 });
    await app.getByTestId('history-select').selectOption((await option.getAttribute('value'))!);
    await app.getByTestId('scrubber').focus();
    await app.keyboard.press('Home');
    const jump = app.getByTestId('jump-to-revision');
    await expect(jump).toBeDisabled();
    await expect(jump).toHaveAttribute(
      'title',
      /The Studio only watches the attached sync server ws:\/\/127\.0\.0\.1:\d+.*: it never changes a system it only watches/,
    );
    await target.getByTestId('sync-detach').click();
    await expect(target).toHaveCount(0);
  } finally {
    await server.stop();
  }
});
