// The Studio's own juggler.0 clients: the playground opens several side by side, and each call,
// subscription and publication made from the UI goes through one of them like any other client's.
import { type CallOutcome, type ClientEvent, type ClientInfo, STUDIO_CLIENT_CALL_TIMEOUT_MS } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { CallError, CallExpiredError, NackError } from '../client/errors';
import { createClient, type JugglerClient } from '../client/node';

interface Entry {
  id: string;
  name: string;
  url: string;
  client: JugglerClient;
  state: ClientInfo['state'];
  closeCode?: number;
  closeReason?: string;
}

export interface ClientPoolHooks {
  /**
   * A client was created, before it connects (wire tracing here). `traceName` is what the trace calls
   * its connection: the name the user gave, with the client id added only when another client has it.
   */
  onClient?: (clientId: string, client: JugglerClient, traceName: string) => void;
  /**
   * Where an expired call's time went, as far as the trace saw it (e.g. "queued 2 ms, then the callee
   * ran past the timeout"), to replace the client's generic hint; undefined when nothing was seen.
   */
  explainExpiry?: (uuid: string) => string | undefined;
  /** A client could not connect: why (refused, the HTTP status of a refused upgrade, no juggler.0, TLS). */
  onConnectFailed?: (traceName: string, url: string, reason: string) => void;
  onChange?: (clients: ClientInfo[]) => void;
  onEvent?: (ev: ClientEvent) => void;
}

export class ClientPool {
  readonly #clients = new Map<string, Entry>();
  #seq = 0;

  constructor(
    private readonly defaultUrl: () => string,
    private readonly hooks: ClientPoolHooks = {},
  ) {}

  #info(e: Entry): ClientInfo {
    return {
      clientId: e.id,
      name: e.name,
      url: e.url,
      state: e.state,
      subscriptions: e.client.subscriptions.map((s) => ({ channel: s.channel, pattern: s.pattern })),
      pendingCalls: e.client.pendingCount,
      ...(e.closeCode !== undefined ? { closeCode: e.closeCode } : {}),
      // a connection that never opened has a reason (why it failed) but no close code
      ...(e.closeCode !== undefined || e.closeReason ? { closeReason: e.closeReason ?? '' } : {}),
    };
  }

  list(): ClientInfo[] {
    return [...this.#clients.values()].map((e) => this.#info(e));
  }

  #changed(): void {
    this.hooks.onChange?.(this.list());
  }

  #get(id: string): Entry {
    const e = this.#clients.get(id);
    if (!e) throw new BridgeError(BridgeErrorCode.NotFound, `client ${id} does not exist (it may have been removed)`);
    return e;
  }

  #open(id: string): JugglerClient {
    const e = this.#get(id);
    if (e.state !== 'open')
      throw new BridgeError(BridgeErrorCode.Failed, `client ${e.name} is not connected (${e.state}); connect it first`);
    return e.client;
  }

  async connect(o: { name?: string; url?: string; allowedMessages?: string } = {}): Promise<ClientInfo> {
    const id = `c${++this.#seq}`;
    const url = o.url || this.defaultUrl();
    const client = createClient(url, {
      callTimeoutMs: STUDIO_CLIENT_CALL_TIMEOUT_MS,
      ...(o.allowedMessages ? { headers: { 'Juggler-Allowed-Messages': o.allowedMessages } } : {}),
    });
    const name = o.name || `client ${this.#seq}`;
    const traceName = [...this.#clients.values()].some((e) => e.name === name) ? `${name} (${id})` : name;
    const entry: Entry = { id, name, url, client, state: 'connecting' };
    this.#clients.set(id, entry);
    this.hooks.onClient?.(id, client, traceName);
    client.on('event', (ev) =>
      this.hooks.onEvent?.({
        clientId: id,
        for: ev.for,
        channel: ev.channel,
        ...(ev.pattern ? { pattern: ev.pattern } : {}),
        args: ev.args,
        at: Date.now(),
      }),
    );
    client.on('close', (info) => {
      entry.state = 'closed';
      entry.closeCode = info.code;
      entry.closeReason = info.reason;
      this.#changed();
    });
    // errors are reported through the trace and close events; without a listener the emitter would throw
    client.on('error', () => undefined);
    this.#changed();
    try {
      await client.open();
    } catch (err) {
      entry.state = 'closed';
      entry.closeReason = (err as Error).message;
      this.hooks.onConnectFailed?.(traceName, url, entry.closeReason);
      this.#changed();
      throw new BridgeError(BridgeErrorCode.Failed, `cannot connect ${entry.name} to ${url}: ${(err as Error).message}`);
    }
    entry.state = 'open';
    entry.closeCode = undefined;
    entry.closeReason = undefined;
    this.#changed();
    return this.#info(entry);
  }

  /** Closes the connection and forgets the client. */
  async disconnect(id: string): Promise<ClientInfo> {
    const e = this.#get(id);
    if (e.state !== 'closed') await e.client.close(1000, 'closed from the Studio');
    e.state = 'closed';
    this.#clients.delete(id);
    this.#changed();
    return this.#info(e);
  }

  async call(id: string, uri: string, args: unknown, timeoutMs?: number): Promise<CallOutcome> {
    const client = this.#open(id);
    let uuid = '';
    // the client writes the CALL synchronously inside call(): its uuid is on that frame
    const grab = (f: { direction: string; message?: { meta: { type: number; uuid: string } } }) => {
      if (!uuid && f.direction === 'out' && f.message?.meta.type === 1) uuid = f.message.meta.uuid;
    };
    client.on('frame', grab);
    const t0 = performance.now();
    let promise: Promise<unknown>;
    try {
      promise = client.call(uri, args, timeoutMs !== undefined ? { timeoutMs } : {});
    } finally {
      client.off('frame', grab);
    }
    try {
      const result = await promise;
      return { uuid, ok: true, result, latencyMs: performance.now() - t0 };
    } catch (err) {
      const latencyMs = performance.now() - t0;
      const e = err as Error & { code?: string };
      const error: CallOutcome['error'] = { code: e.code ?? 'FAILED', message: e.message };
      if (err instanceof NackError) error.nackCode = err.nackCode;
      if (err instanceof CallError) error.result = { error: err.error };
      if (err instanceof CallExpiredError) {
        error.code = 'EXPIRED';
        const seen = this.hooks.explainExpiry?.(uuid);
        error.timeoutMs = err.timeoutMs;
        if (seen) {
          error.detail = seen;
          error.message = `call to ${uri} expired: no result within ${err.timeoutMs} ms; ${seen}`;
        }
      }
      return { uuid, ok: false, error, latencyMs };
    } finally {
      this.#changed();
    }
  }

  async sub(id: string, channel: string, pattern: boolean): Promise<ClientInfo> {
    await this.#wrap(this.#open(id).sub(channel, { pattern }), `SUB ${channel}`);
    this.#changed();
    return this.#info(this.#get(id));
  }

  async unsb(id: string, channel: string, pattern: boolean): Promise<ClientInfo> {
    await this.#wrap(this.#open(id).unsb(channel, { pattern }), `UNSB ${channel}`);
    this.#changed();
    return this.#info(this.#get(id));
  }

  async pub(id: string, channel: string, args: unknown): Promise<{ uuid: string }> {
    const client = this.#open(id);
    let uuid = '';
    const grab = (f: { direction: string; message?: { meta: { type: number; uuid: string } } }) => {
      if (!uuid && f.direction === 'out' && f.message?.meta.type === 2) uuid = f.message.meta.uuid;
    };
    client.on('frame', grab);
    let p: Promise<void>;
    try {
      p = client.pub(channel, args);
    } finally {
      client.off('frame', grab);
    }
    await this.#wrap(p, `PUB ${channel}`);
    return { uuid };
  }

  async #wrap<T>(p: Promise<T>, what: string): Promise<T> {
    try {
      return await p;
    } catch (err) {
      const data = err instanceof NackError ? { nackCode: err.nackCode } : undefined;
      throw new BridgeError(BridgeErrorCode.Failed, `${what}: ${(err as Error).message}`, data);
    }
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#clients.values()].map((e) => (e.state === 'closed' ? undefined : e.client.terminate())));
    this.#clients.clear();
  }
}
