// The React binding for the Playground store. Select existing objects or primitives: with zustand 5
// and React 19 a selector that builds a fresh object or array each time re-renders forever.
import { useStore } from 'zustand';
import { type PlaygroundState, playgroundStore } from './playground-store';

export function usePlaygroundStore<T>(selector: (state: PlaygroundState) => T): T {
  return useStore(playgroundStore, selector);
}
