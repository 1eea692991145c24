declare module 'cluster-key-slot' {
  /** The redis-cluster hash slot (0..16383) of a key, honouring {hash tags}. */
  export default function calculateSlot(key: string | Buffer): number;
}
