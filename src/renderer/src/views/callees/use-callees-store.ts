// The React binding for the Callees store. Select existing objects or primitives: with zustand 5 and
// React 19 a selector that builds a fresh object or array each time re-renders forever.
import { useStore } from 'zustand';
import { type CalleesState, calleesStore } from './callees-store';

export function useCalleesStore<T>(selector: (state: CalleesState) => T): T {
  return useStore(calleesStore, selector);
}
