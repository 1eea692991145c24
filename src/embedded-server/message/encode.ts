// Encoding writes fields in the Go structs' order and omits what Go's `omitempty` omits, so frames and
// redis payloads have the Go shape. Args are written verbatim when they are RawJson.
import { argsText } from './raw-json';
import type { CallPayload, EvntPayload, Message, NackPayload, PubPayload, ResPayload, SubPayload } from './types';
import { MessageType } from './types';

const q = JSON.stringify;

function payloadText(m: Message): string {
  switch (m.meta.type) {
    case MessageType.CALL: {
      const p = m.payload as CallPayload;
      const timeout = p.timeout ? `,"timeout":${Math.trunc(p.timeout)}` : '';
      return `{"uri":${q(p.uri)}${timeout},"args":${argsText(p.args)}}`;
    }
    case MessageType.PUB: {
      const p = m.payload as PubPayload;
      return `{"channel":${q(p.channel)},"args":${argsText(p.args)}}`;
    }
    case MessageType.SUB:
    case MessageType.UNSB: {
      const p = m.payload as SubPayload;
      return `{"channel":${q(p.channel)},"pattern":${p.pattern ? 'true' : 'false'}}`;
    }
    case MessageType.ACK:
    case MessageType.NACK: {
      const p = m.payload as NackPayload;
      let s = `{"for":${q(p.for)},"for_type":${p.for_type}`;
      if (p.uri) s += `,"uri":${q(p.uri)}`;
      if (p.channel) s += `,"channel":${q(p.channel)}`;
      if (m.meta.type === MessageType.NACK) s += `,"code":${p.code | 0},"message":${q(p.message ?? '')}`;
      return `${s}}`;
    }
    case MessageType.RES: {
      const p = m.payload as ResPayload;
      return `{"for":${q(p.for)},"uri":${q(p.uri)},"args":${argsText(p.args)}}`;
    }
    case MessageType.EVNT: {
      const p = m.payload as EvntPayload;
      const pattern = p.pattern ? `,"pattern":${q(p.pattern)}` : '';
      return `{"for":${q(p.for)},"channel":${q(p.channel)}${pattern},"args":${argsText(p.args)}}`;
    }
    default: {
      const t: never = m.meta;
      throw new TypeError(`cannot encode message of type ${(t as { type: unknown }).type}`);
    }
  }
}

/** One websocket text frame, without the trailing newline the Go server adds (see `encodeFrame`). */
export function encode(m: Message): string {
  return `{"meta":{"type":${m.meta.type},"uuid":${q(m.meta.uuid)}},"payload":${payloadText(m)}}`;
}

/** As the Go server writes a frame: the JSON followed by `\n`. */
export function encodeFrame(m: Message): string {
  return `${encode(m)}\n`;
}
