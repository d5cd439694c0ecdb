/**
 * Whether the session token may be written to disk. safeStorage encrypts with the OS keychain
 * (Keychain, DPAPI, or libsecret/KWallet on Linux); on a Linux desktop without a keyring it
 * falls back to `basic_text`, a fixed key that protects nothing. There the token is not kept:
 * the operator signs in at each start and the console says why.
 *
 * Electron-free on purpose: the decision is tested in Node.
 */

/** The parts of Electron's safeStorage the console uses (injected, so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

export type TokenStorageDecision = { keep: true } | { keep: false; reason: string };

export const NO_KEYRING_SENTENCE =
  'This computer has no keyring (such as GNOME Keyring or KWallet) for Marquee to lock your sign-in with, so you are not kept signed in: sign in again at each start.';

export function decideTokenStorage(
  platform: NodeJS.Platform,
  safeStorage: SafeStorageLike,
): TokenStorageDecision {
  if (!safeStorage.isEncryptionAvailable()) return { keep: false, reason: NO_KEYRING_SENTENCE };
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    // 'unknown' is what Electron says before the app is ready; treat it like no keyring.
    if (backend === 'basic_text' || backend === 'unknown') {
      return { keep: false, reason: NO_KEYRING_SENTENCE };
    }
  }
  return { keep: true };
}
