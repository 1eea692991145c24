// The host's redis inspector: a RedisInspector on the Studio's redis, or on any redis the user points
// it at, with its taps named so the UI can stop them, and its own commands traced as 'inspector'.
import type { RedisTapMessage } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { redactUrl } from '../broker/redis/options';
import { type InspectorSnapshot, type PendingCalls, RedisInspector } from '../redis-inspector';
import type { BinaryText } from '../redis-inspector/binary-text';
import type { ListPage } from '../redis-inspector/list-peek';
import type { HostTracer } from './tracer';

export class HostRedisInspection {
  #inspector: RedisInspector | undefined;
  #target: { url: string; cluster: boolean };
  readonly #taps = new Map<string, { close(): Promise<void> }>();
  #seq = 0;

  constructor(
    private readonly home: { url: string; cluster: boolean },
    private readonly tracer: HostTracer,
    private readonly onTap: (m: RedisTapMessage) => void,
  ) {
    this.#target = home;
  }

  /** The redis shown now (credentials included: to connect, never to display). */
  get target(): { url: string; cluster: boolean } {
    return this.#target;
  }

  async #get(): Promise<RedisInspector> {
    if (this.#inspector) return this.#inspector;
    try {
      this.#inspector = await RedisInspector.connect({
        url: this.#target.url,
        cluster: this.#target.cluster,
        onOp: this.tracer.redisOps('inspector'),
      });
    } catch (err) {
      throw new BridgeError(BridgeErrorCode.Failed, `cannot inspect ${redactUrl(this.#target.url)}: ${(err as Error).message}`);
    }
    return this.#inspector;
  }

  async #run<T>(what: string, fn: (i: RedisInspector) => Promise<T>): Promise<T> {
    const i = await this.#get();
    try {
      return await fn(i);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new BridgeError(
        code === 'INVALID_KEY' || code === 'INVALID_ARGUMENT' ? BridgeErrorCode.BadParams : BridgeErrorCode.Failed,
        `${what}: ${(err as Error).message}`,
      );
    }
  }

  snapshot(): Promise<InspectorSnapshot> {
    return this.#run('snapshot', (i) => i.snapshot());
  }

  peek(key: string | BinaryText, start: number, count: number): Promise<ListPage> {
    const name = typeof key === 'string' ? key : key.text;
    return this.#run(`peek ${name}`, (i) => i.peekList(key, { start, count }));
  }

  pending(uri: string): Promise<PendingCalls> {
    return this.#run(`pending calls of ${uri}`, (i) => i.pendingCalls(uri));
  }

  async retarget(url: string | null, cluster: boolean): Promise<{ url: string; cluster: boolean }> {
    const next = url === null ? this.home : { url, cluster };
    const prev = this.#target;
    const old = this.#inspector;
    this.#inspector = undefined;
    this.#target = next;
    await this.#closeTaps();
    await old?.close();
    try {
      await this.#get();
    } catch (err) {
      // a redis that cannot be reached leaves the inspector where it was (reconnected on next use)
      this.#target = prev;
      throw err;
    }
    return { url: redactUrl(next.url), cluster: next.cluster };
  }

  async tap(channels: string[], patterns: string[]): Promise<{ tapId: string }> {
    if (channels.length === 0 && patterns.length === 0)
      throw new BridgeError(BridgeErrorCode.BadParams, 'redis.tap: give at least one channel or pattern');
    const tapId = `tap-${++this.#seq}`;
    const t = await this.#run('tap', (i) => i.tap({ channels, patterns }, (m) => this.onTap({ tapId, ...m })));
    this.#taps.set(tapId, t);
    return { tapId };
  }

  async untap(tapId: string): Promise<{ tapId: string }> {
    const t = this.#taps.get(tapId);
    if (!t) throw new BridgeError(BridgeErrorCode.NotFound, `tap ${tapId} does not exist`);
    this.#taps.delete(tapId);
    await t.close();
    return { tapId };
  }

  async #closeTaps(): Promise<void> {
    await Promise.allSettled([...this.#taps.values()].map((t) => t.close()));
    this.#taps.clear();
  }

  async close(): Promise<void> {
    await this.#closeTaps();
    await this.#inspector?.close();
    this.#inspector = undefined;
  }
}
