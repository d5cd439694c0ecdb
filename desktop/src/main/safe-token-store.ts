/**
 * The session token, encrypted with the OS keychain through Electron's safeStorage (injected).
 * Where the keychain is missing or is Linux's plain-text fallback, nothing is written and a
 * token file left from before is removed (token-storage-policy.ts).
 */
import fs from 'node:fs';
import type { TokenStore } from '../core/token-store';
import {
  decideTokenStorage,
  type SafeStorageLike,
  type TokenStorageDecision,
} from './token-storage-policy';

export class SafeTokenStore implements TokenStore {
  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Asked each time: a keyring can appear or go away while the console runs. */
  decision(): TokenStorageDecision {
    return decideTokenStorage(this.platform, this.safeStorage);
  }

  get(): string | null {
    if (!this.decision().keep) {
      fs.rmSync(this.file, { force: true });
      return null;
    }
    try {
      return this.safeStorage.decryptString(fs.readFileSync(this.file));
    } catch {
      return null;
    }
  }

  set(token: string | null): void {
    if (token === null || !this.decision().keep) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    fs.writeFileSync(this.file, this.safeStorage.encryptString(token), { mode: 0o600 });
  }
}
