// Preloaded into a process a benchmark starts (`node --require bench/loop-probe.cjs ...`): measures
// that process's event-loop delay (how late a timer fires: the time a ready socket waits for the loop,
// whether the loop was busy or the process waited for a core), so that the juggler code itself holds
// no benchmark hooks and an older build can be measured the same way. Does nothing unless
// JUGGLER_LOOP_PROBE_DIR is set. On SIGUSR2 and at exit it writes <dir>/<pid>.json with the delay
// percentiles since the previous write (in ms) and starts over.
const dir = process.env.JUGGLER_LOOP_PROBE_DIR;
if (dir) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const { writeFileSync, renameSync } = require('node:fs');
  const { join } = require('node:path');
  // 2 ms between samples: ~2,500 samples in a 5 s run, enough for a p99, and a negligible cost
  const h = monitorEventLoopDelay({ resolution: 2 });
  h.enable();
  let seq = 0;
  const dump = () => {
    const ms = (ns) => ns / 1e6;
    const out = {
      seq: ++seq,
      // the histogram counts the timer's interval too: subtract it, so that 0 means "on time"
      p50: Math.max(0, ms(h.percentile(50)) - 2),
      p99: Math.max(0, ms(h.percentile(99)) - 2),
      max: Math.max(0, ms(h.max) - 2),
      samples: h.count ?? Number.NaN,
    };
    h.reset();
    const file = join(dir, `${process.pid}.json`);
    // written whole, then renamed: the benchmark never reads half a file
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file);
  };
  process.on('SIGUSR2', dump);
  process.on('exit', dump);
}
