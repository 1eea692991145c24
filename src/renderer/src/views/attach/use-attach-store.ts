// The React binding for the Attach store. Select existing objects or primitives: a selector that
// builds a fresh object or array each time re-renders forever (zustand 5, React 19).
import { useStore } from 'zustand';
import { type AttachState, attachStore } from './attach-store';

export function useAttachStore<T>(selector: (state: AttachState) => T): T {
  return useStore(attachStore, selector);
}
