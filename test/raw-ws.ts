// A websocket peer on a bare TCP socket, for fuzzing: it writes frames byte by byte as the test builds them
// (fragments, control frames, reserved bits, unmasked frames, lying length headers) that a websocket
// library would refuse to send, and parses what the server answers without validating it.
import { connect, type Socket } from 'node:net';

export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** Default true. */
  fin?: boolean;
  /** RSV1-3 bits (0-7). Default 0. */
  rsv?: number;
  /** Clients must mask (RFC 6455 §5.3). Default true. */
  mask?: boolean;
  /** Announce this payload length instead of the real one (the payload written is still `payload`). */
  lengthOverride?: bigint;
}

export function buildFrame(f: FrameSpec): Buffer {
  const payload = typeof f.payload === 'string' ? Buffer.from(f.payload) : (f.payload ?? Buffer.alloc(0));
  const len = f.lengthOverride ?? BigInt(payload.length);
  const mask = f.mask ?? true;
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | (((f.rsv ?? 0) & 7) << 4) | (f.opcode & 0x0f)];
  let ext = Buffer.alloc(0);
  if (len < 126n) head.push((mask ? 0x80 : 0) | Number(len));
  else if (len < 65536n) {
    head.push((mask ? 0x80 : 0) | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

export interface RawClose {
  /** The close code the server sent; 1005 when its close frame had none, 1006 when the socket ended without one. */
  code: number;
  reason: string;
}

export class RawWebSocket {
  /** Text and binary messages received (fragments joined). */
  readonly messages: string[] = [];
  closeFrame: RawClose | undefined;
  readonly ended: Promise<RawClose>;
  #buf = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #listeners: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    this.ended = new Promise((resolve) => {
      socket.on('close', () => {
        resolve(this.closeFrame ?? { code: 1006, reason: '' });
        this.#notify();
      });
    });
    // writes racing the server's close (EPIPE, ECONNRESET) are part of what is being tested
    socket.on('error', () => {});
    socket.on('data', (b: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, b]);
      this.#parse();
    });
  }

  /** Upgrades a TCP connection by hand; rejects unless the server answers 101. */
  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const onData = (b: Buffer) => {
        head = Buffer.concat([head, b]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const status = head.subarray(0, end).toString().split('\r\n')[0]!;
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status}`));
          return;
        }
        const ws = new RawWebSocket(socket);
        const rest = head.subarray(end + 4);
        if (rest.length) socket.emit('data', rest);
        resolve(ws);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')}\r\n` +
          `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
  }

  get isEnded(): boolean {
    return this.socket.destroyed;
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  send(f: FrameSpec): void {
    this.write(buildFrame(f));
  }

  text(s: string): void {
    this.send({ opcode: Opcode.text, payload: s });
  }

  /** Resolves once `pred` holds (checked on every frame received and at the end), or with false after `ms`. */
  waitUntil(pred: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (!pred() && !this.socket.destroyed) return;
        clearTimeout(t);
        this.#listeners.splice(this.#listeners.indexOf(check), 1);
        resolve(pred());
      };
      const t = setTimeout(() => {
        this.#listeners.splice(this.#listeners.indexOf(check), 1);
        resolve(pred());
      }, ms);
      this.#listeners.push(check);
      check();
    });
  }

  /** Answers the close handshake and drops the socket. */
  destroy(): void {
    this.socket.destroy();
  }

  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }

  #parse(): void {
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (b.length < off + len) return;
      const payload = b.subarray(off, off + len);
      this.#buf = b.subarray(off + len);
      if (opcode === Opcode.close) {
        this.closeFrame =
          payload.length >= 2 ? { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString() } : { code: 1005, reason: '' };
        // finish the closing handshake as a well-behaved client would
        this.write(buildFrame({ opcode: Opcode.close, payload: payload.subarray(0, 2) }));
        this.socket.end();
      } else if (opcode === Opcode.ping) {
        this.write(buildFrame({ opcode: Opcode.pong, payload }));
      } else if (opcode === Opcode.text || opcode === Opcode.binary || opcode === Opcode.continuation) {
        this.#fragments.push(Buffer.from(payload));
        if (fin) {
          this.messages.push(Buffer.concat(this.#fragments).toString());
          this.#fragments = [];
        }
      }
      this.#notify();
    }
  }
}
