// How the renderer reaches the host: through the preload's `window.juggler` in the desktop app, or over
// the web-mode bridge websocket (same frames). The websocket reconnects by itself: a host restart or a
// suspended laptop must not leave the UI dead.
import type { FrameTransport } from '../../../shared/bridge/client';
import type { BridgeFrame } from '../../../shared/bridge/frame';

export type LinkState = 'connecting' | 'open' | 'closed';

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
  return websocketLink(bridgeUrl(window.location));
}

function websocketLink(url: string): Link {
  const frameListeners = new Set<(f: BridgeFrame) => void>();
  const stateListeners = new Set<(s: LinkState, detail?: string) => void>();
  let ws: WebSocket | undefined;
  let outbox: string[] = [];
  let delay = 250;
  const setState = (s: LinkState, detail?: string) => {
    for (const l of stateListeners) l(s, detail);
  };
  const connect = () => {
    setState('connecting');
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
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
      setState('closed', ev.reason || `code ${ev.code}`);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
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
