/**
 * Screens administration over REST (SQLite and PostgreSQL, embedded broker): register with
 * provisioning, edit, retire, restore with new credentials, rotate, CSV import with per-row
 * sentences and idempotent retries; bad input changes nothing; every change is audited and
 * only admins may do any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportScreensResponse, ProvisionedScreenResponse, Screen } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

type ErrorBody = { error: { code: string; message: string } };

describe.each(testDatabases())('screens administration (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    api<T>(server, method, `/api/admin/screens${path}`, body, token);
  const audit = async (targetId: string) =>
    (await server.ctx.knex('audit_log').where({ target_id: targetId }).orderBy('seq')).map(
      (r: { action: string; details: string | null }) => ({ action: r.action, details: r.details }),
    );
  const screenCount = async () =>
    Number((await server.ctx.knex('screens').count({ n: '*' }).first())!.n);

  it('registers a screen and answers with a config the agent accepts and an install line', async () => {
    const res = await call<ProvisionedScreenResponse>('POST', '', {
      id: 'adm-1',
      name: 'Quay North',
      address: '1 Quay St',
      lat: 51.5,
      lng: -0.1,
      tags: ['waterfront', 'north'],
    });
    expect(res.status).toBe(201);
    const p = res.body.provisioning;
    expect(p.credentials.username).toBe('adm-1');
    const { AgentConfig } = await import('../../device-agent/src/config');
    const config = AgentConfig.parse(p.agentConfig);
    expect(config.screenId).toBe('adm-1');
    expect(config.broker.url).toBe(server.mqttUrl.replace(/\/$/, ''));
    expect(config.broker.password).toBe(p.credentials.password);
    // Screenshots are uploaded where the admin's console reached this server.
    expect(config.httpUrl).toBe(server.url);
    expect(p.installCommand).toContain(p.configFileName);
    // The device can log in with what was shown.
    const device = await connectDevice(server.mqttUrl, 'adm-1', p.credentials.password);
    await device.end();
    const entries = await audit('adm-1');
    expect(entries.map((e) => e.action)).toEqual(['screen.registered']);
    expect(entries[0]!.details).not.toContain(p.credentials.password);
  });

  it('refuses bad input with a sentence and changes nothing', async () => {
    const before = await screenCount();
    const cases: [unknown, RegExp][] = [
      [{ name: '   ' }, /^Give the screen a name\.$/],
      [{ name: 'x'.repeat(201) }, /limited to 200 characters/],
      [{ id: 'adm-1', name: 'Again' }, /already registered; choose another id/],
      [{ id: 'bad id!', name: 'A' }, /letters, digits, - and _/],
      [{ name: 'A', lat: 95 }, /Latitude must be a number from -90 to 90/],
      [{ name: 'A', tags: ['x'.repeat(65)] }, /Each tag is 1 to 64 characters/],
    ];
    for (const [body, sentence] of cases) {
      const res = await call<ErrorBody>('POST', '', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.body.error.message).toMatch(sentence);
    }
    expect(await screenCount()).toBe(before);
    const edit = await call<ErrorBody>('PATCH', '/adm-1', { name: '' });
    expect(edit.body.error.message).toBe('Give the screen a name.');
    expect(server.fleet.state.get('adm-1')!.name).toBe('Quay North');
  });

  it('edits, clears the address, and audits what changed', async () => {
    const res = await call<{ screen: Screen }>('PATCH', '/adm-1', {
      name: 'Quay North (east)',
      address: null,
      tags: ['waterfront'],
    });
    expect(res.status).toBe(200);
    expect(res.body.screen).toMatchObject({
      name: 'Quay North (east)',
      address: null,
      tags: ['waterfront'],
    });
    const last = (await audit('adm-1')).at(-1)!;
    expect(last.action).toBe('screen.updated');
    expect(JSON.parse(last.details!)).toHaveProperty('name.to', 'Quay North (east)');
  });

  it('rotate cuts the old login; retire revokes; restore issues new credentials once', async () => {
    const reg = await call<ProvisionedScreenResponse>('POST', '', { id: 'adm-2', name: 'Depot' });
    const first = reg.body.provisioning.credentials.password;
    const device = await connectDevice(server.mqttUrl, 'adm-2', first);
    const closed = new Promise<void>((r) => device.client.once('close', () => r()));
    const rot = await call<ProvisionedScreenResponse>('POST', '/adm-2/rotate');
    expect(rot.status).toBe(200);
    await closed;
    await device.end();
    await expect(connectDevice(server.mqttUrl, 'adm-2', first)).rejects.toThrow();
    const second = rot.body.provisioning.credentials.password;
    expect(second).not.toBe(first);

    expect((await call('POST', '/adm-2/retire')).status).toBe(200);
    await expect(connectDevice(server.mqttUrl, 'adm-2', second)).rejects.toThrow();
    const again = await call<ErrorBody>('POST', '/adm-2/rotate');
    expect(again.body.error.message).toMatch(/retired: restore it/);

    const restored = await call<ProvisionedScreenResponse>('POST', '/adm-2/restore');
    expect(restored.status).toBe(200);
    expect(restored.body.screen.retired).toBe(false);
    const third = restored.body.provisioning.credentials.password;
    await expect(connectDevice(server.mqttUrl, 'adm-2', second)).rejects.toThrow();
    const back = await connectDevice(server.mqttUrl, 'adm-2', third);
    await back.end();
    expect((await audit('adm-2')).map((e) => e.action)).toEqual([
      'screen.registered',
      'screen.credentials_rotated',
      'screen.retired',
      'screen.restored',
    ]);
  });

  it('imports a CSV: bad rows get their row and a sentence, good rows are created once', async () => {
    const csv = [
      'id,name,address,lat,lng,tags',
      'imp-1,Harbour,"Pier 4, west",51.1,-1.2,waterfront;west',
      'imp-2,,,,,',
      'imp-3,Station,,,,',
      'imp-4,Market,,north,,',
      'imp-3,Station again,,,,',
      ',No id,,,,',
      'adm-1,Someone else,,,,',
    ].join('\n');
    const before = await screenCount();
    const res = await call<ImportScreensResponse>('POST', '/import', { csv });
    expect(res.status).toBe(200);
    expect(res.body.created.map((c) => c.screen.id)).toEqual(['imp-1', 'imp-3']);
    expect(res.body.created[0]!.screen).toMatchObject({
      address: 'Pier 4, west',
      tags: ['waterfront', 'west'],
    });
    expect(res.body.errors.map((e) => [e.row, e.message])).toEqual([
      [3, 'Row 3: give the screen a name.'],
      [5, 'Row 5: latitude must be a number from -90 to 90.'],
      [
        6,
        'Row 6: the id "imp-3" is already used on row 4 of this file; give each screen its own id.',
      ],
      [
        7,
        'Row 7: give the screen an id (imports need one, so that a retried import creates nothing twice).',
      ],
      [8, 'Row 8: the id "adm-1" is already registered to Quay North (east); choose another id.'],
    ]);
    expect(await screenCount()).toBe(before + 2);
    const device = await connectDevice(
      server.mqttUrl,
      'imp-1',
      res.body.created[0]!.credentials.password,
    );
    await device.end();

    // The answer was lost and the admin imports the same file again: nothing new.
    const retry = await call<ImportScreensResponse>('POST', '/import', { csv });
    expect(retry.body.created).toEqual([]);
    expect(retry.body.alreadyRegistered.map((r) => r.id)).toEqual(['imp-1', 'imp-3']);
    expect(await screenCount()).toBe(before + 2);
    expect((await audit('imp-1')).map((e) => e.action)).toEqual(['screen.imported']);
    await waitFor(() => server.fleet.state.get('imp-3')?.name === 'Station', 2000, 'in fleet');

    const bad = await call<ErrorBody>('POST', '/import', { csv: 'name,id\nA,b' });
    expect(bad.body.error.message).toMatch(
      /first line must name the columns id,name,address,lat,lng,tags/,
    );
  });

  it('audits the plain REST registry routes (POST/PATCH/DELETE /api/screens) too', async () => {
    const plain = (method: string, path: string, body?: unknown) =>
      api(server, method, `/api/screens${path}`, body, token);
    expect((await plain('POST', '', { id: 'plain-1', name: 'Plain' })).status).toBe(201);
    expect((await plain('PATCH', '/plain-1', { name: 'Plain 2' })).status).toBe(200);
    expect((await plain('POST', '/plain-1/credentials')).status).toBe(200);
    expect((await plain('DELETE', '/plain-1')).status).toBe(200);
    expect((await audit('plain-1')).map((e) => e.action)).toEqual([
      'screen.registered',
      'screen.updated',
      'screen.credentials_rotated',
      'screen.retired',
    ]);
  });

  it('is for admins only', async () => {
    await api(
      server,
      'POST',
      '/api/users',
      { email: 'op@x.test', name: 'Op', role: 'operator', password: 'operator-pass-1' },
      token,
    );
    const op = await login(server, { email: 'op@x.test', password: 'operator-pass-1' });
    const res = await api<ErrorBody>(server, 'POST', '/api/admin/screens', { name: 'X' }, op.token);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only admins can manage screens.');
  });
});
