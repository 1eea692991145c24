import { useEffect } from 'react';
import { appStore } from './stores/app-store';
import { useAppStore } from './stores/use-app-store';

export function App() {
  const connected = useAppStore((s) => s.connected);
  const theme = useAppStore((s) => s.theme);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <main className="app">
      <h1 className="app-title">Juggler Studio</h1>
      <p className="app-status" data-connected={connected}>
        bridge: {connected ? 'connected' : 'not connected'}
      </p>
      <button type="button" className="app-theme-toggle" onClick={() => appStore.getState().toggleTheme()}>
        {theme === 'dark' ? 'Light theme' : 'Dark theme'}
      </button>
    </main>
  );
}
