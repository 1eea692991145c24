import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getBridge } from './bridge/bridge';
import { installShortcuts } from './keyboard';
import { appStore } from './stores/app-store';
import { startHostFeed } from './stores/host-feed';
import './styles.css';

appStore.getState().setTheme(window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
const { link, client } = getBridge();
startHostFeed(link, client, appStore);
installShortcuts(appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
