// Traces view benchmark: the page holds 1,000,000 trace events, then takes 20,000 events/s for 30 s
// (with a search filter switched on at 10 s and off at 20 s, each a re-scan of the million held). It
// measures long tasks (PerformanceObserver 'longtask'), frames per second (requestAnimationFrame)
// and the JS heap (CDP, after a forced GC). The events are made in the page and fed to the view's
// store through its ?bench=1 hook, so the view is measured, not the bridge transport; making them
// costs about what parsing them off the websocket would. Prints figures; asserts nothing. What the
// view costs a running system over the real bridge (results/s and CPU per result, the view following)
// is bench/ui-tracing.ts.
//   npm run build && npx tsx bench/ui-trace.ts [--rate 20000] [--seconds 30] [--hold 1000000]
// Diagnostics: --profile (CPU self time by function), --timeline (Chromium trace events over 50 ms),
// --hidden (another view shown: the store's cost without rendering), --busy N (N processes spinning a
// core each during the live phase: a machine shared with other work, reproducibly).

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test/chromium';
import { printProfile } from './cpu-profile';
import { fmt, summarise } from './summary';

const root = join(__dirname, '..');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RATE = arg('rate', 20_000);
const SECONDS = arg('seconds', 30);
const HOLD = arg('hold', 1_000_000);
const BUSY = arg('busy', 0);

async function startStudio(dataDir: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [join(root, 'dist', 'web', 'main.js'), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the Studio did not print its URL within 30 s:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`the Studio exited with ${code}:\n${out}`)));
  });
  return { url, proc };
}

/** Runs in the page: a generator of the 10 hops of juggler CALLs, as the host's bus would send them. */
function installGenerator(): void {
  const w = window as unknown as Record<string, unknown>;
  let seq = 0;
  let t = 0;
  const conns = ['4d01dba9-2bf2-4d1a-8371-922727be69eb', '9a2c4e11-71f0-4b7e-9d55-0c4b5e3a8f21', 'c0ffee00-1234-4abc-8def-0123456789ab'];
  const uris = ['test.echo', 'test.reverse', 'test.delay'];
  let corr = '';
  let conn = '';
  let uri = '';
  // uuids made in JS, as JSON.parse makes them: crypto.randomUUID() returns strings made by
  // Blink, each an external string with a weak handle in Blink's string cache that every major GC
  // has to process (tens of ms per GC at 6,000 a second), which events off the websocket never are
  const hex = '0123456789abcdef';
  const chars: string[] = new Array(36);
  const uuid = () => {
    for (let i = 0; i < 36; i++) chars[i] = i === 8 || i === 13 || i === 18 || i === 23 ? '-' : hex[(Math.random() * 16) | 0]!;
    return chars.join('');
  };
  // one object per event, fields written out (no spread)
  const hop = (i: number): unknown => {
    seq++;
    t += 0.05;
    const wall = 1_700_000_000_000 + Math.floor(t);
    switch (i) {
      case 0:
        corr = uuid();
        conn = conns[seq % 3]!;
        uri = uris[seq % 3]!;
        return {
          seq,
          t,
          wall,
          kind: 'frame',
          proto: 'juggler',
          side: 'server',
          connId: conn,
          dir: 'in',
          type: 'CALL',
          uuid: corr,
          uri,
          corr,
          size: 150,
          text: `{"meta":{"type":1,"uuid":"${corr}"},"payload":{"uri":"${uri}","timeout":1000000000,"args":"payload number ${seq}"}}`,
        };
      case 1:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'server',
          command: 'EVALSHA push',
          key: `juggler:calls:{${uri}}`,
          size: 180,
          durationMs: 0.4,
          corr,
        };
      case 2:
        return {
          seq,
          t,
          wall,
          kind: 'frame',
          proto: 'juggler',
          side: 'server',
          connId: conn,
          dir: 'out',
          type: 'ACK',
          uuid: uuid(),
          uri,
          corr,
          size: 140,
          text: `{"meta":{"type":8,"uuid":"x"},"payload":{"for":"${corr}","for_type":1,"uri":"${uri}"}}`,
        };
      case 3:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'callee',
          command: 'BRPOP',
          key: `juggler:calls:{${uri}}`,
          size: 180,
          durationMs: 3.1,
          corr,
        };
      case 4:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'callee',
          command: 'EVALSHA pttl-del',
          key: `juggler:calls:timeout:{${uri}}:${corr}`,
          size: 0,
          durationMs: 0.3,
          corr,
        };
      case 5:
        return { seq, t, wall, kind: 'callee', calleeId: 'demo', uri, durationMs: 0.05, outcome: 'ok', corr, startedT: t - 0.05 };
      case 6:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'callee',
          command: 'EVALSHA push',
          key: `juggler:results:{${conn}}`,
          size: 170,
          durationMs: 0.3,
          corr,
        };
      case 7:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'server',
          command: 'BRPOP',
          key: `juggler:results:{${conn}}`,
          size: 170,
          durationMs: 5.2,
          corr,
        };
      case 8:
        return {
          seq,
          t,
          wall,
          kind: 'redis',
          role: 'server',
          command: 'EVALSHA pttl-del',
          key: `juggler:results:timeout:{${conn}}:${corr}`,
          size: 0,
          durationMs: 0.5,
          corr,
        };
      default:
        return {
          seq,
          t,
          wall,
          kind: 'frame',
          proto: 'juggler',
          side: 'server',
          connId: conn,
          dir: 'out',
          type: 'RES',
          uuid: uuid(),
          uri,
          corr,
          size: 160,
          text: `{"meta":{"type":9,"uuid":"y"},"payload":{"for":"${corr}","uri":"${uri}","args":"payload number ${seq}"}}`,
        };
    }
  };
  let k = 0;
  w.__benchBatch = (n: number) => {
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = hop(k++ % 10);
    // through JSON, as a batch off the bridge: flat strings, where the template strings above are
    // trees of cons strings that would cost a store holding them more at each GC than real events do
    return JSON.parse(JSON.stringify(out)) as unknown[];
  };
}

interface TraceEventRecord {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: far below dur, the thread was waiting for a core, not working. */
  tdur?: number;
  tid: number;
  args?: { name?: string };
}

/**
 * --timeline: what took over 50 ms (GC, animation frame callbacks, layout...), then each task of the
 * page's main thread over 30 ms (those at risk of passing 50 on a busier machine) with what took most
 * of it.
 */
function printTimeline(events: TraceEventRecord[]): void {
  const names = new Map<string, { n: number; ms: number }>();
  for (const e of events) {
    if ((e.dur ?? 0) <= 50_000) continue;
    const x = names.get(e.name) ?? { n: 0, ms: 0 };
    x.n++;
    x.ms += e.dur! / 1000;
    names.set(e.name, x);
  }
  console.log('\ntrace events over 50 ms, by name (nested events appear at each level):');
  for (const [k, v] of [...names.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
    console.log(`  ${String(v.n).padStart(4)} × ${v.ms.toFixed(0).padStart(6)} ms  ${k}`);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const onMain = events.filter((e) => e.tid === main && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur! > 30_000);
  console.log(`\nmain-thread tasks over 30 ms: ${tasks.length}`);
  for (const task of tasks) {
    const inside = new Map<string, number>();
    for (const e of onMain)
      if (e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.dur! > 3_000)
        inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur! / 1000);
    const top = [...inside.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    const cpu = task.tdur === undefined ? '' : ` (${(task.tdur / 1000).toFixed(0)} ms on a core)`;
    console.log(`  ${(task.dur! / 1000).toFixed(0).padStart(4)} ms${cpu}: ${top.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  }
}

interface LiveResult {
  frames: number;
  /** Most the feed's 50 ms timer fired late: bounds the longest task below the long-task threshold. */
  lateMs: number;
  seconds: number;
  injected: number;
  longTasks: number[];
  scanMs: number;
  held: number;
  rows: number;
}

async function main() {
  for (const f of ['dist/web/main.js', 'out/renderer/index.html'])
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-'));
  const studio = await startStudio(dataDir);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // the JS heap plus the array buffers' backing stores (outside the V8 heap, where the view's
    // column chunks keep their data) and the embedder's (Blink's) heap: what the events really cost
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
      const use = await cdp.send('Runtime.getHeapUsage');
      return { heap: use.usedSize + use.backingStorageSize + use.embedderHeapUsedSize, js: use.usedSize, nodes: m('Nodes') };
    };
    // tsx compiles with esbuild's keepNames: functions handed to the page call its __name helper
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(`${studio.url}&bench=1`);
    await page.waitForFunction(() => !!(window as unknown as { __jugglerTrace?: unknown }).__jugglerTrace);
    await page.evaluate(installGenerator);
    const before = await heap();

    // fill: HOLD events in batches of 10,000, a task each
    const fillMs = await page.evaluate(async (hold) => {
      const w = window as unknown as { __benchBatch(n: number): unknown[]; __jugglerTraceInject(b: unknown[]): void };
      const t0 = performance.now();
      for (let n = 0; n < hold; n += 10_000) {
        w.__jugglerTraceInject(w.__benchBatch(Math.min(10_000, hold - n)));
        await new Promise((r) => setTimeout(r, 0));
      }
      return performance.now() - t0;
    }, HOLD);
    await page.waitForTimeout(500);
    const filled = await heap();

    // live: RATE events/s for SECONDS, batches every 50 ms as the host sends them; a search filter on
    // a third of the way in and off at two thirds
    if (process.argv.includes('--hidden')) await page.keyboard.press('2');
    const profile = process.argv.includes('--profile');
    const traceEvents: TraceEventRecord[] = [];
    if (process.argv.includes('--timeline')) {
      cdp.on('Tracing.dataCollected', (d) => {
        traceEvents.push(...(d.value as unknown as typeof traceEvents));
      });
      await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,v8,blink', transferMode: 'ReportEvents' } as never);
    }
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const spinners = Array.from({ length: BUSY }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const live: LiveResult = await page
      .evaluate(
        async ({ rate, seconds }) => {
          const w = window as unknown as {
            __benchBatch(n: number): unknown[];
            __jugglerTraceInject(b: unknown[]): void;
            __jugglerTrace: { state(): { held: number; rows: number; scan?: number }; setFilter(f: unknown): void };
          };
          const t0 = performance.now();
          const longTasks: number[] = [];
          const obs = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longTasks.push(e.duration);
          });
          obs.observe({ type: 'longtask', buffered: false });
          let frames = 0;
          let running = true;
          const onFrame = () => {
            frames++;
            if (running) requestAnimationFrame(onFrame);
          };
          requestAnimationFrame(onFrame);
          let injected = 0;
          let filterOnAt = 0;
          let scanMs = 0;
          let phase = 0;
          let lateMs = 0;
          await new Promise<void>((done) => {
            let dueAt = performance.now();
            const tick = () => {
              lateMs = Math.max(lateMs, performance.now() - dueAt);
              const elapsed = (performance.now() - t0) / 1000;
              const due = Math.min(rate * seconds, Math.floor(elapsed * rate)) - injected;
              if (due > 0) {
                w.__jugglerTraceInject(w.__benchBatch(due));
                injected += due;
              }
              if (phase === 0 && elapsed > seconds / 3) {
                phase = 1;
                filterOnAt = performance.now();
                w.__jugglerTrace.setFilter({ search: 'payload number 4\\d*7"', regex: true });
              } else if (phase === 1 && w.__jugglerTrace.state().scan === undefined) {
                phase = 2;
                scanMs = performance.now() - filterOnAt;
              } else if (phase === 2 && elapsed > (2 * seconds) / 3) {
                phase = 3;
                w.__jugglerTrace.setFilter({ search: '', regex: false });
              }
              if (elapsed >= seconds) done();
              else {
                dueAt = performance.now() + 50;
                setTimeout(tick, 50);
              }
            };
            tick();
          });
          running = false;
          obs.disconnect();
          const s = w.__jugglerTrace.state();
          return { frames, lateMs, seconds: (performance.now() - t0) / 1000, injected, longTasks, scanMs, held: s.held, rows: s.rows };
        },
        { rate: RATE, seconds: SECONDS },
      )
      .finally(() => {
        for (const p of spinners) p.kill('SIGKILL');
      });
    if (profile) printProfile((await cdp.send('Profiler.stop')).profile);
    if (process.argv.includes('--timeline')) {
      const ended = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await ended;
      printTimeline(traceEvents);
    }
    await page.waitForTimeout(300);
    const after = await heap();
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    const over = live.longTasks.filter((d) => d > 50);
    const rows: [string, string][] = [
      ['events held at the start of the live phase', HOLD.toLocaleString()],
      [
        'fill: time to take them in (batches of 10,000)',
        `${(fillMs / 1000).toFixed(1)} s (${Math.round(HOLD / (fillMs / 1000)).toLocaleString()} events/s)`,
      ],
      [
        'live: events fed',
        `${live.injected.toLocaleString()} in ${live.seconds.toFixed(1)} s (${Math.round(live.injected / live.seconds).toLocaleString()}/s)`,
      ],
      ['live: long tasks (> 50 ms)', `${over.length} (max ${over.length ? Math.max(...over).toFixed(0) : 0} ms)`],
      [
        'live: all long tasks reported',
        `${live.longTasks.length} (max ${live.longTasks.length ? Math.max(...live.longTasks).toFixed(0) : 0} ms)`,
      ],
      ['live: frames per second', (live.frames / live.seconds).toFixed(1)],
      ['live: most the 50 ms feed timer fired late (samples the longest task)', `${live.lateMs.toFixed(0)} ms`],
      [`live: search filter over ${live.held.toLocaleString()} held, done in`, `${(live.scanMs / 1000).toFixed(2)} s (in slices)`],
      ['events held at the end (capacity 1,000,000 + one chunk)', live.held.toLocaleString()],
      ['heap (JS + array buffers + Blink): empty view', mib(before.heap)],
      [
        `heap: ${HOLD.toLocaleString()} events held`,
        `${mib(filled.heap)} (${Math.round((filled.heap - before.heap) / HOLD)} B/event; JS heap alone ${mib(filled.js)})`,
      ],
      ['heap: after the live phase', `${mib(after.heap)} (JS heap alone ${mib(after.js)})`],
      ['DOM nodes', String(after.nodes)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(
      `\nTraces view under load (Chromium ${browser.version()}, ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})`,
    );
    for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
    console.log(
      `\n  command: npm run build && npx tsx bench/ui-trace.ts --rate ${RATE} --seconds ${SECONDS} --hold ${HOLD}${BUSY ? ` --busy ${BUSY}` : ''}`,
    );
    summarise('ui-trace', [
      {
        name: `long tasks > 50 ms while ingesting ${fmt(RATE)} ev/s`,
        value: over.length
          ? `${over.length} (max ${Math.max(...over).toFixed(0)} ms)`
          : `0 (feed timer late by ${live.lateMs.toFixed(0)} ms at most)`,
        target: '0',
        met: over.length === 0,
      },
      {
        name: `renderer heap holding ${fmt(HOLD)} events`,
        value: mib(filled.heap),
        target: '< 500 MB',
        met: filled.heap < 500e6,
      },
      { name: 'frames per second while ingesting', value: (live.frames / live.seconds).toFixed(1) },
    ]);
  } finally {
    await browser.close();
    studio.proc.kill('SIGTERM');
    await new Promise((r) => studio.proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
