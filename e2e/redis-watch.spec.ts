import { expect, test } from './fixtures';
import { openPageBridge } from './page-bridge';

test("the redis watch: a warning before it starts, the live rate while it runs, the Studio's calls folded once per hop, stop", async ({
  app,
}) => {
  const bridge = await openPageBridge(app.url());
  const { client } = bridge;
  let clientId: string | undefined;
  try {
    await app.getByTestId('nav-redis').click();
    const panel = app.getByTestId('watch-panel');
    await panel.getByTestId('watch-limit').fill('1');
    await panel.getByTestId('watch-start').click();
    await expect(panel.getByTestId('watch-warning')).toContainText('MONITOR');
    await panel.getByTestId('watch-confirm').click();
    await expect(panel.getByTestId('watch-running')).toContainText('stops in');

    clientId = (await client.call('clients.connect', { name: 'e2e-watch' })).clientId;
    for (let i = 0; i < 20; i++) await client.call('clients.call', { clientId, uri: 'test.echo', args: i, timeoutMs: 5000 });
    const out = await client.call('clients.call', { clientId, uri: 'test.echo', args: 'watched', timeoutMs: 5000 });
    await expect(panel.getByTestId('watch-rate')).not.toHaveText('0');
    await expect
      .poll(async () => (await client.call('trace.chain', { corr: out.uuid }))?.answeredBy ?? '', { timeout: 10_000 })
      .toMatch(/name=juggler:studio-demo:calls:/);

    await panel.getByTestId('watch-stop').click();
    await expect(panel.getByTestId('watch-start')).toBeVisible();
    await expect(panel).toContainText('last watch: stopped by the user');
  } finally {
    await client.call('watch.stop').catch(() => undefined);
    if (clientId) await client.call('clients.disconnect', { clientId }).catch(() => undefined);
    bridge.close();
  }
});
