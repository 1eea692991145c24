// RFC 6901 JSON Pointers: the paths of patch operations, of tree nodes in the Studio, of clone errors.

/** One reference token, escaped: `~` becomes `~0`, `/` becomes `~1` (in that order, so `~1` stays literal). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** One reference token, unescaped: `~1` becomes `/`, then `~0` becomes `~`. */
export function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The pointer to `tokens` from the root: `[]` is `""` (the whole document). */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/** An RFC 6901 pointer to its tokens; throws when it is neither empty nor starts with "/". */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`pointer "${pointer}" must be empty or start with "/"`);
  return pointer.slice(1).split('/').map(unescapePointerToken);
}
