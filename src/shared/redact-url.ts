// A redis URL as it may be shown or logged: its password replaced by ***. Shared by the engine (logs,
// errors, host info) and the renderer (what a user typed into the Redis view), so both hide the same.

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // not a URL (a typo, say): anything between a colon and an @ may still be a password
    return url.replace(/\/\/[^@/\s]*@/, '//***@').replace(/:[^:@/\s]*@/g, ':***@');
  }
}
