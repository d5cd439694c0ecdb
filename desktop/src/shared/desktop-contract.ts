/**
 * The desktop shell's own IPC contract, beside the console API: what only the Electron app
 * has (updates, whether the sign-in is kept on this computer). The browser host has no such
 * bridge, and the renderer shows nothing of it there. Dependency-free, so the sandboxed
 * preload can bundle it.
 */

export const DESKTOP_INVOKE_CHANNEL = 'marquee:desktop:invoke';
export const DESKTOP_EVENT_CHANNEL = 'marquee:desktop:event';

export type UpdateStatus =
  | { state: 'off'; reason: string }
  | { state: 'checking' }
  | { state: 'upToDate'; version: string }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'ready'; version: string }
  | { state: 'error'; message: string };

export interface DesktopStatus {
  appVersion: string;
  updates: UpdateStatus;
  /** Whether the session token is kept (encrypted) between starts, and why not. */
  signIn: { kept: true } | { kept: false; reason: string };
}

/** Method → [params, result]. Every method is answered only for the console's own page. */
export interface DesktopMethods {
  getDesktopStatus: [Record<string, never>, DesktopStatus];
  checkForUpdates: [Record<string, never>, UpdateStatus];
  restartToUpdate: [Record<string, never>, { restarting: boolean }];
}
export type DesktopMethod = keyof DesktopMethods;
export const DESKTOP_METHODS = [
  'getDesktopStatus',
  'checkForUpdates',
  'restartToUpdate',
] as const satisfies readonly DesktopMethod[];

export type DesktopEvent = { type: 'status'; status: DesktopStatus };

/** What the preload exposes as `window.marqueeDesktop`. */
export type DesktopApi = {
  [M in DesktopMethod]: (params?: DesktopMethods[M][0]) => Promise<DesktopMethods[M][1]>;
} & { subscribe(listener: (event: DesktopEvent) => void): () => void };
