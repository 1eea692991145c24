// "Add client": a new juggler.0 connection from the Studio, to its own server by default.
import { useState } from 'react';
import { useAppStore } from '../../stores/use-app-store';
import { playgroundStore, usePlaygroundStore } from './use-playground-store';

export function AddClientForm() {
  const serverUrl = useAppStore((s) => s.host?.server.url);
  const problem = usePlaygroundStore((s) => s.addProblem);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [allowed, setAllowed] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await playgroundStore().getState().connect({ name, url, allowedMessages: allowed });
    setBusy(false);
    if (ok) setName('');
  };

  return (
    <form className="pg-add" onSubmit={(e) => void submit(e)} aria-label="Add client" data-testid="add-client-form">
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="optional" data-testid="add-client-name" />
      </label>
      <label className="pg-add-url">
        Server URL
        <input
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder={serverUrl ?? "the Studio's server"}
          data-testid="add-client-url"
        />
      </label>
      <details className="pg-add-advanced">
        <summary>Advanced</summary>
        <label title="Comma-separated message names (call, pub, sub, unsb) or *; the server closes a connection that sends anything else">
          Juggler-Allowed-Messages
          <input
            value={allowed}
            onChange={(e) => setAllowed(e.target.value)}
            placeholder="e.g. call, sub"
            data-testid="add-client-allowed"
          />
        </label>
      </details>
      <button type="submit" disabled={busy} data-testid="add-client">
        {busy ? 'Connecting…' : 'Add client'}
      </button>
      {problem && (
        <p className="pg-problem" role="alert" data-testid="add-client-problem">
          {problem}
        </p>
      )}
    </form>
  );
}
