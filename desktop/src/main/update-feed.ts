/**
 * Where the console looks for updates, if anywhere. Updates are off unless configured: a
 * network of billboards is often updated by its own IT on its own schedule, and a console
 * must not reach out to a host nobody chose. The feed is an electron-updater "generic"
 * feed: a folder on any web server holding what the release build wrote
 * (latest.yml / latest-mac.yml / latest-linux.yml and the installers).
 *
 * Electron-free on purpose: tested in Node.
 */

export type UpdateFeed =
  | { on: true; url: string; source: 'setting' | 'environment' | 'build' }
  | { on: false; reason: string };

export interface UpdateFeedInputs {
  isPackaged: boolean;
  /** The `updateUrl` setting (settings.json), if set. */
  setting?: string | null;
  /** `MARQUEE_UPDATE_URL`. */
  env?: string;
  /** The feed the release build baked in (resources/app-update.yml), if any. */
  builtIn?: string | null;
}

function checkUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `the update feed "${raw}" is not a URL` };
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  // Installers are code: they come over https only (plain http just for a local test feed).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { ok: false, reason: `the update feed ${url.href} is not https` };
  }
  return { ok: true, url: url.href.endsWith('/') ? url.href : `${url.href}/` };
}

export function chooseUpdateFeed(inputs: UpdateFeedInputs): UpdateFeed {
  if (!inputs.isPackaged) {
    return { on: false, reason: 'Updates off: this is not an installed build.' };
  }
  const candidates: Array<[string | null | undefined, 'setting' | 'environment' | 'build']> = [
    [inputs.setting, 'setting'],
    [inputs.env, 'environment'],
    [inputs.builtIn, 'build'],
  ];
  for (const [raw, source] of candidates) {
    if (!raw || !raw.trim()) continue;
    const checked = checkUrl(raw.trim());
    if (!checked.ok) return { on: false, reason: `Updates off: ${checked.reason}.` };
    return { on: true, url: checked.url, source };
  }
  return {
    on: false,
    reason:
      'Updates off: no update feed is configured (MARQUEE_UPDATE_URL or the updateUrl setting).',
  };
}

/** The `url:` of a generic provider in app-update.yml (a two-line YAML file builder writes). */
export function builtInFeedFrom(appUpdateYml: string | null): string | null {
  if (!appUpdateYml) return null;
  if (!/^provider:\s*generic\s*$/m.test(appUpdateYml)) return null;
  const match = /^url:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(appUpdateYml);
  return match?.[1] ?? null;
}
