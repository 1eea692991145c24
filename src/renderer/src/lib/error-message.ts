// The text shown for a failure caught anywhere in the renderer: bridge errors carry the host's
// message; anything else thrown is shown as it prints.
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
