/**
 * The agent kit's bundle on its own: copied with nothing but its config into a folder outside
 * the repository (no node_modules reachable), run with plain `node`, it logs in to a real
 * server's broker with the credentials the console's Add screen issued and the server shows
 * the screen online; SIGTERM makes it offline. The bundle's --version and --check, which the
 * install scripts use, and its refusals (bad config, a state format it does not know: exit 2).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedScreenResponse, Screen } from '../../protocol';
import { until } from '../../device-agent/test/helpers/until';
import { AGENT_VERSION } from '../../device-agent/src/version';
import { api, login, startTestServer, type TestServer } from '../helpers/server';
import { buildAgentKit, runNode } from './kit';

describe('agent bundle from a clean folder', () => {
  let kit: string;
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    kit = buildAgentKit();
    server = await startTestServer('sqlite');
    token = (await login(server)).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Polls the server's REST view of the screen, as the console would see it. */
  async function stateBecomes(id: string, want: string): Promise<void> {
    let state = '';
    for (let i = 0; i < 150; i++) {
      state = (await api<{ screen: Screen }>(server, 'GET', `/api/screens/${id}`, undefined, token))
        .body.screen.state;
      if (state === want) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state, `screen ${id} at the server`).toBe(want);
  }

  /** A folder holding only the bundle and `config`. */
  function cleanFolder(config: unknown): string {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-clean-agent-'));
    copyFileSync(join(kit, 'marquee-agent.mjs'), join(dir, 'marquee-agent.mjs'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  }

  it('connects with the issued config and comes online at the server, offline on SIGTERM', async () => {
    const reg = await api<ProvisionedScreenResponse>(
      server,
      'POST',
      '/api/admin/screens',
      { id: 'inst-bundle', name: 'Install check' },
      token,
    );
    expect(reg.status).toBe(201);
    const dir = cleanFolder({ ...reg.body.provisioning.agentConfig, dataDir: './state' });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'marquee-agent.mjs']);

    const agent = runNode(['marquee-agent.mjs', '--config', 'config.json'], dir);
    try {
      await until(
        () => agent.output().includes('"connected"'),
        `bundle connected:\n${agent.output()}`,
      );
      await stateBecomes('inst-bundle', 'online');
      const screen = (
        await api<{ screen: Screen }>(server, 'GET', '/api/screens/inst-bundle', undefined, token)
      ).body.screen;
      expect(screen.agentVersion).toBe(AGENT_VERSION);
      expect(await agent.stop()).toBe(0);
      await stateBecomes('inst-bundle', 'offline');
      // The state lives where the config says, with its format marker.
      expect(readdirSync(join(dir, 'state'))).toEqual(
        expect.arrayContaining(['commands.journal', 'events.journal', 'state-format.json']),
      );
    } finally {
      await agent.stop();
    }
  });

  it('answers --version and --check, and refuses a bad config or an unknown state format with exit 2', async () => {
    const version = runNode([join(kit, 'marquee-agent.mjs'), '--version'], tmpdir());
    expect(await version.exited).toBe(0);
    expect(version.output().trim()).toBe(AGENT_VERSION);

    const good = cleanFolder({
      screenId: 'scr-x',
      broker: { url: 'mqtt://127.0.0.1:9' },
      dataDir: './s',
    });
    const check = runNode(['marquee-agent.mjs', '--config', 'config.json', '--check'], good);
    expect(await check.exited).toBe(0);
    expect(check.output()).toMatch(/config config\.json is valid \(screen scr-x, data in \.\/s\)/);

    const bad = cleanFolder({ screenId: 'scr-x', broker: { url: 'http://x' }, dataDir: './s' });
    const refused = runNode(['marquee-agent.mjs', '--config', 'config.json', '--check'], bad);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(
      /invalid config config\.json: broker\.url: must be an mqtt:\/\//,
    );

    // A state written by a newer agent: refused before anything connects (exit 2, not restarted).
    mkdirSync(join(good, 's'));
    writeFileSync(join(good, 's', 'state-format.json'), JSON.stringify({ format: 99 }));
    const newer = runNode(['marquee-agent.mjs', '--config', 'config.json'], good);
    expect(await newer.exited).toBe(2);
    expect(newer.output()).toMatch(/is format 99 .*reads formats up to 1/);
  });
});
