/**
 * The Electron main process's hardening rules, run in Node without Electron (the Electron
 * parts are injected): the app:// protocol serves only the renderer's folder, links out are
 * limited to an allow-list, the token is never kept on Linux's plain-text "keyring".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  createAppProtocolHandler,
  isAppUrl,
  resolveAppRequest,
} from '../src/main/app-protocol';
import { externalLinkVerdict, linkPolicyFrom, openExternalLink } from '../src/main/external-links';
import { SafeTokenStore } from '../src/main/safe-token-store';
import { NO_KEYRING_SENTENCE, type SafeStorageLike } from '../src/main/token-storage-policy';

let dir: string;
let root: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-hardening-'));
  root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><p>console</p>');
  fs.writeFileSync(path.join(root, 'assets/index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the page');
  // A link inside the folder that points out of it.
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets/escape.txt'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('maps the console page and its assets into the renderer folder', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, root)).toEqual({
      ok: true,
      file: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://marquee/', root)).toMatchObject({
      ok: true,
      file: path.join(root, 'index.html'),
    });
    expect(resolveAppRequest('app://marquee/assets/index-abc.js?v=1', root)).toMatchObject({
      ok: true,
      file: path.join(root, 'assets/index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('refuses paths that leave the folder, other hosts and other schemes', () => {
    // The URL parser already folds dot segments (also %2e%2e) at the root: they stay inside.
    for (const url of [
      'app://marquee/%2e%2e/secret.txt',
      'app://marquee/assets/%2E%2E/%2e%2e/secret.txt',
    ]) {
      expect(resolveAppRequest(url, root), url).toEqual({
        ok: true,
        file: path.join(root, 'secret.txt'),
        contentType: 'text/plain; charset=utf-8',
      });
    }
    // What the parser leaves (encoded slashes, backslashes, NUL) is refused outright.
    for (const url of [
      'app://marquee/..%2fsecret.txt',
      'app://marquee/assets/..%2f..%2fsecret.txt',
      'app://marquee/..%5csecret.txt',
      'app://marquee/index.html%00.js',
    ]) {
      expect(resolveAppRequest(url, root), url).toMatchObject({ ok: false, status: 403 });
    }
    expect(resolveAppRequest('app://other/index.html', root)).toMatchObject({ status: 403 });
    expect(resolveAppRequest('file:///etc/passwd', root)).toMatchObject({ status: 403 });
    expect(resolveAppRequest('app://marquee/%E0%A4%A', root)).toMatchObject({ status: 400 });
    expect(isAppUrl('app://marquee/index.html')).toBe(true);
    expect(isAppUrl('app://marquee.evil/index.html')).toBe(false);
    expect(isAppUrl('file:///x/renderer/index.html')).toBe(false);
  });

  it('answers files with the CSP, and refuses missing files, symlinks out and writes', async () => {
    const handle = createAppProtocolHandler(root, fs.promises);
    const page = await handle(new Request(APP_ENTRY_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('console');

    expect((await handle(new Request('app://marquee/nope.js'))).status).toBe(404);
    const escaped = await handle(new Request('app://marquee/assets/escape.txt'));
    expect(escaped.status).toBe(403);
    expect(await escaped.text()).not.toContain('not for the page');
    const traversal = await handle(new Request('app://marquee/..%2fsecret.txt'));
    expect(traversal.status).toBe(403);
    // Folded to the root by the URL parser: a file that is not there, never the one outside.
    expect((await handle(new Request('app://marquee/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handle(new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });
});

describe('links out', () => {
  const policy = linkPolicyFrom(
    { MARQUEE_LINK_HOSTS: 'docs.marquee.example, *.maps.example' },
    'https://console.example.net:8443',
  );

  it('opens https links to allowed hosts and plain mailto addresses', () => {
    expect(policy.allowedHosts).toEqual([
      'docs.marquee.example',
      '*.maps.example',
      'console.example.net',
    ]);
    for (const url of [
      'https://docs.marquee.example/install',
      'https://tiles.maps.example/a',
      'https://maps.example/',
      'https://console.example.net/api/screens/lobby-1/screenshot',
      'mailto:ops@example.com?subject=Screen',
    ]) {
      expect(externalLinkVerdict(url, policy).allowed, url).toBe(true);
    }
  });

  it('refuses other schemes, other hosts, credentials in the URL', () => {
    const refused = {
      'http://docs.marquee.example/': 'http: links are never opened',
      'file:///etc/passwd': 'file: links are never opened',
      'smb://host/share': 'smb: links are never opened',
      'javascript:alert(1)': 'javascript: links are never opened',
      'https://evil.example/': 'evil.example is not on the link allow-list (MARQUEE_LINK_HOSTS)',
      'https://docs.marquee.example.evil.example/':
        'docs.marquee.example.evil.example is not on the link allow-list (MARQUEE_LINK_HOSTS)',
      'https://user:pw@docs.marquee.example/': 'links with credentials are never opened',
      'mailto:a@b.example/../x': 'not a plain e-mail address',
      'not a url': 'not a URL',
    };
    for (const [url, reason] of Object.entries(refused)) {
      expect(externalLinkVerdict(url, policy), url).toEqual({ allowed: false, reason });
    }
    // An http server adds no host: its pages are not opened in the browser.
    expect(linkPolicyFrom({}, 'http://localhost:4000').allowedHosts).toEqual([]);
  });

  it('hands only allowed links to the system, and says why not otherwise', async () => {
    const opened: string[] = [];
    const logged: string[] = [];
    const open = (url: string) => {
      opened.push(url);
      return Promise.resolve();
    };
    expect(
      await openExternalLink('https://docs.marquee.example/x', policy, open, (l) => logged.push(l)),
    ).toBe(true);
    expect(await openExternalLink('file:///etc/passwd', policy, open, (l) => logged.push(l))).toBe(
      false,
    );
    expect(opened).toEqual(['https://docs.marquee.example/x']);
    expect(logged).toEqual(['[marquee] link not opened: file: links are never opened']);
  });
});

describe('session token on disk', () => {
  const fakeSafeStorage = (backend: string, available = true): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    // A reversible stand-in for the keychain: what matters here is whether it is called.
    encryptString: (plain) => Buffer.from(`enc:${plain}`),
    decryptString: (data) => data.toString().replace(/^enc:/, ''),
    getSelectedStorageBackend: () => backend,
  });

  it('keeps the token encrypted where a real keyring is there', () => {
    const file = path.join(dir, 'token-gnome.bin');
    const store = new SafeTokenStore(file, fakeSafeStorage('gnome_libsecret'), 'linux');
    store.set('tok-1');
    expect(fs.readFileSync(file, 'utf8')).toBe('enc:tok-1');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(store.get()).toBe('tok-1');
    expect(store.decision()).toEqual({ keep: true });
    store.set(null);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("refuses Linux's basic_text backend: nothing written, an older file removed, the reason said", () => {
    const file = path.join(dir, 'token-basic.bin');
    fs.writeFileSync(file, 'enc:left-from-before');
    const store = new SafeTokenStore(file, fakeSafeStorage('basic_text'), 'linux');
    expect(store.decision()).toEqual({ keep: false, reason: NO_KEYRING_SENTENCE });
    expect(store.get()).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    store.set('tok-2');
    expect(fs.existsSync(file)).toBe(false);
    // Before the app is ready Electron says 'unknown': not trusted either.
    expect(new SafeTokenStore(file, fakeSafeStorage('unknown'), 'linux').decision().keep).toBe(
      false,
    );
  });

  it('keeps nothing where encryption is unavailable, on any platform', () => {
    const file = path.join(dir, 'token-none.bin');
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const store = new SafeTokenStore(file, fakeSafeStorage('kwallet5', false), platform);
      store.set('tok-3');
      expect(fs.existsSync(file)).toBe(false);
    }
    // macOS and Windows have no backend question: the keychain / DPAPI is it.
    const mac = new SafeTokenStore(file, fakeSafeStorage('basic_text'), 'darwin');
    expect(mac.decision().keep).toBe(true);
  });
});
