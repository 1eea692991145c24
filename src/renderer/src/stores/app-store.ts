// App-wide UI state as a framework-free store: testable without a DOM, fed by bridge events later,
// read by components through use-app-store.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';

export type Theme = 'dark' | 'light';

export interface AppState {
  /** Whether a bridge to the host is present (the desktop preload, or later the web-mode websocket). */
  connected: boolean;
  theme: Theme;
  setConnected(connected: boolean): void;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(initial: Partial<Pick<AppState, 'connected' | 'theme'>> = {}): AppStore {
  return createStore<AppState>()((set) => ({
    connected: initial.connected ?? false,
    theme: initial.theme ?? 'dark',
    setConnected: (connected) => set({ connected }),
    setTheme: (theme) => set({ theme }),
    toggleTheme: () => set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' })),
  }));
}

/** The renderer's one instance; tests make their own with createAppStore. */
export const appStore = createAppStore();
