// What Linux says about a process (by pid) while a benchmark runs: its resident memory and the CPU time
// it has used, read from /proc, so that processes the benchmark did not write (redis, the server) are
// measured the same way as its own.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Resident set size in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** User + system CPU time used so far, in seconds (/proc/PID/stat; clock ticks are 100 Hz on Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name in parentheses may hold spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Scheduler figures of a process's main thread (/proc/PID/schedstat, in ns): the CPU time it ran,
 * the time it spent runnable but waiting for a core (the run queue), and how many times it was run.
 * The main thread is the one that runs the JavaScript, so its run-queue wait is what delays a reply.
 */
export function schedStat(pid: number): { runNs: number; waitNs: number; slices: number } {
  const [run, wait, slices] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { runNs: run!, waitNs: wait!, slices: slices! };
}

/** Write syscalls (write, writev, sendmsg) made so far (syscw of /proc/PID/io). */
export function writeSyscalls(pid: number): number {
  const m = /^syscw: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  if (!m) throw new Error(`no syscw in /proc/${pid}/io`);
  return Number(m[1]);
}

/** The load average, as the benchmarks print it beside their figures. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export const kib = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
export const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

/** CPU time all processes of the machine have used so far, in seconds (first line of /proc/stat). */
export function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is work
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / 100;
}

/**
 * Throws when this process (and the server it starts, which inherits the limit) may not open `needed`
 * sockets: better said up front than as an EMFILE halfway through a run.
 */
export function requireOpenFiles(needed: number, smaller: string): void {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const limit = !m || m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
  if (needed + 100 > limit) {
    throw new Error(
      `this run opens ${needed} sockets but the open-files limit is ${limit}: raise it (ulimit -n ${needed + 1000}) or ${smaller}`,
    );
  }
}
