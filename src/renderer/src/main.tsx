import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { appStore } from './stores/app-store';
import './styles.css';

// The desktop preload defines window.juggler; in a plain browser it is absent.
appStore.getState().setConnected(window.juggler !== undefined);
appStore.getState().setTheme(window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
