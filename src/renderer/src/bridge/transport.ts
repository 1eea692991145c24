// How the renderer reaches the host: through the preload's `window.juggler` in the desktop app, or over
// the web-mode bridge websocket (same frames). The websocket reconnects by itself: a host restart or a
// suspended laptop must not leave the UI dead.
import type { FrameTransport } from '../../../shared/bridge/client';
import type { BridgeFrame } from '../../../shared/bridge/frame';

/** `refused`: the host will not take this page's token; retrying cannot help (see `tokenProblem`). */
export type LinkState = 'connecting' | 'open' | 'closed' | 'refused';

export interface Link extends FrameTransport {
  readonly kind: 'ipc' | 'websocket';
  onState(cb: (state: LinkState, detail?: string) => void): () => void;
}

/** The bridge URL in web mode: same host, /bridge, the token from the page URL. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/bridge?token=${encodeURIComponent(token)}`;
}

export function openLink(): Link {
  const ipc = window.juggler;
  if (ipc) {
    return {
      kind: 'ipc',
      send: (f) => ipc.send(f),
      onFrame: (cb) => ipc.onFrame(cb),
      onState: (cb) => {
        cb('open');
        return () => undefined;
      },
    };
  }
  return websocketLink(bridgeUrl(window.location), new URLSearchParams(window.location.search).get('token'));
}

/** Why the host refuses the page's token, or undefined when it takes it (or cannot be asked). */
async function tokenProblem(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url.replace(/^ws/, 'http'), { cache: 'no-store' });
    if (res.status !== 403) return undefined;
    return (await res.text()).trim() || 'the Studio host refused this page';
  } catch {
    return undefined; // the host is down: a plain outage, keep retrying
  }
}

/** What the page says when its URL has no token or a wrong one, and how to get the right one. */
export function tokenHelp(detail: string | undefined, hasToken: boolean): string {
  const how = 'Open the URL the Studio printed when it started (npm start or npm run web prints "open http://127.0.0.1:PORT/?token=...").';
  return hasToken
    ? `The Studio host refused this page's token (${detail ?? 'wrong token'}): it changes at every start. ${how}`
    : `This page was opened without the Studio's token. ${how}`;
}

function websocketLink(url: string, token: string | null): Link {
  const frameListeners = new Set<(f: BridgeFrame) => void>();
  const stateListeners = new Set<(s: LinkState, detail?: string) => void>();
  let ws: WebSocket | undefined;
  let outbox: string[] = [];
  let delay = 250;
  const setState = (s: LinkState, detail?: string) => {
    for (const l of stateListeners) l(s, detail);
  };
  const connect = () => {
    if (!token) {
      // no token, no point in knocking: say so at once (a listener may not be there yet)
      queueMicrotask(() => setState('refused', tokenHelp(undefined, false)));
      return;
    }
    setState('connecting');
    const sock = new WebSocket(url);
    ws = sock;
    let opened = false;
    sock.onopen = () => {
      opened = true;
      delay = 250;
      setState('open');
      for (const text of outbox) sock.send(text);
      outbox = [];
    };
    sock.onmessage = (ev) => {
      let frame: BridgeFrame;
      try {
        frame = JSON.parse(String(ev.data)) as BridgeFrame;
      } catch {
        return;
      }
      for (const l of frameListeners) l(frame);
    };
    sock.onclose = (ev) => {
      const retry = () => {
        setState('closed', ev.reason || `code ${ev.code}`);
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      };
      if (opened) return retry();
      void tokenProblem(url).then((problem) => (problem ? setState('refused', tokenHelp(problem, true)) : retry()));
    };
  };
  connect();
  return {
    kind: 'websocket',
    send(frame) {
      const text = JSON.stringify(frame);
      if (ws?.readyState === WebSocket.OPEN) ws.send(text);
      else outbox.push(text);
    },
    onFrame(cb) {
      frameListeners.add(cb);
      return () => frameListeners.delete(cb);
    },
    onState(cb) {
      stateListeners.add(cb);
      return () => stateListeners.delete(cb);
    },
  };
}
