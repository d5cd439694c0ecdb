/**
 * Console settings in electron-store, with a schema (checked on every read by the store) and
 * migrations keyed by app version. A settings file that fails its schema is reset to defaults
 * (clearInvalidConfig) instead of stopping the console.
 */
import Store from 'electron-store';

export interface Settings {
  serverUrl: string;
  notifications: {
    kinds: { message: boolean; alarm: boolean; screenStatus: boolean; announcement: boolean };
    quietHours: { enabled: boolean; start: string; end: string };
  };
  windowBounds: { x?: number; y?: number; width: number; height: number } | null;
  /** An update feed chosen on this computer (overrides MARQUEE_UPDATE_URL); null = none. */
  updateUrl: string | null;
}

const hhmm = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' } as const;

export function openSettings(): Store<Settings> {
  return new Store<Settings>({
    name: 'settings',
    clearInvalidConfig: true,
    defaults: {
      serverUrl: 'http://localhost:4000',
      notifications: {
        kinds: { message: true, alarm: true, screenStatus: true, announcement: true },
        quietHours: { enabled: false, start: '22:00', end: '07:00' },
      },
      windowBounds: null,
      updateUrl: null,
    },
    schema: {
      serverUrl: { type: 'string', format: 'uri' },
      notifications: {
        type: 'object',
        properties: {
          kinds: {
            type: 'object',
            properties: {
              message: { type: 'boolean' },
              alarm: { type: 'boolean' },
              screenStatus: { type: 'boolean' },
              announcement: { type: 'boolean' },
            },
          },
          quietHours: {
            type: 'object',
            properties: { enabled: { type: 'boolean' }, start: hhmm, end: hhmm },
          },
        },
      },
      windowBounds: {
        type: ['object', 'null'],
        properties: {
          x: { type: 'number' },
          y: { type: 'number' },
          width: { type: 'number', minimum: 400 },
          height: { type: 'number', minimum: 300 },
        },
      },
      updateUrl: { type: ['string', 'null'] },
    },
    migrations: {
      // 0.1.0: the first settings file; nothing to carry over yet. Later versions add steps here.
      '0.1.0': (store) => {
        if (!store.has('windowBounds')) store.set('windowBounds', null);
      },
    },
  });
}
