// The Callees view: every URI served (the demo test.* ones and the user's), with live metrics,
// stop/start, and an editor that hot-reloads user handlers, with their console output.
import { useEffect } from 'react';
import { CalleeEditor } from './CalleeEditor';
import { CalleeLogPanel } from './CalleeLogPanel';
import { CalleeRunsPanel } from './CalleeRunsPanel';
import { CalleeTable } from './CalleeTable';
import { CalleeTrial } from './CalleeTrial';
import { DEMO_NOTE, demoBehaviour } from './callees-store';
import { ServeOnAttached } from './ServeOnAttached';
import { calleesStore, useCalleesStore } from './use-callees-store';
import './callees.css';

function DemoDetails({ uri }: { uri: string }) {
  return (
    <section className="cl-demo" aria-label={`About ${uri}`} data-testid="demo-details">
      <h3 className="mono">{uri}</h3>
      <p>{demoBehaviour[uri] ?? 'A demo callee of the Studio.'}</p>
      <p className="cl-muted">{DEMO_NOTE}</p>
    </section>
  );
}

export function CalleesView() {
  const selected = useCalleesStore((s) => s.selected);
  const selectedKind = useCalleesStore((s) => s.callees.find((c) => c.uri === s.selected)?.kind);
  const editing = useCalleesStore((s) => s.draft.editing);
  // metrics change with every call and no event says so: poll while the view is shown
  useEffect(() => calleesStore().getState().poll(), []);
  const logUri = selectedKind === 'user' ? selected : editing;
  // runs and "Run" belong to a URI that is served: the selected one, or the saved one being edited
  const runsUri = selected ?? editing;

  return (
    <section className="view cl-view" data-testid="view-callees">
      <h2>Callees</h2>
      <div className="cl-layout">
        <div className="cl-left">
          <ServeOnAttached />
          <CalleeTable />
          {selected && selectedKind === 'demo' && <DemoDetails uri={selected} />}
          {runsUri && <CalleeTrial uri={runsUri} />}
          {runsUri && <CalleeRunsPanel uri={runsUri} />}
        </div>
        <div className="cl-right">
          <CalleeEditor />
          {logUri && <CalleeLogPanel uri={logUri} />}
        </div>
      </div>
    </section>
  );
}
