import { expect, screenshotDir, test } from './fixtures';
import { openPageBridge } from './page-bridge';

test('a call with no callee waits in its call list, its TTL counts down, and the list drains when the callee returns', async ({ app }) => {
  const bridge = await openPageBridge(app.url());
  const { client } = bridge;
  let clientId: string | undefined;
  try {
    await client.call('callees.stop', { uri: 'test.echo' });
    clientId = (await client.call('clients.connect', { name: 'e2e-redis' })).clientId;
    // not awaited: the call waits in redis until the callee is started again
    const outcome = client.call('clients.call', { clientId, uri: 'test.echo', args: 'waiting for a callee', timeoutMs: 120_000 });
    outcome.catch(() => undefined);

    await app.getByTestId('nav-redis').click();
    const row = app.locator('[data-testid="call-list"][data-uri="test.echo"]');
    await expect(row.getByTestId('call-depth')).toHaveText('1');
    await expect(row.getByTestId('no-callee-badge')).toBeVisible();

    await row.getByRole('button', { name: /test\.echo/ }).click();
    const ttl = app.getByTestId('pending-ttl').first();
    await expect(ttl).toBeVisible();
    const reading = async () => Number(await ttl.getAttribute('data-ttl-ms'));
    const first = await reading();
    await app.waitForTimeout(600);
    const second = await reading();
    expect(first).toBeGreaterThan(100_000);
    expect(first).toBeLessThanOrEqual(120_000);
    expect(second).toBeLessThan(first);
    await expect(app.getByTestId('pending-call')).toHaveCount(1);
    await app.screenshot({ path: `${screenshotDir}/redis.png` });

    await client.call('callees.start', { uri: 'test.echo' });
    await expect(row.getByTestId('call-depth')).toHaveText('0');
    await expect(row.getByTestId('no-callee-badge')).toHaveCount(0);
    const result = await outcome;
    expect(result.ok).toBe(true);
  } finally {
    await client.call('callees.start', { uri: 'test.echo' }).catch(() => undefined);
    if (clientId) await client.call('clients.disconnect', { clientId }).catch(() => undefined);
    bridge.close();
  }
});
