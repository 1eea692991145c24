import { describe, expect, test } from 'vitest';
import { createAppStore } from './app-store';

describe('app store', () => {
  test('starts disconnected and dark unless told otherwise', () => {
    expect(createAppStore().getState()).toMatchObject({ connected: false, theme: 'dark' });
    expect(createAppStore({ connected: true, theme: 'light' }).getState()).toMatchObject({ connected: true, theme: 'light' });
  });

  test('setConnected reports the bridge state to subscribers', () => {
    const store = createAppStore();
    const seen: boolean[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.connected));
    store.getState().setConnected(true);
    store.getState().setConnected(false);
    unsubscribe();
    store.getState().setConnected(true);
    expect(seen).toEqual([true, false]);
  });

  test('toggleTheme flips between dark and light, setTheme sets either', () => {
    const store = createAppStore();
    store.getState().toggleTheme();
    expect(store.getState().theme).toBe('light');
    store.getState().toggleTheme();
    expect(store.getState().theme).toBe('dark');
    store.getState().setTheme('light');
    expect(store.getState().theme).toBe('light');
  });

  test('stores made by createAppStore do not share state', () => {
    const a = createAppStore();
    const b = createAppStore();
    a.getState().setConnected(true);
    expect(b.getState().connected).toBe(false);
  });
});
