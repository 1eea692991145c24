// The Attach view: debug a juggler system the Studio did not start. A recording proxy sits between
// the user's clients and their server; its frames land in Traces (side "proxy") and fold into the same
// chains as the Studio's own.
import { ProxyForm } from './ProxyForm';
import { ProxyList } from './ProxyList';
import { useAttachStore } from './use-attach-store';
import './attach.css';

export function AttachView() {
  const problem = useAttachStore((s) => s.problem);
  return (
    <section className="view at-view" data-testid="view-attach">
      <h2>Attach</h2>
      <p className="at-muted">
        A recording proxy forwards each client connection to the upstream juggler server with its subprotocol, path, query and headers
        (Authorization, Cookie, Origin, User-Agent, X-*), and records every frame. Nothing is changed on the way.
      </p>
      <div className="at-layout">
        <ProxyForm />
        <div className="at-right">
          {problem && (
            <p className="at-problem" role="alert" data-testid="proxy-problem">
              {problem}
            </p>
          )}
          <ProxyList />
        </div>
      </div>
    </section>
  );
}
