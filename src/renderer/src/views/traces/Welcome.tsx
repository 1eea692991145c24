// The first thing a new user sees in Traces: what the Studio is running (with the server URL to point
// clients at, in full) and a first step, a call whose waterfall opens. Dismissed once, remembered.
import { useState } from 'react';
import { getBridge } from '../../bridge/bridge';
import { errorMessage } from '../../lib/error-message';
import { useAppStore } from '../../stores/use-app-store';
import { traceView } from './traces-instance';

const DISMISSED_KEY = 'juggler-studio.welcome-dismissed';
const FIRST_CALL_CLIENT = 'first call';

function dismissedBefore(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

async function firstCall(): Promise<string> {
  const bridge = getBridge().client;
  const open = (await bridge.call('clients.list')).find((c) => c.name === FIRST_CALL_CLIENT && c.state === 'open');
  const clientId = open?.clientId ?? (await bridge.call('clients.connect', { name: FIRST_CALL_CLIENT })).clientId;
  const out = await bridge.call('clients.call', { clientId, uri: 'test.echo', args: { hello: 'juggler' }, timeoutMs: 5000 });
  if (!out.ok) throw new Error(out.error?.message ?? 'the call failed');
  // the CALL's frame reaches the view a moment after the result: wait for it, then open its waterfall
  for (let i = 0; i < 40; i++) {
    const seq = traceView.findRequest(out.uuid);
    if (seq !== undefined) {
      traceView.select(seq);
      return out.uuid;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return out.uuid;
}

export function Welcome() {
  const host = useAppStore((s) => s.host);
  const [hidden, setHidden] = useState(dismissedBefore);
  const [state, setState] = useState<{ busy?: boolean; problem?: string; done?: string }>({});
  if (hidden || !host) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, '1');
    } catch {
      // private mode: it shows again next time
    }
    setHidden(true);
  };
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ done: await firstCall() });
    } catch (err) {
      setState({ problem: errorMessage(err) });
    }
  };
  return (
    <section className="tv-welcome" data-testid="welcome" aria-label="What is running">
      <div className="tv-welcome-text">
        <strong>The Studio is running</strong> a juggler server at{' '}
        <code className="mono" data-testid="welcome-server-url">
          {host.server.url}
        </code>{' '}
        <button type="button" className="link-button" onClick={() => void navigator.clipboard?.writeText(host.server.url)}>
          copy
        </button>
        , the demo callees <code>test.echo</code>, <code>test.reverse</code> and <code>test.delay</code>, on{' '}
        {host.redis.embedded ? 'its own redis' : 'the redis'} <code className="mono">{host.redis.url}</code>, and a data-sync pair (
        {host.sync.generation}). Point your own clients at the server URL, or attach a system of yours (see README: "Debug an existing
        juggler system").
        <br />
        First step: make a call and see its way through the server, redis and a callee.{' '}
        <button type="button" data-testid="welcome-first-call" disabled={state.busy} onClick={() => void run()}>
          Make a call and open its waterfall
        </button>
        {state.done && <span className="tv-welcome-ok"> Done: the waterfall on the right shows each hop of that call.</span>}
        {state.problem && (
          <span className="tv-welcome-err" role="alert">
            {' '}
            The call failed: {state.problem}
          </span>
        )}
      </div>
      <button type="button" className="link-button" data-testid="welcome-dismiss" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </section>
  );
}
