/** `npm start` keeps the port it chose for a taken one, so separately started agents find it again. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePort } from '../../scripts/start-ports';

const opened: net.Server[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function occupy(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  opened.push(server);
  return (server.address() as net.AddressInfo).port;
}

describe('npm start port choice', () => {
  it('keeps the port chosen for a taken one across starts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-ports-'));
    const taken = await occupy();
    // The "default" here is an occupied port: what 1883 is on a machine running Mosquitto.
    fs.writeFileSync(path.join(dataDir, 'ports.json'), JSON.stringify({ mqtt: taken }));
    const first = await choosePort(dataDir, 'mqtt', undefined);
    expect(first.port).not.toBe(taken);
    expect(first.note).toContain(`port ${taken} is taken`);
    const second = await choosePort(dataDir, 'mqtt', undefined);
    expect(second.port).toBe(first.port);
    expect(second.note).toContain('chosen at an earlier start');
  });

  it('lets the environment win without remembering it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-ports-'));
    const free = await occupy();
    await new Promise((r) => opened.pop()!.close(r));
    const choice = await choosePort(dataDir, 'http', String(free));
    expect(choice).toEqual({ port: free, note: null });
    expect(fs.existsSync(path.join(dataDir, 'ports.json'))).toBe(false);
  });

  it('ignores a broken ports file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-ports-'));
    fs.writeFileSync(path.join(dataDir, 'ports.json'), '{not json');
    const choice = await choosePort(dataDir, 'console', undefined);
    expect(choice.port).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'ports.json'), 'utf8'))).toEqual({
      console: choice.port,
    });
  });
});
