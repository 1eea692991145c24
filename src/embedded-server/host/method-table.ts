// The bridge's method table: each contract method, implemented on the Studio host. Params are input
// from the UI and are checked here; what they name must exist (typed NOT_FOUND otherwise).

import { MAX_BRIDGE_CALL_TIMEOUT_MS } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { TRACE_KINDS, type TraceKind } from '../../shared/trace/events';
import type { MethodTable } from '../bridge/dispatcher';
import { bool, num, obj, oneOf, str } from '../bridge/params';
import { parseListenAddr } from '../cli/addr';
import type { BinaryText } from '../redis-inspector/binary-text';
import { TraceError } from '../trace/errors';
import { exportText, importSession } from '../trace/session-file';
import type { StudioHost } from './studio-host';

const syncGenerations = ['seed', '0.6', '0.7', 'detect'] as const;
const traceKinds: readonly TraceKind[] = TRACE_KINDS;

export function buildMethodTable(host: StudioHost): MethodTable {
  return {
    'host.info': () => host.info(),
    'host.status': () => host.status(),

    'trace.events': (p) => {
      const o = p === undefined ? {} : obj(p, 'trace.events');
      const kinds = o.kinds;
      if (kinds !== undefined && (!Array.isArray(kinds) || kinds.some((k) => !traceKinds.includes(k as TraceKind)))) {
        throw new BridgeError(BridgeErrorCode.BadParams, `trace.events: "kinds" must be a list of ${traceKinds.join(', ')}`);
      }
      return host.trace.events({
        fromSeq: num(o, 'fromSeq', 'trace.events', { optional: true, min: 0 }),
        limit: num(o, 'limit', 'trace.events', { optional: true, min: 1, max: 100_000 }) ?? 10_000,
        kinds: kinds as TraceKind[] | undefined,
      });
    },
    'trace.batch': (p) => {
      const o = p === undefined ? {} : obj(p, 'trace.batch');
      return host.trace.batch({
        fromSeq: num(o, 'fromSeq', 'trace.batch', { optional: true, min: 0 }),
        limit: num(o, 'limit', 'trace.batch', { optional: true, min: 1, max: 100_000 }) ?? 10_000,
      });
    },
    'trace.follow': (p, session) => {
      const o = obj(p, 'trace.follow');
      const maxBatch = o.maxBatch === null ? undefined : num(o, 'maxBatch', 'trace.follow', { min: 1, max: 100_000 });
      host.followTrace(session, maxBatch === undefined ? undefined : Math.floor(maxBatch));
      return { maxBatch: maxBatch === undefined ? null : Math.floor(maxBatch) };
    },
    'trace.chain': (p) => host.trace.chain(str(obj(p, 'trace.chain'), 'corr', 'trace.chain', { nonEmpty: true })) ?? null,
    'trace.stats': () => host.trace.stats(),
    'trace.setEnabled': (p) => {
      host.trace.enabled = bool(obj(p, 'trace.setEnabled'), 'enabled', 'trace.setEnabled');
      return host.trace.stats();
    },
    'trace.clear': () => {
      host.trace.clear();
      return host.trace.stats();
    },
    'trace.export': async () => {
      const count = host.trace.stats().held;
      return { ndjson: await exportText(host.trace), count };
    },
    'trace.import': async (p) => {
      const ndjson = str(obj(p, 'trace.import'), 'ndjson', 'trace.import');
      try {
        const imported = await importSession({ text: ndjson }, host.trace);
        return { count: imported.count };
      } catch (err) {
        throw new BridgeError(BridgeErrorCode.BadParams, `trace.import: ${(err as Error).message}`);
      }
    },
    'trace.spill': async (p) => {
      const o = obj(p, 'trace.spill');
      const file = o.file;
      if (file === null) await host.trace.stopSpill();
      else {
        const f = str(o, 'file', 'trace.spill', { nonEmpty: true });
        try {
          // only inside the data folder: the bridge must not become a way to append to any file
          await host.trace.spillTo(f, { insideDir: host.dataDir });
        } catch (err) {
          if (err instanceof TraceError && err.code === 'SPILL_OUTSIDE_DIR') throw new BridgeError(err.code, err.message);
          throw new BridgeError(BridgeErrorCode.Failed, `cannot spill the trace to ${f}: ${(err as Error).message}`);
        }
      }
      return host.trace.stats();
    },

    'clients.list': () => host.clients.list(),
    'clients.connect': (p) => {
      const o = p === undefined ? {} : obj(p, 'clients.connect');
      return host.clients.connect({
        name: str(o, 'name', 'clients.connect', { optional: true }),
        url: str(o, 'url', 'clients.connect', { optional: true }),
        allowedMessages: str(o, 'allowedMessages', 'clients.connect', { optional: true }),
      });
    },
    'clients.disconnect': (p) => host.clients.disconnect(str(obj(p, 'clients.disconnect'), 'clientId', 'clients.disconnect')),
    'clients.call': (p) => {
      const o = obj(p, 'clients.call');
      return host.clients.call(
        str(o, 'clientId', 'clients.call'),
        str(o, 'uri', 'clients.call', { nonEmpty: true }),
        o.args ?? null,
        num(o, 'timeoutMs', 'clients.call', { optional: true, min: 1, max: MAX_BRIDGE_CALL_TIMEOUT_MS }),
      );
    },
    'clients.sub': (p) => {
      const o = obj(p, 'clients.sub');
      return host.clients.sub(str(o, 'clientId', 'clients.sub'), str(o, 'channel', 'clients.sub'), bool(o, 'pattern', 'clients.sub'));
    },
    'clients.unsb': (p) => {
      const o = obj(p, 'clients.unsb');
      return host.clients.unsb(str(o, 'clientId', 'clients.unsb'), str(o, 'channel', 'clients.unsb'), bool(o, 'pattern', 'clients.unsb'));
    },
    'clients.pub': (p) => {
      const o = obj(p, 'clients.pub');
      return host.clients.pub(str(o, 'clientId', 'clients.pub'), str(o, 'channel', 'clients.pub'), o.args ?? null);
    },
    'clients.resend': (p) => {
      const o = obj(p, 'clients.resend');
      const seq = num(o, 'seq', 'clients.resend', { min: 1 })!;
      const ev = host.trace.get(seq);
      if (!ev) throw new BridgeError(BridgeErrorCode.NotFound, `trace event ${seq} is not held any more (or never was)`);
      if (ev.kind !== 'frame' || ev.type !== 'CALL')
        throw new BridgeError(BridgeErrorCode.BadParams, `trace event ${seq} is not a CALL frame`);
      if (ev.truncated)
        throw new BridgeError(
          BridgeErrorCode.Failed,
          `the CALL of trace event ${seq} was cut to the trace's text limit; it cannot be sent again`,
        );
      let call: { payload?: { uri?: unknown; args?: unknown; timeout?: unknown } };
      try {
        call = JSON.parse(ev.text);
      } catch {
        throw new BridgeError(BridgeErrorCode.Failed, `trace event ${seq} does not hold a readable CALL`);
      }
      const uri = call.payload?.uri;
      if (typeof uri !== 'string' || !uri) throw new BridgeError(BridgeErrorCode.Failed, `trace event ${seq} has no URI to call`);
      const ns = typeof call.payload?.timeout === 'number' ? call.payload.timeout : 0;
      return host.clients.call(
        str(o, 'clientId', 'clients.resend'),
        uri,
        call.payload?.args ?? null,
        ns > 0 ? Math.max(1, ns / 1e6) : undefined,
      );
    },

    'callees.list': () => host.callees(),
    'callees.save': async (p) => {
      const o = obj(p, 'callees.save');
      const uri = str(o, 'uri', 'callees.save', { nonEmpty: true });
      if (host.demoCallee.uris.includes(uri)) {
        throw new BridgeError(BridgeErrorCode.BadParams, `${uri} is served by the demo callee; give your callee another URI`);
      }
      const r = await host.userCallees.save(
        uri,
        str(o, 'source', 'callees.save'),
        oneOf(o, 'language', ['js', 'ts'] as const, 'callees.save'),
      );
      host.dispatcher.emit('callees.changed', host.callees());
      if (r.ok) return { ok: true, callee: host.callees().find((c) => c.uri === uri) };
      return { ok: false, problems: r.diagnostics.map((d) => ({ message: d.message, line: d.line, column: d.column })) };
    },
    'callees.remove': async (p) => {
      const uri = str(obj(p, 'callees.remove'), 'uri', 'callees.remove', { nonEmpty: true });
      if (!host.userCallees.list().some((h) => h.uri === uri))
        throw new BridgeError(BridgeErrorCode.NotFound, `no user callee serves ${uri}`);
      await host.userCallees.remove(uri);
      host.tracer.runs.forget(uri);
      const list = host.callees();
      host.dispatcher.emit('callees.changed', list);
      return list;
    },
    'callees.start': (p) => host.setCalleeRunning(str(obj(p, 'callees.start'), 'uri', 'callees.start', { nonEmpty: true }), true),
    'callees.stop': (p) => host.setCalleeRunning(str(obj(p, 'callees.stop'), 'uri', 'callees.stop', { nonEmpty: true }), false),
    'callees.runs': (p) => {
      const o = obj(p, 'callees.runs');
      return host.tracer.runs.list(str(o, 'uri', 'callees.runs', { nonEmpty: true }), bool(o, 'errorsOnly', 'callees.runs'));
    },

    'redis.snapshot': () => host.redisInspection.snapshot(),
    'redis.peek': (p) => {
      const o = obj(p, 'redis.peek');
      const k = o.key;
      let key: string | BinaryText;
      if (typeof k === 'string' && k !== '') key = k;
      else if (typeof k === 'object' && k !== null && typeof (k as BinaryText).text === 'string') key = k as BinaryText;
      else throw new BridgeError(BridgeErrorCode.BadParams, 'redis.peek: "key" must be a key name or a key object from redis.snapshot');
      return host.redisInspection.peek(
        key,
        num(o, 'start', 'redis.peek', { optional: true, min: 0 }) ?? 0,
        num(o, 'count', 'redis.peek', { optional: true, min: 1, max: 1000 }) ?? 100,
      );
    },
    'redis.pending': (p) => host.redisInspection.pending(str(obj(p, 'redis.pending'), 'uri', 'redis.pending', { nonEmpty: true })),
    // another redis than the Studio's own is attached (watched only); null goes back to the own one
    'redis.target': async (p) => {
      const o = obj(p, 'redis.target');
      const url = o.url === null ? null : str(o, 'url', 'redis.target', { nonEmpty: true });
      const cluster = bool(o, 'cluster', 'redis.target');
      const s = url === null ? await host.attachment.detach() : await host.attachment.attach(url, cluster);
      return s.redis ? { url: s.redis.url, cluster: s.redis.cluster } : { url: s.own.url, cluster: host.options.cluster ?? false };
    },
    'redis.tap': (p) => {
      const o = obj(p, 'redis.tap');
      const list = (field: string) => {
        const v = o[field];
        if (v === undefined) return [];
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
          throw new BridgeError(BridgeErrorCode.BadParams, `redis.tap: "${field}" must be a list of strings`);
        return v as string[];
      };
      return host.redisInspection.tap(list('channels'), list('patterns'));
    },
    'redis.untap': (p) => host.redisInspection.untap(str(obj(p, 'redis.untap'), 'tapId', 'redis.untap')),

    'fault.redis': (p) => host.pauseRedis(oneOf(obj(p, 'fault.redis'), 'action', ['pause', 'resume'] as const, 'fault.redis') === 'pause'),
    'fault.calleeDelay': (p) => {
      host.calleeDelayMs = num(obj(p, 'fault.calleeDelay'), 'ms', 'fault.calleeDelay', { min: 0, max: 600_000 })!;
      return host.status();
    },
    'fault.expireCall': async (p) => {
      const o = obj(p, 'fault.expireCall');
      return {
        expired: await host.expireCall(
          str(o, 'uri', 'fault.expireCall', { nonEmpty: true }),
          str(o, 'msgUUID', 'fault.expireCall', { nonEmpty: true }),
        ),
      };
    },

    'sync.peers': () => host.sync.peers(),
    'sync.history': (p) => {
      const o = obj(p, 'sync.history');
      return host.sync.history(
        str(o, 'peerId', 'sync.history'),
        oneOf(o, 'replica', ['local', 'remote', 'state'] as const, 'sync.history'),
        num(o, 'fromRevision', 'sync.history', { optional: true, min: 0 }),
      );
    },
    'sync.setLocal': (p) => {
      const o = obj(p, 'sync.setLocal');
      if (!('data' in o))
        throw new BridgeError(BridgeErrorCode.BadParams, 'sync.setLocal: "data" is required (any JSON value, null included)');
      return host.sync.setLocal(str(o, 'peerId', 'sync.setLocal'), o.data);
    },
    'sync.pin': (p) => {
      const o = obj(p, 'sync.pin');
      return host.sync.pin(str(o, 'peerId', 'sync.pin'), bool(o, 'pinned', 'sync.pin'));
    },
    'sync.overview': () => host.sync.overview(),
    'sync.attach': (p) => {
      const o = obj(p, 'sync.attach');
      return host.syncAttach.attach(
        str(o, 'url', 'sync.attach', { nonEmpty: true }),
        o.generation === undefined ? 'detect' : oneOf(o, 'generation', syncGenerations, 'sync.attach'),
      );
    },
    'sync.proxy': (p) => {
      const o = obj(p, 'sync.proxy');
      const listen = str(o, 'listen', 'sync.proxy', { optional: true });
      let addr: { host: string; port: number } | undefined;
      try {
        addr = listen ? parseListenAddr(listen, 'listen') : undefined;
      } catch (err) {
        throw new BridgeError(BridgeErrorCode.BadParams, `sync.proxy: ${(err as Error).message}`);
      }
      return host.syncAttach.proxy(
        str(o, 'upstream', 'sync.proxy', { nonEmpty: true }),
        o.generation === undefined ? 'detect' : oneOf(o, 'generation', syncGenerations, 'sync.proxy'),
        addr,
      );
    },
    'sync.detach': (p) => host.syncAttach.detach(str(obj(p, 'sync.detach'), 'targetId', 'sync.detach', { nonEmpty: true })),
    'sync.targets': () => host.syncAttach.list(),
    'sync.message': (p) => {
      const o = obj(p, 'sync.message');
      host.sync.message(str(o, 'peerId', 'sync.message'), o.message ?? null);
      return { sent: true as const };
    },

    'attach.redis': (p) => {
      const o = obj(p, 'attach.redis');
      return host.attachment.attach(str(o, 'url', 'attach.redis', { nonEmpty: true }), bool(o, 'cluster', 'attach.redis'));
    },
    'attach.detach': () => host.attachment.detach(),
    'attach.status': () => host.attachment.status(),
    'callees.serveOnAttached': (p) => {
      const o = obj(p, 'callees.serveOnAttached');
      return host.attachment.serveOnAttached(bool(o, 'on', 'callees.serveOnAttached'), bool(o, 'confirm', 'callees.serveOnAttached'));
    },

    'metrics.sample': () => host.metrics(),
    'load.start': (p) => {
      const o = obj(p, 'load.start');
      return host.loads.start({
        connections: num(o, 'connections', 'load.start', { min: 1, max: 5000 })!,
        rateMs: num(o, 'rateMs', 'load.start', { min: -1, max: 60_000 })!,
        durationMs: num(o, 'durationMs', 'load.start', { min: 100, max: 600_000 })!,
        uri: str(o, 'uri', 'load.start', { nonEmpty: true }),
        payload: str(o, 'payload', 'load.start'),
        timeoutMs: num(o, 'timeoutMs', 'load.start', { min: 1, max: 600_000 })!,
      });
    },
    'load.stop': (p) => host.loads.stop(str(obj(p, 'load.stop'), 'loadId', 'load.stop')),

    'proxy.start': (p) => {
      const o = obj(p, 'proxy.start');
      const headers = o.headers;
      if (
        headers !== undefined &&
        (typeof headers !== 'object' ||
          headers === null ||
          Array.isArray(headers) ||
          Object.values(headers).some((v) => typeof v !== 'string'))
      )
        throw new BridgeError(BridgeErrorCode.BadParams, 'proxy.start: "headers" must be an object of header names to text values');
      return host.proxies.start({
        upstream: str(o, 'upstream', 'proxy.start', { nonEmpty: true }),
        listen: str(o, 'listen', 'proxy.start', { optional: true }),
        headers: headers as Record<string, string> | undefined,
      });
    },
    'proxy.stop': (p) => host.proxies.stop(str(obj(p, 'proxy.stop'), 'id', 'proxy.stop', { nonEmpty: true })),
    'proxy.list': () => host.proxies.list(),
    'watch.start': (p) => {
      const o = p === undefined ? {} : obj(p, 'watch.start');
      return host.watch.start({
        url: o.url === undefined ? undefined : str(o, 'url', 'watch.start', { nonEmpty: true }),
        limitMs: num(o, 'limitMs', 'watch.start', { optional: true, min: 1000, max: 24 * 60 * 60_000 }),
      });
    },
    'watch.stop': () => host.watch.stop(),
    'watch.status': () => host.watch.status(),
  };
}
