// What juggler keeps in redis right now, gathered read-only: juggler keys found with SCAN (bounded),
// each call and result list's length and oldest entry, timeout keys counted per URI and connection,
// pub-sub channels with their subscribers, and which callees wait on which URI (CLIENT LIST).
// Each section that fails for a reason other than an outage (an ACL forbidding CLIENT LIST, say) is
// reported as an issue and the rest of the snapshot still comes back.

import type {
  ChannelSummary,
  InspectorSnapshot,
  ListSummary,
  NodeScan,
  OldestEntry,
  ResultSummary,
  SnapshotIssue,
  UriSummary,
} from '../../shared/redis-inspector';
import { binaryText } from './binary-text';
import { addClients, type CalleeWaiters, emptyWaiters } from './blocked-clients';
import { parseClientList } from './client-list';
import type { Cmd, CommandRunner, NodeClient } from './command-runner';
import { InspectorError } from './errors';
import { classifyKey, JUGGLER_MATCH } from './key-kinds';
import { addTtls, type ListKind, type TtlInfo } from './list-peek';
import { type PayloadView, viewCallPayload } from './payload-view';

export type {
  ChannelSummary,
  InspectorSnapshot,
  ListSummary,
  NodeScan,
  OldestEntry,
  ResultSummary,
  SnapshotIssue,
  UriSummary,
} from '../../shared/redis-inspector';

export interface SnapshotOptions {
  /** Most juggler keys to look at; past it the snapshot says `truncated`. */
  maxKeys: number;
  /** SCAN COUNT: keys redis examines per SCAN call. */
  scanCount: number;
  /** Most pub-sub channels whose subscribers are counted. */
  maxChannels: number;
  /** Characters of previews. */
  previewChars: number;
  /** Channels and patterns the inspector's own taps subscribe to, to tell them apart. */
  taps: { channels: Map<string, number>; patterns: number };
}

interface FoundList {
  node: NodeClient;
  key: Buffer;
  /** URI or connection id, as displayed. */
  id: string;
  kind: Exclude<ListKind, 'other'>;
}

interface Found {
  lists: FoundList[];
  callTimeouts: Map<string, number>;
  resultTimeouts: Map<string, number>;
  other: { node: NodeClient; key: Buffer }[];
  otherCount: number;
  nodes: NodeScan[];
  keysSeen: number;
  truncated: boolean;
}

const SAMPLE = 20;

function inc(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/** An outage or a timeout fails the whole snapshot; anything else is one section's issue. */
function fatalToSnapshot(err: unknown): boolean {
  return err instanceof InspectorError && (err.code === 'UNAVAILABLE' || err.code === 'TIMEOUT');
}

async function scanKeys(runner: CommandRunner, masters: NodeClient[], o: SnapshotOptions): Promise<Found> {
  const found: Found = {
    lists: [],
    callTimeouts: new Map(),
    resultTimeouts: new Map(),
    other: [],
    otherCount: 0,
    nodes: [],
    keysSeen: 0,
    truncated: false,
  };
  // the budget is shared by all nodes: maxKeys bounds the snapshot, not each node
  let budget = o.maxKeys;
  await Promise.all(
    masters.map(async (node) => {
      const scan: NodeScan = { address: node.address, keysSeen: 0, complete: false };
      found.nodes.push(scan);
      let cursor = '0';
      do {
        if (budget <= 0) {
          found.truncated = true;
          return;
        }
        const r = (await runner.one(['scan', cursor, 'MATCH', JUGGLER_MATCH, 'COUNT', o.scanCount], node.client)) as [Buffer, Buffer[]];
        cursor = r[0].toString();
        for (const key of r[1]) {
          if (budget <= 0) {
            found.truncated = true;
            return;
          }
          budget--;
          scan.keysSeen++;
          found.keysSeen++;
          const k = classifyKey(key);
          if (k.kind === 'callList') found.lists.push({ node, key, id: binaryText(k.uri).text, kind: 'calls' });
          else if (k.kind === 'resultList') found.lists.push({ node, key, id: binaryText(k.conn).text, kind: 'results' });
          else if (k.kind === 'callTimeout') inc(found.callTimeouts, binaryText(k.uri).text);
          else if (k.kind === 'resultTimeout') inc(found.resultTimeouts, binaryText(k.conn).text);
          else {
            found.otherCount++;
            if (found.other.length < SAMPLE) found.other.push({ node, key });
          }
        }
      } while (cursor !== '0');
      scan.complete = true;
    }),
  );
  found.nodes.sort((a, b) => a.address.localeCompare(b.address));
  return found;
}

interface ListDetails {
  summaries: Map<FoundList, ListSummary>;
  mismatches: InspectorSnapshot['typeMismatches'];
  otherSample: InspectorSnapshot['otherKeys']['sample'];
}

/** LLEN and LINDEX -1 of every list, then its oldest entry's TTL; TYPE of mismatches and samples. */
async function listDetails(runner: CommandRunner, found: Found, o: SnapshotOptions): Promise<ListDetails> {
  const out: ListDetails = { summaries: new Map(), mismatches: [], otherSample: [] };
  const byNode = new Map<NodeClient, FoundList[]>();
  for (const l of found.lists) {
    const g = byNode.get(l.node);
    if (g) g.push(l);
    else byNode.set(l.node, [l]);
  }
  const wrong: FoundList[] = [];
  await Promise.all(
    [...byNode].map(async ([node, lists]) => {
      const replies = await runner.batch(
        lists.flatMap((l): Cmd[] => [
          ['llen', l.key],
          ['lindex', l.key, -1],
        ]),
        node.client,
      );
      const oldest: { list: FoundList; view: PayloadView & TtlInfo }[] = [];
      lists.forEach((l, i) => {
        const len = replies[2 * i];
        const last = replies[2 * i + 1];
        if (len?.error) {
          if (len.error.message.startsWith('WRONGTYPE')) wrong.push(l);
          else out.summaries.set(l, { key: binaryText(l.key, { withBytes: true }), length: 0, oldest: { error: len.error.message } });
          return;
        }
        const s: ListSummary = { key: binaryText(l.key, { withBytes: true }), length: Number(len?.value ?? 0) };
        if (last && Buffer.isBuffer(last.value)) oldest.push({ list: l, view: viewCallPayload(last.value, o.previewChars) });
        out.summaries.set(l, s);
      });
      // the timeout keys share their list's hash tag, hence its node
      for (const kind of ['calls', 'results'] as const) {
        const views = oldest.filter((x) => x.list.kind === kind);
        await addTtlsOn(
          runner,
          kind,
          views.map((x) => x.view),
          node,
        );
      }
      for (const { list, view } of oldest) {
        const s = out.summaries.get(list)!;
        const { ttlMs, ageMs, expired, ttlError } = view;
        const e: OldestEntry = {};
        if (view.call) e.msgUUID = view.call.msgUUID;
        if (view.error) e.error = view.error;
        if (ttlMs !== undefined) e.ttlMs = ttlMs;
        if (ageMs !== undefined) e.ageMs = ageMs;
        if (expired) e.expired = true;
        if (ttlError) e.ttlError = ttlError;
        s.oldest = e;
      }
    }),
  );
  // TYPE of every mismatch and of the sample of other keys, pipelined per node
  const typed = [...wrong.map((l) => ({ node: l.node, key: l.key })), ...found.other];
  const types: string[] = new Array(typed.length).fill('unknown');
  const typedByNode = new Map<NodeClient, number[]>();
  typed.forEach((t, i) => {
    const g = typedByNode.get(t.node);
    if (g) g.push(i);
    else typedByNode.set(t.node, [i]);
  });
  await Promise.all(
    [...typedByNode].map(async ([node, idx]) => {
      const replies = await runner.batch(
        idx.map((i): Cmd => ['type', typed[i]!.key]),
        node.client,
      );
      idx.forEach((i, j) => {
        const r = replies[j];
        types[i] = r?.error ? `unknown (${r.error.message})` : String(r?.value);
      });
    }),
  );
  wrong.forEach((l, i) => {
    out.mismatches.push({ key: binaryText(l.key, { withBytes: true }), expected: 'list', actual: types[i]! });
  });
  found.other.forEach((t, i) => {
    out.otherSample.push({ key: binaryText(t.key, { withBytes: true, maxChars: 200 }), type: types[wrong.length + i]! });
  });
  return out;
}

/** addTtls on one cluster node (or the single redis): the keys are known to live there. */
async function addTtlsOn(runner: CommandRunner, kind: 'calls' | 'results', views: (PayloadView & TtlInfo)[], node: NodeClient) {
  if (views.length === 0) return;
  await addTtls(runner, kind, views, node.client);
}

interface PubsubInfo {
  channels: ChannelSummary[];
  truncated: boolean;
  patterns: number;
}

/** PUBSUB on every node: in a cluster each node knows only the subscriptions of its own clients. */
async function pubsub(runner: CommandRunner, nodes: NodeClient[], o: SnapshotOptions): Promise<PubsubInfo> {
  const counts = new Map<string, { channel: Buffer; n: number }>();
  let patterns = 0;
  let truncated = false;
  await Promise.all(
    nodes.map(async (node) => {
      const [chs, numpat] = await runner.batch(
        [
          ['pubsub', 'channels'],
          ['pubsub', 'numpat'],
        ],
        node.client,
      );
      if (chs?.error) throw chs.error;
      if (numpat?.error) throw numpat.error;
      patterns += Number(numpat?.value ?? 0);
      let channels = (chs?.value as Buffer[]) ?? [];
      if (channels.length > o.maxChannels) {
        truncated = true;
        channels = channels.slice(0, o.maxChannels);
      }
      for (let i = 0; i < channels.length; i += 500) {
        const part = channels.slice(i, i + 500);
        const r = (await runner.one(['pubsub', 'numsub', ...part], node.client)) as (Buffer | number)[];
        for (let j = 0; j + 1 < r.length; j += 2) {
          const ch = r[j] as Buffer;
          const id = ch.toString('base64');
          const c = counts.get(id) ?? { channel: ch, n: 0 };
          c.n += Number(r[j + 1]);
          counts.set(id, c);
        }
      }
    }),
  );
  const channels: ChannelSummary[] = [];
  for (const { channel, n } of counts.values()) {
    // listed by PUBSUB CHANNELS, then left before NUMSUB: gone
    if (n === 0) continue;
    const own = o.taps.channels.get(channel.toString('utf8')) ?? 0;
    const others = Math.max(0, n - own);
    channels.push({ channel: binaryText(channel, { withBytes: true }), subscribers: others, inspectorTaps: Math.min(n, own) });
  }
  channels.sort((a, b) => a.channel.text.localeCompare(b.channel.text));
  return { channels, truncated, patterns: Math.max(0, patterns - o.taps.patterns) };
}

async function waiters(runner: CommandRunner, nodes: NodeClient[]): Promise<CalleeWaiters> {
  const w = emptyWaiters();
  const lists = await Promise.all(nodes.map(async (n) => ({ n, text: String(await runner.one(['client', 'list'], n.client)) })));
  for (const { n, text } of lists) addClients(w, parseClientList(text), n.address);
  return w;
}

export async function takeSnapshot(
  runner: CommandRunner,
  info: { url: string; cluster: boolean },
  o: SnapshotOptions,
): Promise<InspectorSnapshot> {
  const takenAt = Date.now();
  const t0 = performance.now();
  runner.ensureUp();
  const issues: SnapshotIssue[] = [];
  const section = async <T>(name: SnapshotIssue['section'], fallback: T, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (fatalToSnapshot(err)) throw err;
      issues.push({ section: name, message: (err as Error).message });
      return fallback;
    }
  };
  const [masters, all] = await Promise.all([runner.masters(), runner.allNodes()]);
  const [found, ps, w] = await Promise.all([
    section('keys', undefined, () => scanKeys(runner, masters, o)),
    section('pubsub', { channels: [], truncated: false, patterns: 0 }, () => pubsub(runner, all, o)),
    section('clients', emptyWaiters(), () => waiters(runner, all)),
    info.cluster
      ? Promise.resolve()
      : section('cluster', undefined, async () => {
          const text = String(await runner.one(['info', 'cluster']));
          if (/cluster_enabled:1/.test(text))
            issues.push({
              section: 'cluster',
              message: 'this redis is a cluster node: only its own keys are shown; connect with cluster: true to see every master',
            });
        }),
  ]);
  const details = found ? await section('lists', undefined, () => listDetails(runner, found, o)) : undefined;

  const uris = new Map<string, UriSummary>();
  const uri = (id: string): UriSummary => {
    let u = uris.get(id);
    if (!u) {
      u = { uri: id, pending: 0, timeoutKeys: 0, calleesWaiting: 0, calleesConnected: 0, noCalleeWaiting: false };
      uris.set(id, u);
    }
    return u;
  };
  const results = new Map<string, ResultSummary>();
  const result = (id: string): ResultSummary => {
    let r = results.get(id);
    if (!r) {
      r = { conn: id, pending: 0, timeoutKeys: 0 };
      results.set(id, r);
    }
    return r;
  };
  for (const l of found?.lists ?? []) {
    const s = details?.summaries.get(l);
    if (!s) continue; // a type mismatch, or the lists section failed
    if (l.kind === 'calls') {
      const u = uri(l.id);
      u.callList = s;
      u.pending = s.length;
    } else {
      const r = result(l.id);
      r.resultList = s;
      r.pending = s.length;
    }
  }
  for (const [id, n] of found?.callTimeouts ?? []) uri(id).timeoutKeys = n;
  for (const [id, n] of found?.resultTimeouts ?? []) result(id).timeoutKeys = n;
  for (const [id, n] of w.connected) uri(id).calleesConnected = n;
  for (const [id, n] of w.waiting) uri(id).calleesWaiting = n;
  for (const u of uris.values()) u.noCalleeWaiting = u.pending > 0 && u.calleesWaiting === 0;

  const byName = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    takenAt,
    durationMs: performance.now() - t0,
    redis: { url: info.url, cluster: info.cluster, nodes: found?.nodes ?? [] },
    scan: { match: JUGGLER_MATCH, keysSeen: found?.keysSeen ?? 0, maxKeys: o.maxKeys, truncated: found?.truncated ?? false },
    uris: byName(uris),
    results: byName(results),
    otherKeys: { count: found?.otherCount ?? 0, sample: details?.otherSample ?? [] },
    typeMismatches: details?.mismatches ?? [],
    pubsub: { channels: ps.channels, channelsTruncated: ps.truncated, patterns: ps.patterns, inspectorTapPatterns: o.taps.patterns },
    waiters: { unattributed: w.unattributed, resultReaders: w.resultReaders, partiallyNamedCallees: w.partiallyNamed },
    issues,
  };
}
