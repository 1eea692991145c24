// Global shortcuts (listed in the help overlay). Keys typed into inputs and editors are left alone.
import { type AppStore, views } from './stores/app-store';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return (
    el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || !!el.closest?.('.cm-editor')
  );
}

export function installShortcuts(store: AppStore, target: Window = window): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      store.getState().setHelpOpen(false);
      return;
    }
    if (typing(e.target)) return;
    const v = views.find((x) => x.key === e.key);
    if (v) {
      store.getState().setView(v.id);
      e.preventDefault();
    } else if (e.key === '?') {
      store.getState().setHelpOpen(!store.getState().helpOpen);
      e.preventDefault();
    } else if (e.key === 'T') {
      store.getState().toggleTheme();
      e.preventDefault();
    }
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
