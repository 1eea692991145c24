// Which generation a sync server speaks, found by trying each in turn (issue 12, item 5). The
// generations share no handshake (spec, top), so each try opens its own connection and first only
// listens: a server that sends first (its data, its state) tells its generation without our saying
// anything. Only a silent server gets the generation's ping, the smallest frame that each generation
// answers and the others close on: seed `PING` (answered `PONG` since 0.5.11), 0.6 a request with an
// empty name (echoed), 0.7 a transport `2` frame (answered `3`). Node only (the `ws` client).
import { WebSocket } from 'ws';
import { redactUrl } from '../../shared/redact-url';
import { detectGeneration, GENERATIONS, type Generation } from './generation';

export interface GenerationTry {
  generation: Generation;
  ok: boolean;
  reason: string;
}

export interface ProbeResult {
  /** The generation that answered; undefined when none did. */
  generation: Generation | undefined;
  tries: GenerationTry[];
}

export interface ProbeOptions {
  /** How long each try listens before it pings, ms. Default 300. */
  listenMs?: number;
  /** How long it waits for the answer to its ping (or for the connection), ms. Default 3000. */
  answerMs?: number;
  /** Every frame a try sends or receives (`out`: the probe's ping), so that a tracer can show them. */
  onFrame?: (generation: Generation, dir: 'in' | 'out', text: string) => void;
}

const PINGS: Record<Generation, { frame: string; what: string }> = {
  seed: { frame: '{"type":"PING","payload":{}}', what: 'a seed PING' },
  '0.6': { frame: '{"type":"request","id":1,"name":"","data":null}', what: 'a 0.6 ping request (empty name)' },
  '0.7': { frame: '2probe', what: 'a 0.7 transport ping' },
};

/** Tries seed, 0.6 and 0.7 in that order; stops at the first that answers. */
export async function probeGeneration(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const tries: GenerationTry[] = [];
  for (const generation of GENERATIONS) {
    const t = await tryGeneration(url, generation, options);
    if ('unreachable' in t) {
      // no connection at all: every generation would fail the same way
      for (const g of GENERATIONS.slice(tries.length)) tries.push({ generation: g, ok: false, reason: t.unreachable });
      return { generation: undefined, tries };
    }
    if (t.spoken && t.spoken !== generation) {
      // the server spoke first, in another generation: that one answered
      tries.push({ generation, ok: false, reason: `the server sent a ${t.spoken} frame first: ${t.reason}` });
      tries.push({ generation: t.spoken, ok: true, reason: `its first frame is ${t.spoken}: ${t.reason}` });
      return { generation: t.spoken, tries };
    }
    tries.push({ generation, ok: t.ok, reason: t.reason });
    if (t.ok) return { generation, tries };
  }
  return { generation: undefined, tries };
}

type TryOutcome = { ok: boolean; reason: string; spoken?: Generation } | { unreachable: string };

function tryGeneration(url: string, generation: Generation, options: ProbeOptions): Promise<TryOutcome> {
  const listenMs = options.listenMs ?? 300;
  const answerMs = options.answerMs ?? 3000;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: answerMs });
    let opened = false;
    let pinged = false;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (o: TryOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'generation probe done');
      else ws.terminate();
      resolve(o);
    };
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      finish({ unreachable: `the server refused the websocket upgrade: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() });
    });
    ws.on('error', (err) => {
      if (!opened) finish({ unreachable: `cannot connect to ${redactUrl(url)}: ${err.message}` });
    });
    ws.on('open', () => {
      opened = true;
      timer = setTimeout(() => {
        pinged = true;
        options.onFrame?.(generation, 'out', PINGS[generation].frame);
        ws.send(PINGS[generation].frame);
        timer = setTimeout(() => finish({ ok: false, reason: `no answer to ${PINGS[generation].what} within ${answerMs} ms` }), answerMs);
      }, listenMs);
    });
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      options.onFrame?.(generation, 'in', isBinary ? '<binary>' : text);
      const spoken = detectGeneration(text);
      const preview = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
      if (spoken === generation)
        finish({ ok: true, reason: pinged ? `answered ${PINGS[generation].what} with ${preview}` : `sent ${preview} first` });
      else if (spoken) finish({ ok: false, spoken, reason: preview });
      else finish({ ok: false, reason: `answered with a frame of no generation: ${preview}` });
    });
    ws.on('close', (code, reason) => {
      if (!opened) return;
      const why = `closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
      finish({ ok: false, reason: pinged ? `${why} on ${PINGS[generation].what}` : `${why} before any frame` });
    });
  });
}
