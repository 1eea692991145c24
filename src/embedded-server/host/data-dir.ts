// Where the Studio keeps the user's things (callee handlers, settings): the platform's usual place,
// or $JUGGLER_STUDIO_DATA when set.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.JUGGLER_STUDIO_DATA) return env.JUGGLER_STUDIO_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Juggler Studio');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Juggler Studio');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'juggler-studio');
}
