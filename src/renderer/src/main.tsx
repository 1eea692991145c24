import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installShortcuts } from './keyboard';
import { appStore } from './stores/use-app-store';
import './styles.css';

appStore()
  .getState()
  .setTheme(window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
installShortcuts(appStore());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
