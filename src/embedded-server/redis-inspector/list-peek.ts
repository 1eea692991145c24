// Reading a call or result list without consuming it: LRANGE one page at a time (never the whole
// list: it may hold millions), each entry decoded, and for juggler lists each entry's remaining time
// to live from its timeout key (PTTL), pipelined. Lists are pushed with LPUSH and popped with BRPOP,
// so index 0 is the newest entry and the right end the oldest, the next one a callee will take.
import type Redis from 'ioredis';
import type { ListEntry, ListKind, ListPage, TtlInfo } from '../../shared/redis-inspector';
import { callTimeoutKey, resultTimeoutKey } from '../broker/redis/keys';
import { binaryText } from './binary-text';
import type { Cmd, CommandRunner, Reply } from './command-runner';
import { InspectorError } from './errors';
import { classifyKey } from './key-kinds';
import { DEFAULT_PREVIEW_CHARS, type PayloadView, viewCallPayload } from './payload-view';

export type { ListEntry, ListKind, ListPage, TtlInfo } from '../../shared/redis-inspector';

/** Most entries per page. */
export const MAX_PAGE = 1000;

export interface PeekOptions {
  /** Entries to skip from the chosen end. Default 0. */
  start?: number;
  /** Entries to read, 1..MAX_PAGE. Default 100. */
  count?: number;
  /** Which end to page from: `newest` (left, index 0) or `oldest` (right, popped next). Default `newest`. */
  from?: 'newest' | 'oldest';
  /** Characters of args and raw previews. Default 200. */
  previewChars?: number;
}

export function listKind(key: Buffer): ListKind {
  const k = classifyKey(key);
  return k.kind === 'callList' ? 'calls' : k.kind === 'resultList' ? 'results' : 'other';
}

function validate(o: PeekOptions): { start: number; count: number; from: 'newest' | 'oldest'; previewChars: number } {
  const start = o.start ?? 0;
  const count = o.count ?? 100;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new InspectorError('INVALID_ARGUMENT', `start must be an integer ≥ 0 (got ${start})`);
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PAGE)
    throw new InspectorError(
      'INVALID_ARGUMENT',
      `count must be an integer from 1 to ${MAX_PAGE} (got ${count}): read a long list page by page`,
    );
  return { start, count, from: o.from ?? 'newest', previewChars: o.previewChars ?? DEFAULT_PREVIEW_CHARS };
}

/** The WRONGTYPE error of a key that is not a list, with its actual type. */
export async function wrongType(runner: CommandRunner, key: Buffer, expected: string): Promise<InspectorError> {
  let actual = 'another type';
  try {
    actual = String(await runner.one(['type', key]));
  } catch {
    // the type is a detail of the message; the mismatch itself is already known
  }
  return new InspectorError(
    'WRONGTYPE',
    `${binaryText(key, { maxChars: 200 }).text} is a ${actual}, not a ${expected}: juggler did not write it (another program uses the juggler: prefix)`,
  );
}

function isWrongType(r: Reply | undefined): boolean {
  return r?.error?.message.startsWith('WRONGTYPE') ?? false;
}

/** The timeout key of a decoded entry, as the callee (calls) or server (results) will look it up. */
function timeoutKeyOf(kind: ListKind, v: PayloadView): string | undefined {
  if (!v.call || kind === 'other') return undefined;
  return kind === 'calls' ? callTimeoutKey(v.call.uri, v.call.msgUUID) : resultTimeoutKey(v.call.connUUID, v.call.msgUUID);
}

/**
 * TTL lookups of decoded entries: PTTL and GET (the original TTL) of each timeout key, pipelined;
 * on `node` when given (a cluster node known to hold the list, hence its timeout keys).
 */
export async function addTtls(runner: CommandRunner, kind: ListKind, entries: (PayloadView & TtlInfo)[], node?: Redis): Promise<void> {
  const cmds: Cmd[] = [];
  const owners: (PayloadView & TtlInfo)[] = [];
  for (const e of entries) {
    const tk = timeoutKeyOf(kind, e);
    if (tk === undefined) continue;
    cmds.push(['pttl', tk], ['get', tk]);
    owners.push(e);
  }
  const replies = await runner.batch(cmds, node);
  owners.forEach((e, i) => {
    Object.assign(e, ttlInfo(replies[2 * i], replies[2 * i + 1]));
  });
}

export function ttlInfo(pttl: Reply | undefined, get: Reply | undefined): TtlInfo {
  if (!pttl || pttl.error) return { ttlError: pttl?.error?.message ?? 'no reply' };
  const left = Number(pttl.value);
  if (left === -2) return { expired: true };
  if (left < 0) return { ttlError: 'the timeout key has no TTL' };
  const out: TtlInfo = { ttlMs: left };
  // the push script stores the TTL the entry was pushed with as the key's value
  const original = get && !get.error && Buffer.isBuffer(get.value) ? Number(get.value.toString()) : Number.NaN;
  if (Number.isFinite(original) && original >= left) out.ageMs = original - left;
  return out;
}

export async function peekList(runner: CommandRunner, key: Buffer, options: PeekOptions = {}): Promise<ListPage> {
  const { start, count, from, previewChars } = validate(options);
  const kind = listKind(key);
  // from the oldest end: negative indices count from the right, so no LLEN round trip is needed first
  const range: Cmd = from === 'newest' ? ['lrange', key, start, start + count - 1] : ['lrange', key, -(start + count), -(start + 1)];
  const [len, items, last] = await runner.batch([['llen', key], range, ['lindex', key, -1]]);
  if (isWrongType(len)) throw await wrongType(runner, key, 'list');
  for (const r of [len, items, last]) if (r?.error) throw runner.fail(r.error, `reading ${binaryText(key, { maxChars: 200 }).text}`);
  const length = Number(len!.value);
  const raw = (items!.value as Buffer[] | null) ?? [];
  // LRANGE always answers left to right; from the oldest end the page is shown oldest first
  const firstIndex = from === 'newest' ? start : Math.max(0, length - start - count);
  let entries: ListEntry[] = raw.map((b, i) => ({ index: firstIndex + i, ...viewCallPayload(b, previewChars) }));
  if (from === 'oldest') entries = entries.reverse();
  let oldest: ListEntry | undefined;
  if (Buffer.isBuffer(last!.value)) oldest = { index: length - 1, ...viewCallPayload(last!.value, previewChars) };
  await addTtls(runner, kind, oldest ? [...entries, oldest] : entries);
  const page: ListPage = { key: binaryText(key, { withBytes: true }), kind, length, from, start, entries };
  if (oldest) page.oldest = oldest;
  return page;
}
