// Tracing with the UI open: `juggler load` (its own process) against the Studio host's server with the
// trace bus on, as bench/tracing.ts measures it, alternating runs with the Traces view attached and
// following (a real Chromium on the web-mode bridge, the view shown, not paused) and runs with no page
// attached. What the UI costs is what it takes from results/s: the host building and sending batches,
// and the page (on the same cores) taking them in and drawing them. A first run warms up and is not
// counted. Prints results/s, the ratio and what the view saw (issue 15: under 5% lost).
//   npm run build && npx tsx bench/ui-tracing.ts [--seconds 5] [--connections 50] [--pairs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { StudioHost } from '../src/embedded-server/host/studio-host';
import { WebHost } from '../src/web/web-host';
import { chromiumArgs, chromiumPath } from '../test/chromium';
import { runLoadProcess } from './load-process';
import { summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = Number(arg('connections', '50'));
const pairs = Number(arg('pairs', '3'));
const TARGET_COST = 0.05;
const root = join(__dirname, '..');

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Opens the Studio on the Traces view (the default) and waits until it follows the live stream. */
async function openView(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.getByTestId('view-traces').waitFor();
  await page.getByTestId('trace-counts').waitFor();
  // the initial load done: the view follows
  await page.waitForFunction(() => !document.querySelector('.tt-loading'));
  return page;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ui-tracing-'));
  const host = await StudioHost.start({ dataDir, demoWorkers: 50 });
  const web = await WebHost.start({ dispatcher: host.dispatcher, rendererDir: join(root, 'out', 'renderer') });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const rows: { ui: boolean; throughput: number; p50: number; p99: number; events: number; shown: string }[] = [];
  const loadBefore = loadAverage();
  try {
    host.trace.enabled = true;
    let page: Page | undefined = await openView(browser, web.url);
    await runLoadProcess(host.server.url, { connections, seconds }); // warm-up, not counted
    for (let i = 0; i < pairs * 2; i++) {
      const ui = i % 2 === 0;
      if (ui && !page) page = await openView(browser, web.url);
      if (!ui && page) {
        await page.close();
        page = undefined;
        await new Promise((r) => setTimeout(r, 300));
      }
      host.trace.clear();
      const before = host.trace.stats().recorded;
      const r = await runLoadProcess(host.server.url, { connections, seconds });
      let shown = '';
      if (page) {
        // what the view says once the last batch is in
        await new Promise((r) => setTimeout(r, 500));
        shown = (await page.getByTestId('trace-counts').innerText()).replace(/\s+/g, ' ');
      }
      rows.push({
        ui,
        throughput: r.throughput,
        p50: r.latencyMs.median,
        p99: r.latencyMs.p99,
        events: host.trace.stats().recorded - before,
        shown,
      });
    }
    await page?.close();
  } finally {
    await browser.close();
    await web.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nTracing with the UI open: juggler load, test.echo back-to-back, ${connections} connections, ${seconds} s per run, tracing on, against the Studio host`,
  );
  console.log('traces view  results/s  p50 ms  p99 ms  trace events  the view says');
  for (const r of rows) {
    console.log(
      `${(r.ui ? 'following' : 'none').padEnd(11)}  ${r.throughput.toFixed(0).padStart(9)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${String(r.events).padStart(12)}  ${r.shown}`,
    );
  }
  const mean = (ui: boolean) => rows.filter((r) => r.ui === ui).reduce((s, r) => s + r.throughput, 0) / pairs;
  const ratio = mean(true) / mean(false);
  const cost = 1 - ratio;
  console.log(`\nview following / no view throughput: ${ratio.toFixed(3)} (cost ${(cost * 100).toFixed(1)}%)`);
  const pairRatios = Array.from({ length: pairs }, (_, k) => rows[2 * k]!.throughput / rows[2 * k + 1]!.throughput);
  console.log(`per pair (following / the none after it): ${pairRatios.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`load average before: ${loadBefore}, after: ${loadAverage()} (${cpus().length} cores)`);
  summarise('ui-tracing', [
    {
      name: 'Traces view following: RPC throughput lost (tracing on)',
      value: `cost ${(cost * 100).toFixed(1)}% (ratio ${ratio.toFixed(3)})`,
      target: `< ${TARGET_COST * 100}%`,
      met: cost < TARGET_COST,
    },
  ]);
  console.log(`reproduce: npm run build && npx tsx bench/ui-tracing.ts --seconds ${seconds} --connections ${connections} --pairs ${pairs}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
