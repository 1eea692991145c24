// The Playground: juggler.0 clients side by side, each able to CALL, SUB/PSUB/UNSB and PUB, so a
// call or an event can be followed from one client to another.
import { AddClientForm } from './AddClientForm';
import { CALLEE_URIS_LIST } from './CallPanel';
import { ClientColumnView } from './ClientColumnView';
import { usePlaygroundStore } from './use-playground-store';
import './playground.css';

export function PlaygroundView() {
  const order = usePlaygroundStore((s) => s.order);
  const uris = usePlaygroundStore((s) => s.calleeUris);
  return (
    <section className="view pg-view" data-testid="view-playground">
      <div className="pg-top">
        <h2>Playground</h2>
        <AddClientForm />
      </div>
      <datalist id={CALLEE_URIS_LIST}>
        {uris.map((u) => (
          <option key={u} value={u} />
        ))}
      </datalist>
      {order.length === 0 ? (
        <p className="pg-muted pg-empty">No clients yet: add one to CALL, SUB and PUB through the Studio's server.</p>
      ) : (
        <div className="pg-columns" data-testid="client-columns">
          {order.map((id) => (
            <ClientColumnView key={id} clientId={id} />
          ))}
        </div>
      )}
    </section>
  );
}
