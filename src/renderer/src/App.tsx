// The Studio's shell: the views, a status bar, the help overlay. Views only talk to the host through
// the bridge (see bridge/), and keep their state in vanilla stores (see stores/).
import { useEffect } from 'react';
import { HelpOverlay } from './components/HelpOverlay';
import { StatusBar } from './components/StatusBar';
import { type ViewId, views } from './stores/app-store';
import { appStore, useAppStore } from './stores/use-app-store';
import { AttachView } from './views/attach/AttachView';
import { CalleesView } from './views/callees/CalleesView';
import { MetricsView } from './views/metrics/MetricsView';
import { PlaygroundView } from './views/playground/PlaygroundView';
import { RedisView } from './views/redis/RedisView';
import { SyncView } from './views/sync/SyncView';
import { TracesView } from './views/traces/TracesView';

const viewComponents: Record<ViewId, () => React.JSX.Element> = {
  traces: TracesView,
  playground: PlaygroundView,
  callees: CalleesView,
  redis: RedisView,
  sync: SyncView,
  metrics: MetricsView,
  attach: AttachView,
};

export function App() {
  const theme = useAppStore((s) => s.theme);
  const view = useAppStore((s) => s.view);
  const link = useAppStore((s) => s.link);
  const linkDetail = useAppStore((s) => s.linkDetail);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const View = viewComponents[view];
  return (
    <div className="app" data-link={link}>
      <header className="app-header">
        <h1 className="app-title">Juggler Studio</h1>
        <nav className="app-nav" aria-label="Views">
          {views.map((v) => (
            <button
              key={v.id}
              type="button"
              className="nav-tab"
              aria-current={view === v.id ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
              title={`${v.title} (${v.key})`}
              onClick={() => appStore().getState().setView(v.id)}
            >
              {v.title}
            </button>
          ))}
        </nav>
        <div className="app-actions">
          <button
            type="button"
            className="icon-button"
            title="Keyboard shortcuts (?)"
            onClick={() => appStore().getState().setHelpOpen(true)}
          >
            ?
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="theme-toggle"
            title="Theme (Shift+T)"
            onClick={() => appStore().getState().toggleTheme()}
          >
            {theme === 'dark' ? 'Light' : 'Dark'}
          </button>
        </div>
      </header>
      <main className="app-main">
        {link !== 'open' && (
          <div className={`banner ${link === 'refused' ? 'banner-err' : 'banner-warn'}`} role="status" data-testid="link-banner">
            {link === 'connecting'
              ? 'Connecting to the Studio host…'
              : link === 'refused'
                ? linkDetail
                : 'The connection to the Studio host was lost; retrying…'}
          </div>
        )}
        <View />
      </main>
      <StatusBar />
      <HelpOverlay />
    </div>
  );
}
