// The switch that lets the Studio's callees serve an attached redis (a system the Studio did not start).
// Off by default: attached, the Studio only watches. On, its demo and user callees pop that system's
// calls too, so the host wants an explicit confirm (callees.serveOnAttached) and the warning says why.
import { useState } from 'react';
import { useAppStore } from '../../stores/use-app-store';
import { calleesStore, useCalleesStore } from './use-callees-store';

export function ServeOnAttached() {
  const attached = useAppStore((s) => s.status?.attached);
  const [confirming, setConfirming] = useState(false);
  const busy = useCalleesStore((s) => s.serveAttached.busy);
  const problem = useCalleesStore((s) => s.serveAttached.problem);
  if (!attached) return null;
  const serving = attached.servingCallees;

  const set = (on: boolean) => {
    setConfirming(false);
    return calleesStore().getState().serveOnAttached(on);
  };

  return (
    <section
      className={`cl-attached${serving ? ' cl-attached-on' : ''}`}
      data-testid="callees-attached"
      aria-label="Callees on the attached redis"
    >
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={serving}
          disabled={busy}
          aria-checked={serving}
          onChange={(e) => (e.target.checked ? setConfirming(true) : void set(false))}
          data-testid="callees-serve-attached"
        />{' '}
        Serve these callees on the attached redis <span className="mono">{attached.url}</span>
      </label>
      <p className="cl-warning" role="note" data-testid="callees-attached-warning">
        {serving
          ? `They are serving there now: they take that system's calls, competing with its own callees. Switch off to only watch it again.`
          : `Switched on, they will take that system's calls: its clients' calls to the same URIs go to the Studio's callees instead of (or as well as) its own. Now the Studio only watches it.`}
      </p>
      {confirming && (
        <span className="cl-confirm">
          Take that system's calls?
          <button type="button" className="cl-danger" onClick={() => void set(true)} data-testid="callees-serve-attached-confirm">
            Yes, serve there
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
      {problem && (
        <p className="cl-problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
