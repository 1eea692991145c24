// Sync attach (issue 12, item 5): the Sync view attached to a `juggler sync-server` the Studio did not
// start (its own process, started here and stopped by pid), with the generation detected and named,
// and the server's data arriving.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from './fixtures';

let server: ChildProcess | undefined;
let serverUrl = '';

test.beforeAll(async () => {
  server = spawn(
    process.execPath,
    [join(__dirname, '..', 'bin', 'juggler.js'), 'sync-server', '--addr', '127.0.0.1:0', '--generation', '0.7', '--demo'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  serverUrl = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line within 15 s:\n${out}`)), 15_000);
    server!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    server!.once('exit', (code) => reject(new Error(`sync-server exited with ${code}:\n${out}`)));
  });
});

test.afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    process.kill(server.pid, 'SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
});

test('the Sync view attaches to a separately started sync server: the generation is detected and named, its data arrives; detach lets it go', async ({
  app,
}) => {
  await app.getByTestId('nav-sync').click();
  // the demo pair names its generation too
  await expect(app.getByTestId('peer-client').getByTestId('peer-generation')).toHaveText('seed');

  await app.getByTestId('sync-attach-url').fill(serverUrl);
  await expect(app.getByTestId('sync-attach-generation')).toHaveValue('detect');
  await app.getByTestId('sync-attach-submit').click();

  const target = app.locator('[data-testid^="sync-target-attach-"]');
  await expect(target.getByTestId('sync-target-generation')).toHaveText('generation 0.7 (detected)');
  // detect tried seed first; the server sent its 0.7 state before any ping
  await expect(target.getByTestId('sync-target-tries')).toContainText('seed: failed');
  await expect(target.getByTestId('sync-target-tries')).toContainText('0.7: answered');
  await expect(target).toContainText('connected, watching only');

  const column = app.locator('[data-testid^="peer-attach-"]');
  await expect(column.getByTestId('peer-generation')).toHaveText('0.7');
  await expect(column.locator('[data-testid$="-remote"]')).toContainText('tick');
  // the demo state ticks every second: the attached peer's history grows
  const historyOption = app.getByTestId('history-select').locator('option', { hasText: /^attach-\d+ remote/ });
  await expect(historyOption).toHaveText(/\(0\.7, (?:[2-9]|\d\d+) changes/, { timeout: 15_000 });

  await target.getByTestId('sync-detach').click();
  await expect(target).toHaveCount(0);
  await expect(column).toHaveCount(0);
});

test('a recording sync proxy started from the Sync view: a real client through it, both real replicas shown in step', async ({ app }) => {
  await app.getByTestId('nav-sync').click();
  await app.getByTestId('sync-proxy-upstream').fill(serverUrl);
  await app.getByTestId('sync-proxy-submit').click();
  const target = app.locator('[data-testid^="sync-target-proxy-"]');
  await expect(target.getByTestId('sync-target-generation')).toHaveText('generation not known yet');
  const listenUrl = (await target.getByTestId('sync-target-listen').textContent())!.trim();
  const client = spawn(
    process.execPath,
    [join(__dirname, '..', 'bin', 'juggler.js'), 'sync-client', '--addr', listenUrl, '--generation', '0.7'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  try {
    await expect(target.getByTestId('sync-target-generation')).toHaveText('generation 0.7 (detected)');
    const realClient = app.locator('[data-testid^="peer-proxy-"][data-testid$="-client"]');
    const realServer = app.locator('[data-testid^="peer-proxy-"][data-testid$="-server"]');
    await expect(realClient.locator('[data-testid$="-remote"]')).toContainText('tick');
    await expect(realServer.locator('[data-testid$="-local"]')).toContainText('tick');
    await expect(realClient.getByTestId('peer-generation')).toHaveText('0.7');
    await expect(app.getByTestId('sync-divergence-alarm')).toHaveCount(0);
  } finally {
    if (client.pid && client.exitCode === null) {
      process.kill(client.pid, 'SIGTERM');
      await new Promise((r) => client.once('exit', r));
    }
  }
  await target.getByTestId('sync-detach').click();
  await expect(target).toHaveCount(0);
});
