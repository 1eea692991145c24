// Edit a peer's local data as JSON in the code editor (JSON mode, parse errors marked where they are),
// applied with sync.setLocal; the other peer's remote copy follows after the batching window (watch its
// tree and the timeline).
import { useMemo, useState } from 'react';
import { CodeEditor } from '../../components/CodeEditor';
import { parseJsonInput } from '../../lib/json-input';
import { jsonProblem } from './json-problem';
import { syncStore, useSyncStore } from './use-sync-store';

export function LocalEditor() {
  const peers = useSyncStore((s) => s.peers);
  const applying = useSyncStore((s) => s.applying);
  const [peerId, setPeerId] = useState('studio-client');
  const text = useSyncStore((s) => s.localDraft);
  const setText = syncStore().getState().setLocalDraft;
  const peer = peers.find((p) => p.peerId === peerId) ?? peers[0];
  // until the user types, the field shows the peer's current local data
  const shown = text ?? JSON.stringify(peer?.local ?? null, null, 2);
  const parsed = parseJsonInput(shown);
  const parseError = parsed.ok ? undefined : parsed.reason;
  // a new array only when the text changes: the editor redraws its marks on a new one
  const problems = useMemo(() => (parseError === undefined ? [] : [jsonProblem(shown, parseError)]), [parseError, shown]);
  const apply = () => {
    if (!peer || !parsed.ok || applying) return;
    void syncStore()
      .getState()
      .setLocal(peer.peerId, parsed.value)
      .then((ok) => {
        if (ok) setText(undefined);
      });
  };
  return (
    <section className="sv-section" aria-labelledby="sv-edit-h">
      <h3 id="sv-edit-h">Edit local data</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
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
          <button type="submit" disabled={!peer || !parsed.ok || applying} data-testid="edit-apply" title="Apply (Ctrl+Enter)">
            {applying ? 'Applying…' : 'Apply'}
          </button>
          <button type="button" disabled={text === undefined} onClick={() => setText(undefined)}>
            Revert to current
          </button>
        </div>
        <div className="sv-block">
          <span className="sv-muted">Local data of {peer?.peerId ?? '…'} (JSON)</span>
          <CodeEditor
            value={shown}
            onChange={setText}
            language="json"
            onSubmit={apply}
            problems={problems}
            ariaLabel="Local data of the selected peer (JSON)"
            height="12rem"
            data-testid="edit-json"
          />
        </div>
        <div className={parsed.ok ? 'sv-muted' : 'sv-err'} data-testid="edit-validation" aria-live="polite">
          {parsed.ok ? 'valid JSON' : `invalid JSON: ${parsed.reason}`}
        </div>
      </form>
    </section>
  );
}
