import { expect, screenshotDir, test } from './fixtures';

test('a short load run from the load panel shows progress, a report with results and charts with data', async ({ app }) => {
  await app.getByTestId('nav-metrics').click();
  const panel = app.getByTestId('load-panel');
  await panel.getByTestId('load-connections').fill('4');
  await panel.getByTestId('load-rate').fill('-1');
  await panel.getByTestId('load-duration').fill('2000');
  await panel.getByTestId('load-URI').fill('test.echo');
  await panel.getByTestId('load-start').click();

  const progress = panel.getByTestId('load-progress');
  await expect(progress).toHaveAttribute('data-state', 'running');
  await expect(panel.getByTestId('load-stop')).toBeEnabled();
  await expect.poll(async () => Number(await progress.getByTestId('progress-results').textContent())).toBeGreaterThan(0);

  const report = panel.getByTestId('load-report');
  await expect(report).toBeVisible({ timeout: 15_000 });
  await expect(report.getByTestId('report-state')).toHaveText('done');
  expect(Number(await report.getByTestId('report-results').textContent())).toBeGreaterThan(0);
  await expect(report.getByTestId('report-NACKs')).toHaveText('0');

  // the run's charts and the live charts have canvases with data behind them
  for (const id of ['chart-load-throughput', 'chart-load-latency']) {
    const chart = app.getByTestId(id);
    await expect(chart.locator('canvas')).toHaveCount(1);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  }
  const calls = app.getByTestId('chart-calls');
  await expect(calls.locator('canvas')).toHaveCount(1);
  await expect.poll(async () => Number(await calls.getAttribute('data-points'))).toBeGreaterThan(1);
  // the run's calls show up in the live calls/s series
  await expect.poll(async () => Number(await calls.getAttribute('data-max'))).toBeGreaterThan(0);
  await report.scrollIntoViewIfNeeded();
  await app.screenshot({ path: `${screenshotDir}/metrics.png` });
});
