/**
 * A map tile source is a URL template such as `https://tiles.example.org/{z}/{x}/{y}.png`
 * (issue 13). The renderer keeps the operator's choice and validates it in Settings; the console
 * core validates it again and fetches the tiles (desktop/src/core/map-tiles.ts), because the
 * renderer's Content-Security-Policy lets no page load a remote image. No zod here: both sides
 * import it, and the sentences are what the Settings form shows.
 */

export const TILE_TEMPLATE_MAX = 500;
/** Web-mercator zoom levels tile servers serve (OpenStreetMap's go to 19). */
export const TILE_MAX_ZOOM = 22;

/** Why `template` is not a usable tile source, as a sentence; null when it is. */
export function tileTemplateProblem(template: string): string | null {
  const t = template.trim();
  if (!t) return 'Give a tile address, for example https://tiles.example.org/{z}/{x}/{y}.png.';
  if (t.length > TILE_TEMPLATE_MAX)
    return `Tile addresses are limited to ${TILE_TEMPLATE_MAX} characters.`;
  for (const p of ['{z}', '{x}', '{y}'])
    if (!t.includes(p)) return `The tile address needs {z}, {x} and {y}; ${p} is missing.`;
  const other = t.replace(/\{[zxy]\}/g, '').match(/\{[^}]*\}?/);
  if (other) return `The tile address may use only {z}, {x} and {y}, not ${other[0]}.`;
  let url: URL;
  try {
    url = new URL(tileUrl(t, 0, 0, 0));
  } catch {
    return 'That is not a web address; it should start with https:// or http://.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'Tile addresses start with https:// or http://.';
  if (url.username || url.password)
    return 'Put no user name or password in the tile address; it is kept in plain text.';
  return null;
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template
    .trim()
    .replaceAll('{z}', String(z))
    .replaceAll('{x}', String(x))
    .replaceAll('{y}', String(y));
}

/** The origin tiles come from, for the map's attribution line ("Tiles: tiles.example.org"). */
export function tileHost(template: string): string {
  try {
    return new URL(tileUrl(template, 0, 0, 0)).host;
  } catch {
    return '';
  }
}
