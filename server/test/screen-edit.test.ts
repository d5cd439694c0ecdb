/** Editing a screen changes only what the edit names (renaming it used to erase its tags). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, ProvisionedScreenResponse, Screen } from '../../protocol';
import { connectDevice } from '../../test/helpers/device';
import { testDatabases } from '../../test/helpers/databases';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';

describe.each(testDatabases())('screen edits (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(dbKind);
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the tags, address and location an edit does not mention', async () => {
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      {
        id: 'edit-1',
        name: 'Old name',
        address: '1 Quay St',
        lat: 51.5,
        lng: -0.1,
        tags: ['north'],
      },
      token,
    );
    expect(created.status).toBe(201);
    const edited = await api<{ screen: Screen }>(
      server,
      'PATCH',
      '/api/screens/edit-1',
      { name: 'New name' },
      token,
    );
    expect(edited.status).toBe(200);
    expect(edited.body.screen).toMatchObject({
      name: 'New name',
      address: '1 Quay St',
      lat: 51.5,
      lng: -0.1,
      tags: ['north'],
    });
  });

  it('lets a restored screen log in while a batched write still says it is retired', async () => {
    const admin = (method: string, path: string) =>
      api<ProvisionedScreenResponse>(server, method, `/api/admin/screens${path}`, {}, token);
    expect(
      (await api(server, 'POST', '/api/admin/screens', { id: 'rs-1', name: 'Depot' }, token))
        .status,
    ).toBe(201);
    expect((await admin('POST', '/rs-1/retire')).status).toBe(200);
    const restored = await admin('POST', '/rs-1/restore');
    expect(restored.status).toBe(200);
    // What the status writer does when it flushes the copy it took before the restore.
    await server.ctx.knex('screens').where({ id: 'rs-1' }).update({ retired: true });
    const device = await connectDevice(
      server.mqttUrl,
      'rs-1',
      restored.body.provisioning.credentials.password,
    );
    await device.end();
  });
});
