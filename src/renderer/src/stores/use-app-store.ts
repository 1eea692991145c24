// The React binding for the app store. Select primitives (or use useShallow): with zustand 5 and
// React 19 a selector returning a fresh object each time re-renders forever.
import { useStore } from 'zustand';
import { type AppState, appStore } from './app-store';

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
