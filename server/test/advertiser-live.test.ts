/**
 * Hardening (issue 10): advertisers get live status for exactly the screens they may see
 * (linked by a conversation about the screen) and nothing of any other screen; access gained
 * or lost takes effect without a reconnect. Real server, real MQTT devices on the embedded
 * broker, real socket.io-client; SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillboardStatusUpdate, CreateScreenResponse } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, connectSocket, waitFor, type ConsoleSocket } from '../../test/helpers/server';
import { openConversation, startChatWorld, type ChatWorld } from './chat-fixtures';

/** Every batch a socket received, and the newest copy of each screen id it was told about. */
function watch(socket: ConsoleSocket) {
  const batches: BillboardStatusUpdate[] = [];
  socket.on('billboardStatusUpdate', (b) => batches.push(b));
  const ids = () =>
    new Set(batches.flatMap((b) => [...b.screens.map((s) => s.id), ...b.patches.map((p) => p.id)]));
  const stateOf = (id: string) =>
    batches
      .flatMap((b) => b.screens)
      .filter((s) => s.id === id)
      .at(-1)?.state;
  return { batches, ids, stateOf };
}

describe.each(testDatabases())('advertisers see their screens live (%s)', (dbKind) => {
  let world: ChatWorld;
  const devices: Record<string, FakeDevice> = {};
  const sockets: ConsoleSocket[] = [];

  async function screen(id: string) {
    const res = await api<CreateScreenResponse>(
      world.server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id}` },
      world.admin.token,
    );
    expect(res.status).toBe(201);
    const device = await connectDevice(world.server.mqttUrl, id, res.body.credentials.password);
    await device.publishState('online');
    await device.publishTelemetry();
    devices[id] = device;
  }

  beforeAll(async () => {
    world = await startChatWorld(dbKind, { ada: 'advertiser', olga: 'operator' });
    for (const id of ['adv-linked', 'adv-other', 'adv-later']) await screen(id);
    await openConversation(world, world.admin, {
      kind: 'group',
      title: 'About the linked screen',
      participantIds: [world.users.ada!.id],
      screenId: 'adv-linked',
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const d of Object.values(devices)) await d.end().catch(() => {});
    await world?.server.stop();
  });

  it('sees a linked screen go lost live, and never an unlinked screen’s update', async () => {
    const adaSocket = await connectSocket(world.server, world.users.ada!.token);
    const olgaSocket = await connectSocket(world.server, world.users.olga!.token);
    sockets.push(adaSocket, olgaSocket);
    const ada = watch(adaSocket);
    const olga = watch(olgaSocket);
    await devices['adv-linked']!.publishTelemetry();
    await devices['adv-other']!.publishTelemetry();
    await waitFor(() => ada.ids().has('adv-linked'), 2000, 'the advertiser’s live telemetry');

    const t0 = Date.now();
    devices['adv-linked']!.client.stream.destroy();
    devices['adv-other']!.client.stream.destroy();
    await waitFor(
      () => ada.stateOf('adv-linked') === 'lost',
      3000,
      'lost, live, for the advertiser',
    );
    const ms = Date.now() - t0;
    // The operator saw the other screen go lost: its batch was sent, and not to the advertiser.
    await waitFor(() => olga.stateOf('adv-other') === 'lost', 3000, 'the operator’s lost');
    await new Promise((r) => setTimeout(r, 100));
    expect(ada.ids().has('adv-other')).toBe(false);
    expect(ada.ids().has('adv-later')).toBe(false);
    console.log(`[advertiser-live] linked screen lost → advertiser's console in ${ms} ms`);
  });

  it('access gained and lost takes effect without a reconnect', async () => {
    const adaSocket = await connectSocket(world.server, world.users.ada!.token);
    const olgaSocket = await connectSocket(world.server, world.users.olga!.token);
    sockets.push(adaSocket, olgaSocket);
    const ada = watch(adaSocket);
    const olga = watch(olgaSocket);

    const conversation = await openConversation(world, world.admin, {
      kind: 'group',
      title: 'About the later screen',
      participantIds: [world.users.ada!.id],
      screenId: 'adv-later',
    });
    // Gained: the screen arrives whole at once (sync from the console's cursor would not bring
    // it: its rev is older), then its live updates follow.
    await waitFor(() => ada.stateOf('adv-later') === 'online', 2000, 'the newly linked screen');
    const before = ada.batches.length;
    await devices['adv-later']!.publishTelemetry({ temperatureC: 51 });
    await waitFor(
      () => ada.batches.slice(before).some((b) => b.patches.some((p) => p.id === 'adv-later')),
      2000,
      'live telemetry of the newly linked screen',
    );

    // Lost: the advertiser leaves; the console is told to forget the screen, updates stop.
    const left = await api(
      world.server,
      'DELETE',
      `/api/conversations/${conversation.id}/participants/${world.users.ada!.id}`,
      undefined,
      world.users.ada!.token,
    );
    expect(left.status).toBe(200);
    await waitFor(
      () => ada.batches.some((b) => b.forget?.includes('adv-later')),
      2000,
      'the forget for the screen no longer visible',
    );
    const after = ada.batches.length;
    const olgaBefore = olga.batches.length;
    await devices['adv-later']!.publishTelemetry({ temperatureC: 52 });
    await waitFor(
      () => olga.batches.slice(olgaBefore).some((b) => b.patches.some((p) => p.id === 'adv-later')),
      2000,
      'the operator’s batch with the telemetry',
    );
    await new Promise((r) => setTimeout(r, 100));
    const leaked = ada.batches
      .slice(after)
      .some((b) => [...b.screens, ...b.patches].some((s) => s.id === 'adv-later'));
    expect(leaked).toBe(false);
    // The screen still linked by the first conversation keeps coming (other access unchanged).
    expect(adaSocket.connected).toBe(true);
  });
});
