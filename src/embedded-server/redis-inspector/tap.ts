// A tap: watches published messages on its own subscriber connection (a connection in SUBSCRIBE mode
// can send nothing else, and the inspector's command connection must stay free). Juggler
// publications `{"msg_uuid","args"}` are decoded; anything else arrives raw, never as an exception.

import type { TapMessage } from '../../shared/redis-inspector';
import type { ConnectionSpec, RedisClient } from '../broker/redis/connection';
import { connectClient, createClient, type HealthEvent } from '../broker/redis/connection';
import type { RedisOp } from '../broker/redis/options';
import { binaryText } from './binary-text';
import { quitOrDrop } from './command-runner';
import { InspectorError } from './errors';
import { viewPubPayload } from './payload-view';

export type { TapMessage } from '../../shared/redis-inspector';

export interface TapFilter {
  /** Channels, exactly (SUBSCRIBE). */
  channels?: string[];
  /** Redis glob patterns (PSUBSCRIBE). */
  patterns?: string[];
}

export interface Tap {
  readonly filter: Required<TapFilter>;
  close(): Promise<void>;
}

export interface TapOptions {
  spec: ConnectionSpec;
  connectTimeoutMs: number;
  previewChars: number;
  onOp?: (op: RedisOp) => void;
  onHealth?: (ev: HealthEvent) => void;
  /** Called once the tap is closed (by close() or by the inspector closing). */
  onClosed?: () => void;
}

export async function openTap(filter: TapFilter, onMessage: (m: TapMessage) => void, o: TapOptions): Promise<Tap> {
  const f: Required<TapFilter> = { channels: [...new Set(filter.channels ?? [])], patterns: [...new Set(filter.patterns ?? [])] };
  if (f.channels.length === 0 && f.patterns.length === 0)
    throw new InspectorError('INVALID_ARGUMENT', 'a tap needs at least one channel or pattern');
  const client: RedisClient = createClient(o.spec, o.onHealth);
  try {
    await connectClient(client, o.spec, o.connectTimeoutMs);
  } catch (err) {
    throw new InspectorError('UNAVAILABLE', (err as Error).message, { cause: err });
  }
  const deliver = (channel: Buffer, message: Buffer, pattern?: Buffer) => {
    const v = viewPubPayload(message, o.previewChars);
    const m: TapMessage = { channel: binaryText(channel, { withBytes: true }), payload: v.raw, receivedAt: Date.now() };
    if (pattern) m.pattern = pattern.toString('utf8');
    if (v.msgUUID !== undefined) m.msgUUID = v.msgUUID;
    if (v.args) m.args = v.args;
    if (v.error) m.error = v.error;
    o.onOp?.({
      command: pattern ? 'PMESSAGE' : 'MESSAGE',
      key: m.channel.text,
      bytes: message.length,
      durationMs: 0,
      ...(m.msgUUID ? { msgUUID: m.msgUUID } : {}),
    });
    onMessage(m);
  };
  client.on('messageBuffer', (channel: Buffer, message: Buffer) => deliver(channel, message));
  client.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => deliver(channel, message, pattern));
  const t0 = performance.now();
  try {
    if (f.channels.length > 0) {
      await client.subscribe(...f.channels);
      for (const c of f.channels) o.onOp?.({ command: 'SUBSCRIBE', key: c, bytes: 0, durationMs: performance.now() - t0 });
    }
    if (f.patterns.length > 0) {
      await client.psubscribe(...f.patterns);
      for (const p of f.patterns) o.onOp?.({ command: 'PSUBSCRIBE', key: p, bytes: 0, durationMs: performance.now() - t0 });
    }
  } catch (err) {
    client.disconnect();
    throw new InspectorError('UNAVAILABLE', `cannot subscribe the tap: ${(err as Error).message}`, { cause: err });
  }
  let closed = false;
  return {
    filter: f,
    async close() {
      if (closed) return;
      closed = true;
      // QUIT (allowed in subscribe mode) returns once redis dropped the subscriptions, so a snapshot
      // taken right after no longer counts them; a connection that is down is simply dropped
      await quitOrDrop(client, 1000);
      o.onClosed?.();
    },
  };
}
