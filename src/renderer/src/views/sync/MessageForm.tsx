// Send a MESSAGE (any JSON value) from one peer to the other; it goes at once, not batched. From an
// attached 0.6/0.7 server's observer, what is sent is a request: {"name": ..., "data": ...}.
import { useState } from 'react';
import { parseJsonInput } from '../../lib/json-input';
import { syncStore, useSyncStore } from './use-sync-store';

export function MessageForm() {
  const peers = useSyncStore((s) => s.peers);
  const [peerId, setPeerId] = useState('studio-client');
  const [text, setText] = useState('{"hello": "from the Studio"}');
  const [sending, setSending] = useState(false);
  const parsed = parseJsonInput(text);
  const peer = peers.find((p) => p.peerId === peerId) ?? peers[0];
  return (
    <section className="sv-section" aria-labelledby="sv-msg-h">
      <h3 id="sv-msg-h">Send a MESSAGE</h3>
      <form
        className="sv-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!peer || !parsed.ok) return;
          setSending(true);
          void syncStore()
            .getState()
            .sendMessage(peer.peerId, parsed.value)
            .finally(() => setSending(false));
        }}
      >
        <label>
          From{' '}
          <select value={peer?.peerId ?? ''} onChange={(e) => setPeerId(e.target.value)}>
            {peers.map((p) => (
              <option key={p.peerId} value={p.peerId}>
                {p.peerId} ({p.generation})
              </option>
            ))}
          </select>
        </label>
        <label className="sv-grow">
          Message (JSON){' '}
          <input className="mono" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!parsed.ok} size={40} />
        </label>
        <button type="submit" disabled={!peer || !parsed.ok || sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
        {!parsed.ok && <span className="sv-err">invalid JSON: {parsed.reason}</span>}
        {peer && peer.generation !== 'seed' && (
          <span className="sv-muted">
            a {peer.generation} client sends a request: {'{"name": "...", "data": ...}'}
          </span>
        )}
      </form>
    </section>
  );
}
