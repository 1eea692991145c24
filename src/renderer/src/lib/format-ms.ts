// The renderer's one way to show a duration given in milliseconds (latencies, TTLs, ages, timeouts):
// about three significant digits below a second, tenths of a second below a minute, then minutes and
// seconds. Whole numbers below a second are shown as they are (a TTL of 5 ms is "5 ms", not "5.00 ms").

/** `0.42 ms`, `3.46 ms`, `34.6 ms`, `340 ms`, `1.2 s`, `3 min 4 s`; `—` when there is no value. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  if (a < 1000) {
    if (Number.isInteger(ms)) return `${ms} ms`;
    if (a < 10) return `${ms.toFixed(2)} ms`;
    if (a < 100) return `${ms.toFixed(1)} ms`;
    const r = Math.round(ms);
    if (Math.abs(r) < 1000) return `${r} ms`;
  }
  if (a < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(a / 1000);
  return `${ms < 0 ? '-' : ''}${Math.floor(s / 60)} min ${s % 60} s`;
}
