// Preloaded into a benchmarked `juggler server` (node --expose-gc -r bench/memory-report.cjs ...): on
// SIGUSR2 it collects garbage and prints one line `memory {json}` with process.memoryUsage() to stderr.
// It lives beside the benchmarks, not in the server, so the product carries no benchmark hook; without
// --expose-gc the figures are taken without a collection first.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  process.stderr.write(`memory ${JSON.stringify(process.memoryUsage())}\n`);
});
