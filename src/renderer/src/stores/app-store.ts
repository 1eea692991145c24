// App-wide UI state (the link, the host and its status, theme, view, help) made as README.md here
// says: host-feed.ts fills it from the bridge, use-app-store.ts is its one instance. Its actions call
// nothing on the host, so it is the one store made without a bridge.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HostInfo, HostStatus } from '../../../shared/bridge/contract';
import type { LinkState } from '../bridge/transport';

export type { LinkState };

export type Theme = 'dark' | 'light';
export type ViewId = 'traces' | 'playground' | 'callees' | 'redis' | 'sync' | 'metrics' | 'attach';

export const views: { id: ViewId; title: string; key: string }[] = [
  { id: 'traces', title: 'Traces', key: '1' },
  { id: 'playground', title: 'Playground', key: '2' },
  { id: 'callees', title: 'Callees', key: '3' },
  { id: 'redis', title: 'Redis', key: '4' },
  { id: 'sync', title: 'Sync', key: '5' },
  { id: 'metrics', title: 'Metrics', key: '6' },
  { id: 'attach', title: 'Attach', key: '7' },
];

export interface AppState {
  /** Whether the bridge to the host is up. */
  connected: boolean;
  link: LinkState;
  linkDetail?: string;
  theme: Theme;
  view: ViewId;
  helpOpen: boolean;
  host?: HostInfo;
  status?: HostStatus;
  setConnected(connected: boolean): void;
  setLink(link: LinkState, detail?: string): void;
  setTheme(theme: Theme): void;
  toggleTheme(): void;
  setView(view: ViewId): void;
  setHelpOpen(open: boolean): void;
  setHost(host: HostInfo): void;
  setStatus(status: HostStatus): void;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(initial: Partial<Pick<AppState, 'connected' | 'theme' | 'view'>> = {}): AppStore {
  return createStore<AppState>()((set) => ({
    connected: initial.connected ?? false,
    link: initial.connected ? 'open' : 'connecting',
    theme: initial.theme ?? 'dark',
    view: initial.view ?? 'traces',
    helpOpen: false,
    setConnected: (connected) => set({ connected }),
    setLink: (link, linkDetail) => set({ link, linkDetail, connected: link === 'open' }),
    setTheme: (theme) => set({ theme }),
    toggleTheme: () => set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' })),
    setView: (view) => set({ view }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    setHost: (host) => set({ host }),
    setStatus: (status) => set({ status }),
  }));
}
