/** The session token, encrypted with the OS keychain through Electron's safeStorage. */
import fs from 'node:fs';
import { safeStorage } from 'electron';
import type { TokenStore } from '../core/token-store';

export class SafeTokenStore implements TokenStore {
  constructor(private readonly file: string) {}

  get(): string | null {
    try {
      return safeStorage.decryptString(fs.readFileSync(this.file));
    } catch {
      return null;
    }
  }

  set(token: string | null): void {
    if (token === null || !safeStorage.isEncryptionAvailable()) {
      // Without a keychain the token is not written at all: the operator signs in each start.
      fs.rmSync(this.file, { force: true });
      return;
    }
    fs.writeFileSync(this.file, safeStorage.encryptString(token), { mode: 0o600 });
  }
}
