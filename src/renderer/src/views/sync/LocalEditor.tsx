// Edit a peer's local data as JSON: validated as it is typed, applied with sync.setLocal; the other
// peer's remote copy follows after the batching window (watch its tree and the timeline).
import { useState } from 'react';
import { parseJsonInput } from '../../lib/json-input';
import { syncStore, useSyncStore } from './use-sync-store';

export function LocalEditor() {
  const peers = useSyncStore((s) => s.peers);
  const applying = useSyncStore((s) => s.applying);
  const [peerId, setPeerId] = useState('studio-client');
  const [text, setText] = useState<string | undefined>(undefined);
  const peer = peers.find((p) => p.peerId === peerId) ?? peers[0];
  // until the user types, the field shows the peer's current local data
  const shown = text ?? JSON.stringify(peer?.local ?? null, null, 2);
  const parsed = parseJsonInput(shown);
  return (
    <section className="sv-section" aria-labelledby="sv-edit-h">
      <h3 id="sv-edit-h">Edit local data</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!peer || !parsed.ok) return;
          void syncStore()
            .getState()
            .setLocal(peer.peerId, parsed.value)
            .then((ok) => {
              if (ok) setText(undefined);
            });
        }}
      >
        <div className="sv-row">
          <label>
            Peer{' '}
            <select
              value={peer?.peerId ?? ''}
              data-testid="edit-peer"
              onChange={(e) => {
                setPeerId(e.target.value);
                setText(undefined);
              }}
            >
              {peers.map((p) => (
                <option key={p.peerId} value={p.peerId}>
                  {p.peerId} ({p.role})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!peer || !parsed.ok || applying} data-testid="edit-apply">
            {applying ? 'Applying…' : 'Apply'}
          </button>
          <button type="button" disabled={text === undefined} onClick={() => setText(undefined)}>
            Revert to current
          </button>
        </div>
        <label className="sv-block">
          <span className="sv-muted">Local data of {peer?.peerId ?? '…'} (JSON)</span>
          <textarea
            className="mono sv-editor"
            value={shown}
            spellCheck={false}
            rows={8}
            aria-invalid={!parsed.ok}
            data-testid="edit-json"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <div className={parsed.ok ? 'sv-muted' : 'sv-err'} data-testid="edit-validation" aria-live="polite">
          {parsed.ok ? 'valid JSON' : `invalid JSON: ${parsed.reason}`}
        </div>
      </form>
    </section>
  );
}
