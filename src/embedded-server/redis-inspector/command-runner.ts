// Sends the inspector's commands: one at a time or pipelined, to the whole redis or to one cluster
// node. Every command is reported as a RedisOp (so the Studio can trace the inspector's own traffic),
// every wait is bounded (a redis that stops answering must not hang the UI), and a connection that is
// down fails at once with UNAVAILABLE (the clients have no offline queue).
import calculateSlot from 'cluster-key-slot';
import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import { type RedisClient, whenReady } from '../broker/redis/connection';
import type { RedisOp } from '../broker/redis/options';
import { binaryText } from './binary-text';
import { InspectorError, isConnectionError } from './errors';

export type Arg = string | Buffer | number;
/** A command and its arguments; the first argument is the key, for routing in a cluster. */
export type Cmd = [name: string, ...args: Arg[]];

/** One reply of a pipeline: a value, or the error redis gave for that command alone. */
export type Reply = { value: unknown; error?: undefined } | { value?: undefined; error: Error };

/** Most commands per pipeline: a page of a huge list stays one round trip, a huge scan stays many. */
const PIPELINE_MAX = 1000;

export interface RunnerOptions {
  client: RedisClient;
  cluster: boolean;
  /** Redacted URL, for messages. */
  where: string;
  timeoutMs: number;
  onOp?: (op: RedisOp) => void;
}

/** A redis server: the single one, or one node of a cluster. */
export interface NodeClient {
  /** `host:port`. */
  address: string;
  client: Redis;
}

function size(v: unknown): number {
  if (Buffer.isBuffer(v)) return v.length;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + size(x), 0);
  return 0;
}

/** Commands whose first argument is a subcommand, not a key. */
const CONTAINERS = new Set(['client', 'pubsub', 'info', 'cluster']);

/** How a command shows in a trace: `PUBSUB NUMSUB` with its first channel, `SCAN` with its pattern. */
function describe(cmd: Cmd): { command: string; key: string } {
  const [name, ...args] = cmd;
  const text = (a: Arg | undefined) => (a === undefined ? '' : typeof a === 'number' ? String(a) : binaryText(a, { maxChars: 200 }).text);
  const lower = name.toLowerCase();
  if (lower === 'scan') {
    const m = args.findIndex((a) => typeof a === 'string' && a.toUpperCase() === 'MATCH');
    return { command: 'SCAN', key: m >= 0 ? text(args[m + 1]) : '' };
  }
  if (CONTAINERS.has(lower)) return { command: `${name} ${text(args[0])}`.trim().toUpperCase(), key: text(args[1]) };
  return { command: name.toUpperCase(), key: text(args[0]) };
}

export class CommandRunner {
  readonly #o: RunnerOptions;

  constructor(o: RunnerOptions) {
    this.#o = o;
  }

  get where(): string {
    return this.#o.where;
  }

  #report(cmd: Cmd, reply: unknown, durationMs: number, error?: Error): void {
    if (!this.#o.onOp) return;
    const op: RedisOp = { ...describe(cmd), bytes: size(cmd.slice(1)) + size(reply), durationMs };
    if (error) op.error = error.message;
    this.#o.onOp(op);
  }

  /** Rejects with TIMEOUT when `p` takes longer than `timeoutMs`. */
  async deadline<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new InspectorError(
                  'TIMEOUT',
                  `redis at ${this.#o.where} did not answer ${what} within ${this.#o.timeoutMs} ms (commandTimeoutMs)`,
                ),
              ),
            this.#o.timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** An error of the whole operation: connection failures become UNAVAILABLE, the rest is kept. */
  fail(err: unknown, what: string): Error {
    if (err instanceof InspectorError) return err;
    if (isConnectionError(err))
      return new InspectorError('UNAVAILABLE', `redis at ${this.#o.where} is unavailable (${what}: ${(err as Error).message})`, {
        cause: err,
      });
    return err as Error;
  }

  /** Fails at once when the connection is not up, instead of sending into a connection that is down. */
  ensureUp(): void {
    const status = this.#o.client.status;
    if (status !== 'ready')
      throw new InspectorError(
        'UNAVAILABLE',
        `redis at ${this.#o.where} is unavailable (connection ${status}); it is retried in the background`,
      );
  }

  /** One command; its error (WRONGTYPE, NOPERM...) is thrown as redis gave it. */
  async one(cmd: Cmd, node?: Redis): Promise<unknown> {
    const target = node ?? this.#o.client;
    const t0 = performance.now();
    try {
      const [name, ...args] = cmd;
      const v = await this.deadline(target.callBuffer(name, args) as Promise<unknown>, name.toUpperCase());
      this.#report(cmd, v, performance.now() - t0);
      return v;
    } catch (err) {
      this.#report(cmd, undefined, performance.now() - t0, err as Error);
      throw this.fail(err, cmd[0].toUpperCase());
    }
  }

  /**
   * Pipelined commands, each reply or error in place. On a single redis or a given node: one pipeline
   * per PIPELINE_MAX commands. On a cluster: one pipeline per slot of the commands' keys, as a cluster
   * pipeline must stay on one node.
   */
  async batch(cmds: Cmd[], node?: Redis): Promise<Reply[]> {
    if (cmds.length === 0) return [];
    const replies: Reply[] = new Array(cmds.length);
    const groups: number[][] = [];
    if (node || !this.#o.cluster) {
      for (let i = 0; i < cmds.length; i += PIPELINE_MAX)
        groups.push(Array.from({ length: Math.min(PIPELINE_MAX, cmds.length - i) }, (_, j) => i + j));
    } else {
      const bySlot = new Map<number, number[]>();
      cmds.forEach((c, i) => {
        const key = c[1];
        const slot = key === undefined ? 0 : calculateSlot(typeof key === 'number' ? String(key) : key);
        const g = bySlot.get(slot);
        if (g) g.push(i);
        else bySlot.set(slot, [i]);
      });
      for (const g of bySlot.values()) for (let i = 0; i < g.length; i += PIPELINE_MAX) groups.push(g.slice(i, i + PIPELINE_MAX));
    }
    const target: RedisClient = node ?? this.#o.client;
    await Promise.all(
      groups.map(async (idx) => {
        const p = target.pipeline();
        for (const i of idx) {
          const [name, ...args] = cmds[i]!;
          p.callBuffer(name, args);
        }
        const t0 = performance.now();
        let res: [Error | null, unknown][] | null;
        try {
          res = await this.deadline(p.exec(), `a pipeline of ${idx.length} commands`);
        } catch (err) {
          for (const i of idx) this.#report(cmds[i]!, undefined, performance.now() - t0, err as Error);
          throw this.fail(err, `a pipeline of ${idx.length} commands`);
        }
        const ms = performance.now() - t0;
        idx.forEach((i, j) => {
          const [err, value] = res?.[j] ?? [new Error('no reply'), undefined];
          this.#report(cmds[i]!, value, ms, err ?? undefined);
          replies[i] = err ? { error: err } : { value };
        });
        // every command failing for want of a connection is an outage, not a per-key finding
        if (res && res.length > 0 && res.every(([e]) => e && isConnectionError(e))) throw this.fail(res[0]![0], 'a pipeline');
      }),
    );
    return replies;
  }

  /** The servers that hold keys: the single redis, or every cluster master, connected. */
  async masters(): Promise<NodeClient[]> {
    return this.#nodes('master');
  }

  /** Every server clients can be connected to: the single redis, or every cluster node (replicas too). */
  async allNodes(): Promise<NodeClient[]> {
    return this.#nodes('all');
  }

  async #nodes(role: 'master' | 'all'): Promise<NodeClient[]> {
    const c = this.#o.client;
    if (!this.#o.cluster) return [{ address: '', client: c as Redis }];
    const nodes = (c as Cluster).nodes(role);
    if (nodes.length === 0) throw new InspectorError('UNAVAILABLE', `the cluster at ${this.#o.where} reports no ${role} nodes yet`);
    return Promise.all(
      nodes.map(async (n) => {
        const address = `${n.options.host}:${n.options.port}`;
        // the cluster connects to its nodes lazily, and without an offline queue a command to a node
        // that is still connecting fails: connect it and wait, within the deadline
        if (n.status === 'wait') n.connect().catch(() => undefined);
        if (n.status !== 'ready') await whenReady(n, this.#o.timeoutMs);
        if (n.status !== 'ready')
          throw new InspectorError('UNAVAILABLE', `cluster node ${address} of ${this.#o.where} is unavailable (connection ${n.status})`);
        return { address, client: n };
      }),
    );
  }
}

/** QUIT (so redis drops the connection's state before we go on), bounded: a stuck redis is just dropped. */
export async function quitOrDrop(client: RedisClient, maxMs: number): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.quit().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, maxMs)))]);
    clearTimeout(timer);
  }
  client.disconnect();
}
