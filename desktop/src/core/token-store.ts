/**
 * Where the session token lives between runs. Electron keeps it encrypted with safeStorage
 * (desktop/src/main/safe-token-store.ts); the browser host keeps it in a file readable only
 * by its user, next to its cache.
 */
import fs from 'node:fs';

export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

export class FileTokenStore implements TokenStore {
  constructor(private readonly file: string) {}
  get(): string | null {
    try {
      return fs.readFileSync(this.file, 'utf8').trim() || null;
    } catch {
      return null;
    }
  }
  set(token: string | null): void {
    if (token === null) fs.rmSync(this.file, { force: true });
    else fs.writeFileSync(this.file, token, { mode: 0o600 });
  }
}

export class MemoryTokenStore implements TokenStore {
  private token: string | null = null;
  get = () => this.token;
  set = (token: string | null) => {
    this.token = token;
  };
}
