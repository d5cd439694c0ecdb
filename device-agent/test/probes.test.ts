/** Probes: real host values, and configured exec / file / HTTP / static probes with validation. */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryPayload } from '../../protocol';
import { createLogger } from '../src/log';
import { createDisplayProbes } from '../src/probes/display-probes';
import { readProbe } from '../src/probes/read-probe';
import { createSystemProbe, readThermalZones } from '../src/probes/system';
import { buildTelemetry } from '../src/telemetry/build-telemetry';
import { tempDir } from './helpers/tmp';

const quiet = createLogger('error', {}, () => {});

describe('system probe', () => {
  it('reads real host values that fit the telemetry schema', async () => {
    const probe = createSystemProbe({ diskPath: '/' });
    const system = await probe.read();
    expect(system.memory.totalMb).toBeGreaterThan(0);
    expect(system.disk?.totalGb).toBeGreaterThan(0);
    expect(system.uptimeS).toBeGreaterThan(0);
    const payload = buildTelemetry(
      { bootId: 'b', seq: 1, ts: Date.now() },
      { display: { power: 'on', brightness: 50 } },
      system,
    );
    expect(TelemetryPayload.safeParse(payload).success).toBe(true);
  });

  it('takes the hottest valid thermal zone and skips broken sensors', async () => {
    const dir = tempDir('thermal');
    const zones: Record<string, string> = {
      thermal_zone0: '41000',
      thermal_zone1: '55500',
      thermal_zone2: '-1',
      thermal_zone3: '999999',
    };
    for (const [zone, value] of Object.entries(zones)) {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, zone));
      writeFileSync(join(dir, zone, 'temp'), `${value}\n`);
    }
    expect(await readThermalZones(dir)).toBe(55.5);
    expect(await readThermalZones(join(dir, 'missing'))).toBeNull();
  });
});

describe('configured probes', () => {
  let server: ReturnType<typeof createServer>;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          display: { power: 'standby', brightness: 33 },
          playing: { creativeId: 'cr-1', campaignId: 'cmp-1', title: 'Hello' },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('runs a program with execFile, arguments passed as-is (no shell)', async () => {
    const value = await readProbe({
      kind: 'exec',
      file: process.execPath,
      args: ['-e', 'console.log(process.argv[1])', '$(echo injected); rm -rf /'],
      timeoutMs: 5_000,
    });
    expect(value).toBe('$(echo injected); rm -rf /');
  });

  it('reads a file and a JSON field from the player HTTP API', async () => {
    const file = join(tempDir('probe'), 'brightness');
    writeFileSync(file, ' 72\n');
    expect(await readProbe({ kind: 'file', path: file })).toBe('72');
    expect(
      await readProbe({
        kind: 'http',
        url: `${base}/status`,
        timeoutMs: 2_000,
        field: 'display.brightness',
      }),
    ).toBe(33);
  });

  it('validates answers and keeps the last good one when a probe fails', async () => {
    const dir = tempDir('probe-last');
    const powerFile = join(dir, 'power');
    writeFileSync(powerFile, '1');
    const probes = createDisplayProbes(
      {
        power: { kind: 'file', path: powerFile },
        brightness: {
          kind: 'http',
          url: `${base}/status`,
          timeoutMs: 2_000,
          field: 'display.brightness',
        },
        content: { kind: 'http', url: `${base}/status`, timeoutMs: 2_000, field: 'playing' },
        temperatureC: { kind: 'static', value: 38.5 },
      },
      quiet,
    );
    const reading = await probes.apply({});
    expect(reading.display).toEqual({ power: 'on', brightness: 33 });
    expect(reading.content).toMatchObject({
      creativeId: 'cr-1',
      campaignId: 'cmp-1',
      title: 'Hello',
    });
    expect(reading.content?.since).toBeGreaterThan(0);
    expect(reading.temperatureC).toBe(38.5);

    writeFileSync(powerFile, 'melted');
    const after = await probes.apply({});
    expect(after.display?.power).toBe('on');
  });
});
