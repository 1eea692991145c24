// A process of subscribers for bench/fanout.ts (forked by it, told what to do over IPC): raw `ws`
// clients, each subscribed to one channel, that time every EVNT against the send time the publisher
// put in its args. Raw ws and a substring search instead of JSON.parse keep the cost per event low, so
// that what the benchmark measures is the server, as far as one machine allows.
import WebSocket from 'ws';
import { LatencyHistogram, wallMs } from './latency-histogram';

export type ParentMsg =
  | { cmd: 'connect'; url: string; channels: string[] }
  | { cmd: 'reset' }
  | { cmd: 'report' }
  | { cmd: 'disconnect' }
  | { cmd: 'close' };

export interface Report {
  events: number;
  /** Wall-clock ms (performance.timeOrigin + now) of the first and last EVNT since the reset. */
  first: number;
  last: number;
  hist: ReturnType<LatencyHistogram['toJSON']>;
  closed: number;
}

const clients: WebSocket[] = [];
let hist = new LatencyHistogram();
let events = 0;
let first = 0;
let last = 0;
let closed = 0;
const T = Buffer.from('"t":');

function onEvent(data: Buffer): void {
  const now = wallMs();
  // args are {"t":SEND_MS,"s":SEQ}; an ACK has no "t" and is not counted
  const i = data.indexOf(T);
  if (i < 0) return;
  const end = data.indexOf(44, i); // ','
  const t = Number(data.toString('latin1', i + 4, end));
  hist.add(now - t);
  events++;
  if (first === 0) first = now;
  last = now;
}

/** Opens one client per channel entry, subscribes it, and resolves once every SUB is ACKed. */
async function connect(url: string, channels: string[]): Promise<void> {
  const parallel = 100;
  for (let i = 0; i < channels.length; i += parallel) {
    await Promise.all(
      channels.slice(i, i + parallel).map(
        (channel) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, ['juggler.0'], { perMessageDeflate: false });
            ws.once('error', reject);
            ws.once('open', () => {
              ws.send(JSON.stringify({ meta: { type: 3, uuid: crypto.randomUUID() }, payload: { channel, pattern: false } }));
              ws.once('message', (ack: Buffer) => {
                if (!ack.includes('"for_type":3')) reject(new Error(`SUB ${channel} refused: ${ack}`));
                ws.on('message', onEvent);
                resolve();
              });
            });
            ws.once('close', () => closed++);
            clients.push(ws);
          }),
      ),
    );
  }
}

process.on('message', (m: ParentMsg) => {
  const reply = (r: object) => process.send!(r);
  switch (m.cmd) {
    case 'connect':
      connect(m.url, m.channels).then(
        () => reply({ ok: true }),
        (err: Error) => reply({ error: err.message }),
      );
      break;
    case 'reset':
      hist = new LatencyHistogram();
      events = first = last = 0;
      reply({ ok: true });
      break;
    case 'report':
      reply({ events, first, last, hist: hist.toJSON(), closed } satisfies Report);
      break;
    case 'disconnect':
      Promise.all(
        clients.splice(0).map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close();
            }),
        ),
      ).then(() => {
        closed = 0;
        reply({ ok: true });
      });
      break;
    case 'close':
      for (const ws of clients) ws.terminate();
      process.disconnect();
      break;
  }
});

// the benchmark ended or crashed: leave no process holding sockets behind
process.on('disconnect', () => process.exit(0));
