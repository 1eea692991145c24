// What a sync proxy learns from the frames it forwards: a replica of each end's data, rebuilt with the
// generation's own codecs (0.7 segments reassembled), so that the Studio can show the real client's
// and the real server's copies side by side and compare them (issue 12, item 5).
//
// Each side has a `local` (its own data: a seed peer's local data, a 0.6/0.7 server's state) and a
// `remote` (its mirror of the other side's). A patch in flight updates the sender's local and the
// receiver's remote. The receiver applies it as a peer would (strictly: a failing `test` fails it all,
// the last good value stays); the sender's copy takes the patch as meant, without its `test` guards,
// which only check the receiver's copy. So a patch the receiver refuses leaves the two copies apart:
// that difference is what the divergence alarm shows.
//
// Nothing here may throw at the proxy: every failure (bad JSON, unknown type, a patch that cannot be
// applied, a value too deep for the codecs) is counted and reported through `decodeError`, and the
// frame is still forwarded by the caller.
import { Emitter } from '../../shared/emitter';
import type { Patch } from '../../shared/json-patch/patch';
import { detectGeneration, type Generation } from '../sync/generation';
import { type ChangeEvent, Replica } from '../sync/replica';
import { decodeClientMessage, decodeServerMessage } from '../sync/request-codec';
import { decodeSeed } from '../sync/seed-codec';
import { Reassembler } from '../sync/segmenter';

export type WireSide = 'client' | 'server';

/** Longest 0.7 message the decoder reassembles, in UTF-16 units; longer ones are counted, not decoded. */
export const DEFAULT_MAX_DECODED_MESSAGE = 64 * 1024 * 1024;

export interface WireChange {
  side: WireSide;
  replica: 'local' | 'remote';
  change: ChangeEvent;
}

export interface WireDecodeError {
  /** The side that sent the frame. */
  from: WireSide;
  message: string;
}

export interface WireReplicasEvents {
  [name: string]: unknown[];
  change: [WireChange];
  decodeError: [WireDecodeError];
  /** The generation became known (given, or detected from the first frame that tells). */
  generation: [Generation];
}

export class WireReplicas extends Emitter<WireReplicasEvents> {
  readonly client = { local: new Replica('client local data'), remote: new Replica("client's copy of the server data") };
  readonly server = { local: new Replica('server data'), remote: new Replica("server's copy of the client data") };
  #generation: Generation | undefined;
  #decodeFailures = 0;
  readonly #reassemblers: Record<WireSide, Reassembler>;

  /** `generation` undefined: detected from the first frame that tells (spec: receive-side detection). */
  constructor(generation: Generation | undefined, maxMessage = DEFAULT_MAX_DECODED_MESSAGE) {
    super();
    this.#generation = generation;
    this.#reassemblers = { client: new Reassembler(maxMessage), server: new Reassembler(maxMessage) };
    for (const side of ['client', 'server'] as const)
      for (const replica of ['local', 'remote'] as const)
        this[side][replica].on('change', (change) => this.emit('change', { side, replica, change }));
  }

  get generation(): Generation | undefined {
    return this.#generation;
  }

  get decodeFailures(): number {
    return this.#decodeFailures;
  }

  /** A text frame the client sent to the server. */
  fromClient(text: string): void {
    this.#frame('client', text);
  }

  /** A text frame the server sent to the client. */
  fromServer(text: string): void {
    this.#frame('server', text);
  }

  /** A binary frame: no generation speaks them; the receiver will close. Counted. */
  binary(from: WireSide): void {
    this.#fail(from, 'a binary frame: every sync generation speaks text frames only');
  }

  #frame(from: WireSide, text: string): void {
    try {
      if (this.#generation === undefined) {
        const g = detectGeneration(text);
        if (g === undefined) {
          this.#fail(from, `cannot tell the generation from ${JSON.stringify(text.slice(0, 40))}`);
          return;
        }
        this.#generation = g;
        this.emit('generation', g);
      }
      if (this.#generation === '0.7') {
        const ev = this.#reassemblers[from].push(text);
        if (ev.kind === 'message') this.#message(from, ev.text);
        return;
      }
      this.#message(from, text);
    } catch (err) {
      this.#fail(from, (err as Error).message ?? String(err));
    }
  }

  #message(from: WireSide, text: string): void {
    const generation = this.#generation!;
    if (generation === 'seed') {
      const msg = decodeSeed(text);
      if (msg.type === 'DATA') this.#patch(from, msg.payload);
      return;
    }
    if (from === 'client') {
      decodeClientMessage(text, generation); // requests carry no data replica; decoded to catch bad ones
      return;
    }
    const msg = decodeServerMessage(text, generation);
    if (msg.type === 'state') this.#patch('server', msg.diff);
  }

  /** A patch sent by `from`: its local data as meant, the receiver's mirror as a peer applies it. */
  #patch(from: WireSide, patch: Patch): void {
    const to: WireSide = from === 'client' ? 'server' : 'client';
    const sender = this[from].local;
    try {
      sender.apply(patch);
    } catch {
      // the sender's own copy: its test guards check the receiver's copy, not the sender's
      try {
        sender.apply(patch.filter((op) => op.op !== 'test'));
      } catch (err) {
        this.#fail(from, `the ${from}'s data could not follow its own patch: ${(err as Error).message}`);
      }
    }
    try {
      this[to].remote.apply(patch);
    } catch (err) {
      this.#fail(from, `the ${to} cannot apply the ${from}'s patch (it keeps its last good copy): ${(err as Error).message}`);
    }
  }

  #fail(from: WireSide, message: string): void {
    this.#decodeFailures++;
    this.emit('decodeError', { from, message });
  }
}
