// A stable colour per channel or pattern: the same name always gets the same hue (across sessions and
// clients), so an event can be matched to its subscription at a glance. Only the hue is chosen here;
// playground.css picks lightness and saturation per theme.

/** FNV-1a over the UTF-16 code units: cheap, and well spread for short names. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A hue in [0, 360). Names whose hashes are close still land far apart (golden-angle spread). */
export function channelHue(name: string): number {
  return Math.round((hash(name) * 137.508) % 360);
}

/** The subscription an event came through: its pattern when it matched one, else its channel. */
export function eventSubscriptionName(ev: { channel: string; pattern?: string }): string {
  return ev.pattern ?? ev.channel;
}
