// The form that starts a recording proxy: upstream URL, optional listen address, extra headers.
import { attachStore, useAttachStore } from './use-attach-store';

export function ProxyForm() {
  const form = useAttachStore((s) => s.form);
  const starting = useAttachStore((s) => s.starting);
  const set = attachStore().getState().setForm;
  return (
    <form
      className="at-form"
      aria-label="Start a proxy"
      onSubmit={(e) => {
        e.preventDefault();
        void attachStore().getState().start();
      }}
    >
      <label>
        Upstream
        <input
          className="mono"
          data-testid="proxy-upstream"
          placeholder="ws://127.0.0.1:9000/ws"
          value={form.upstream}
          onChange={(e) => set({ upstream: e.target.value })}
        />
      </label>
      <label>
        Listen on
        <input
          className="mono"
          data-testid="proxy-listen"
          placeholder="127.0.0.1:0 (a free port)"
          value={form.listen}
          onChange={(e) => set({ listen: e.target.value })}
        />
      </label>
      <label>
        Headers sent upstream <span className="at-muted">(one "Name: value" per line, e.g. Authorization: Bearer …)</span>
        <textarea
          className="mono"
          data-testid="proxy-headers"
          rows={3}
          value={form.headers}
          onChange={(e) => set({ headers: e.target.value })}
        />
      </label>
      <div className="at-actions">
        <button type="submit" data-testid="proxy-start" disabled={starting}>
          {starting ? 'Starting…' : 'Start proxy'}
        </button>
      </div>
    </form>
  );
}
