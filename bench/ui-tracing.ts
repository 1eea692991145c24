// Tracing with the UI open: `juggler load` (its own process) against the Studio host's server with the
// trace bus on, as bench/tracing.ts measures it, alternating runs with the Traces view attached and
// following (a real Chromium on the web-mode bridge, the view shown, not paused) and runs with no page
// attached. What the UI costs is what it takes from results/s: the host building and sending batches,
// and the page (on the same cores) taking them in and drawing them. A first run warms up and is not
// counted. Prints results/s, the ratio and what the view saw (issue 15: under 5% lost), and the CPU of
// each part (this process's host; redis and the load process; Chromium's processes): on a machine
// shared with other work, results/s moves with the others' load far more than the CPU a result costs.
//   npm run build && npx tsx bench/ui-tracing.ts [--seconds 5] [--connections 50] [--pairs 3]
// Diagnostics for the first run with the view: --profile (host and page CPU by function), --timeline
// (the page's Chromium trace events by thread CPU).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { StudioHost } from '../src/embedded-server/host/studio-host';
import { WebHost } from '../src/web/web-host';
import { chromiumArgs, chromiumPath } from '../test/chromium';
import { printProfile } from './cpu-profile';
import { runLoadProcess, runLoadProcessWithPid } from './load-process';
import { pairedCost } from './paired-runs';
import { cpuSeconds } from './proc-stats';
import { summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = Number(arg('connections', '50'));
const pairs = Number(arg('pairs', '3'));
const TARGET_COST = 0.05;
/** --profile: the page's CPU self time by function during the first counted run with the view. */
const PROFILE = process.argv.includes('--profile');

const root = join(__dirname, '..');

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The pids of the Chromium whose browser process runs with `profileDir`, and of its children. */
function chromiumPids(profileDir: string): number[] {
  const parent = new Map<number, number>();
  let root: number | undefined;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (root === undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profileDir)) root = pid;
    } catch {
      // gone meanwhile
    }
  }
  if (root === undefined) return [];
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/** CPU seconds used so far by these processes (those that exited since are not counted). */
function treeCpu(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += cpuSeconds(pid);
    } catch {
      // exited
    }
  }
  return sum;
}

/** CPU seconds so far by Chromium process type (browser, renderer, gpu-process, utility...). */
function cpuByType(pids: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    try {
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      out.set(type, (out.get(type) ?? 0) + cpuSeconds(pid));
    } catch {
      // exited
    }
  }
  return out;
}

const post = (session: Session, method: string) =>
  new Promise<unknown>((resolve, reject) => session.post(method, (err, r) => (err ? reject(err) : resolve(r))));

const hostCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Opens the Studio on the Traces view (the default) and waits until it follows the live stream. */
async function openView(browser: BrowserContext, url: string): Promise<Page> {
  const page = await browser.newPage();
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
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-ui-tracing-chromium-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    viewport: { width: 1400, height: 900 },
  });
  for (const p of browser.pages()) await p.close();
  const rows: {
    ui: boolean;
    throughput: number;
    p50: number;
    p99: number;
    events: number;
    shown: string;
    hostCpu: number;
    pageCpu: number;
    /** redis and the load process. */
    otherCpu: number;
    seconds: number;
  }[] = [];
  const loadBefore = loadAverage();
  try {
    host.trace.enabled = true;
    let page: Page | undefined = await openView(browser, web.url);
    {
      // what the page costs with nothing to show: the floor under the view's own cost
      const pids = chromiumPids(profileDir);
      const c0 = treeCpu(pids);
      await new Promise((r) => setTimeout(r, 3000));
      console.log(`page open, no traffic: ${((treeCpu(pids) - c0) / 3).toFixed(3)} cores`);
    }
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
      const pids = chromiumPids(profileDir);
      const cpu0 = { host: hostCpu(), page: treeCpu(pids), at: performance.now(), byType: cpuByType(pids) };
      const cdp = PROFILE && i === 0 && page ? await page.context().newCDPSession(page) : undefined;
      const TIMELINE = process.argv.includes('--timeline') && i === 0 && page;
      const traceEvents: { name: string; ph: string; dur?: number; tdur?: number; tid: number; pid: number }[] = [];
      const tcdp = TIMELINE && page ? await page.context().newCDPSession(page) : undefined;
      if (tcdp) {
        tcdp.on('Tracing.dataCollected', (d) => {
          traceEvents.push(...(d.value as unknown as typeof traceEvents));
        });
        await tcdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,blink,v8', transferMode: 'ReportEvents' } as never);
      }
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      const hostSession = PROFILE && i === 0 ? new Session() : undefined;
      if (hostSession) {
        hostSession.connect();
        await post(hostSession, 'Profiler.enable');
        await post(hostSession, 'Profiler.start');
      }
      const redisPid = host.embedded?.pid;
      const redis0 = redisPid ? cpuSeconds(redisPid) : 0;
      const run = runLoadProcessWithPid(host.server.url, { connections, seconds });
      // the load process's CPU, read until it exits (its last reading stands for the whole run)
      let loadCpu = 0;
      const sampler = setInterval(() => {
        try {
          if (run.pid) loadCpu = cpuSeconds(run.pid);
        } catch {
          // exited
        }
      }, 200);
      const r = await run.done.finally(() => clearInterval(sampler));
      const redisCpu = redisPid ? cpuSeconds(redisPid) - redis0 : 0;
      if (tcdp) {
        const ended = new Promise((r) => tcdp.once('Tracing.tracingComplete', r));
        await tcdp.send('Tracing.end');
        await ended;
        const byName = new Map<string, { n: number; cpu: number }>();
        for (const e of traceEvents) {
          if (e.ph !== 'X' || e.tdur === undefined) continue;
          const x = byName.get(e.name) ?? { n: 0, cpu: 0 };
          x.n++;
          x.cpu += e.tdur / 1000;
          byName.set(e.name, x);
        }
        console.log('page trace events by thread CPU (ms; nested events count at each level):');
        for (const [k, v] of [...byName].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 30))
          console.log(`  ${v.cpu.toFixed(0).padStart(7)}  ${String(v.n).padStart(6)} ×  ${k}`);
      }
      if (hostSession) {
        const { profile } = (await post(hostSession, 'Profiler.stop')) as { profile: Parameters<typeof printProfile>[0] };
        console.log('host:');
        printProfile(profile, 30);
        hostSession.disconnect();
      }
      if (cdp) printProfile((await cdp.send('Profiler.stop')).profile, 30);
      const cpu = {
        host: hostCpu() - cpu0.host,
        page: page ? treeCpu(pids) - cpu0.page : 0,
        seconds: (performance.now() - cpu0.at) / 1000,
      };
      if (ui) {
        const parts = [...cpuByType(pids)].map(([k, v]) => `${k} ${((v - (cpu0.byType.get(k) ?? 0)) / cpu.seconds).toFixed(3)}`);
        console.log(`run ${i + 1}, page cores by process: ${parts.join(', ')}`);
      }
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
        hostCpu: cpu.host,
        pageCpu: cpu.page,
        otherCpu: redisCpu + loadCpu,
        seconds: cpu.seconds,
      });
    }
    await page?.close();
  } finally {
    await browser.close();
    await web.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
  console.log(
    `\nTracing with the UI open: juggler load, test.echo back-to-back, ${connections} connections, ${seconds} s per run, tracing on, against the Studio host`,
  );
  // CPU: the host (this process: server, bus, callees, bridge) and Chromium (all its processes), in
  // cores used during the run, and per 1,000 trace events
  // and CPU ms per result of everything that works for it (host, redis, load, page): on a machine
  // shared with other work, results/s moves with the others' load, the CPU a result costs far less
  const cpuPerResult = (r: (typeof rows)[number]) =>
    ((r.hostCpu + r.pageCpu + r.otherCpu) * 1000) / Math.max(1, r.throughput * (r.seconds - 0.5));
  console.log(
    'traces view  results/s  p50 ms  p99 ms  trace events  host cores  redis+load cores  page cores  page ms/1k ev  CPU ms/result  the view says',
  );
  for (const r of rows) {
    console.log(
      `${(r.ui ? 'following' : 'none').padEnd(11)}  ${r.throughput.toFixed(0).padStart(9)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${String(r.events).padStart(12)}  ${(r.hostCpu / r.seconds).toFixed(2).padStart(10)}  ${(r.otherCpu / r.seconds).toFixed(2).padStart(16)}  ${(r.pageCpu / r.seconds).toFixed(2).padStart(10)}  ${((r.pageCpu * 1e6) / Math.max(1, r.events)).toFixed(1).padStart(13)}  ${cpuPerResult(r).toFixed(3).padStart(13)}  ${r.shown}`,
    );
  }
  const meanCpu = (ui: boolean) => rows.filter((r) => r.ui === ui).reduce((s, r) => s + cpuPerResult(r), 0) / pairs;
  console.log(
    `CPU per result, view following / no view: ${(meanCpu(true) / meanCpu(false)).toFixed(3)} (each result costs ${((meanCpu(true) / meanCpu(false) - 1) * 100).toFixed(1)}% more CPU with the view following)`,
  );
  const { ratio, cost, perPair } = pairedCost(rows, (r) => r.ui, pairs);
  console.log(`\nview following / no view throughput: ${ratio.toFixed(3)} (cost ${(cost * 100).toFixed(1)}%)`);
  console.log(`per pair (following / the none after it): ${perPair.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`load average before: ${loadBefore}, after: ${loadAverage()} (${cpus().length} cores)`);
  summarise('ui-tracing', [
    {
      name: 'Traces view following: RPC throughput lost (tracing on)',
      value: `cost ${(cost * 100).toFixed(1)}% (ratio ${ratio.toFixed(3)})`,
      target: `< ${TARGET_COST * 100}%`,
      met: cost < TARGET_COST,
    },
    {
      name: 'Traces view following: CPU per RPC result (host, redis, load, page) vs no view',
      value: `+${((meanCpu(true) / meanCpu(false) - 1) * 100).toFixed(0)}%`,
    },
  ]);
  console.log(`reproduce: npm run build && npx tsx bench/ui-tracing.ts --seconds ${seconds} --connections ${connections} --pairs ${pairs}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
