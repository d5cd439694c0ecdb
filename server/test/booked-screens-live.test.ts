/**
 * A booking on a tag covers screens that get the tag later: a screen created with the tag, or
 * retagged into it, reaches the booking advertiser's console live; one retagged out of it is
 * forgotten there. (campaigns-feature.ts `screensChanged`, fed by FleetState's registry changes.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillboardStatusUpdate, CreateScreenResponse } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, connectSocket, waitFor, type ConsoleSocket } from '../../test/helpers/server';
import { startChatWorld, type ChatWorld } from './chat-fixtures';

const DAY = 86_400_000;
const date = (ts: number) => new Date(ts).toISOString().slice(0, 10);

describe.each(testDatabases())('booked screens follow their tags live (%s)', (dbKind) => {
  let world: ChatWorld;
  const devices: FakeDevice[] = [];
  let socket: ConsoleSocket | null = null;
  const as = <T = unknown>(method: string, path: string, body?: unknown) =>
    api<T>(world.server, method, path, body, world.admin.token);

  beforeAll(async () => {
    world = await startChatWorld(dbKind, { ada: 'advertiser' });
    expect((await as('POST', '/api/organizations', { id: 'org-l', name: 'Late Org' })).status).toBe(
      201,
    );
    const member = await as('PUT', `/api/admin/users/${world.users.ada!.id}/organization`, {
      organizationId: 'org-l',
    });
    expect(member.status).toBe(200);
    const campaign = await as('POST', '/api/campaigns', {
      id: 'cmp-late',
      organizationId: 'org-l',
      name: 'Late campaign',
    });
    expect(campaign.status).toBe(201);
    const now = Date.now();
    const booking = await as('POST', '/api/bookings', {
      campaignId: 'cmp-late',
      tags: ['late'],
      startsOn: date(now - DAY),
      endsOn: date(now + DAY),
    });
    expect(booking.status).toBe(201);
  });
  afterAll(async () => {
    socket?.close();
    for (const d of devices) await d.end().catch(() => {});
    await world?.server.stop();
  });

  it('a screen created with the booked tag, then retagged out, is shown and then forgotten', async () => {
    socket = await connectSocket(world.server, world.users.ada!.token);
    const batches: BillboardStatusUpdate[] = [];
    socket.on('billboardStatusUpdate', (b) => batches.push(b));
    const forgotten = () => batches.flatMap((b) => b.forget ?? []);
    const stateOf = (id: string) =>
      batches
        .flatMap((b) => b.screens)
        .filter((s) => s.id === id)
        .at(-1)?.state;

    const created = await as<CreateScreenResponse>('POST', '/api/screens', {
      id: 'late-1',
      name: 'Late one',
      tags: ['late'],
    });
    expect(created.status).toBe(201);
    const device = await connectDevice(
      world.server.mqttUrl,
      'late-1',
      created.body.credentials.password,
    );
    devices.push(device);
    await device.publishState('online');
    await waitFor(() => stateOf('late-1') === 'online', 5000, 'the new booked screen, live');

    const retagged = await as('PATCH', '/api/screens/late-1', { tags: ['elsewhere'] });
    expect(retagged.status).toBe(200);
    await waitFor(() => forgotten().includes('late-1'), 5000, 'the screen forgotten');
  });
});
