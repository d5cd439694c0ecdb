import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  topics,
  type Command,
  type CommandPayload,
  type CreateScreenResponse,
  type Responses,
} from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

describe.each(testDatabases())('commands (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  let socket: ConsoleSocket;
  const seen = new Map<string, Command>();

  beforeAll(async () => {
    server = await startTestServer(dbKind, { sweepMs: 100 });
    token = (await login(server)).token;
    socket = await connectSocket(server, token);
    socket.on('commandResult', (c) => {
      const prev = seen.get(c.id);
      if (!prev || c.rev > prev.rev) seen.set(c.id, c);
    });
  });
  afterAll(async () => {
    socket?.close();
    await server?.stop();
  });

  const create = async (id: string, tags: string[] = []) =>
    (
      await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${id}`, tags },
        token,
      )
    ).body;

  /**
   * A device that answers commands like an agent: accepted, then succeeded. Like the agent's
   * ledger it runs a command id once (the server offers a command until it is answered, so a
   * repeat is normal) and answers a repeat with its result.
   */
  async function answeringDevice(
    id: string,
    password: string,
    received: CommandPayload[],
    clean = true,
    ran = new Set<string>(),
  ): Promise<FakeDevice> {
    const device = await connectDevice(server.mqttUrl, id, password, { clean });
    device.client.on('message', (topic, payload) => {
      const commandId = topic.split('/')[5]!;
      const repeat = ran.has(commandId);
      ran.add(commandId);
      if (!repeat) received.push(JSON.parse(payload.toString()) as CommandPayload);
      const result = (status: string) =>
        JSON.stringify({
          ts: Date.now(),
          bootId: device.bootId,
          seq: device.seq() + received.length * 2 + (status === 'succeeded' ? 1 : 0),
          status,
          detail: status === 'succeeded' ? 'done' : undefined,
        });
      if (repeat) {
        void device.client.publishAsync(topics.commandResult(id, commandId), result('succeeded'), {
          qos: 1,
        });
        return;
      }
      void device.client
        .publishAsync(topics.commandResult(id, commandId), result('accepted'), { qos: 1 })
        .then(() =>
          device.client.publishAsync(topics.commandResult(id, commandId), result('succeeded'), {
            qos: 1,
          }),
        );
    });
    await device.client.subscribeAsync(topics.commandWildcard(id), { qos: 1 });
    await device.publishState('online');
    await waitFor(() => server.fleet.state.get(id)?.state === 'online');
    return device;
  }

  const send = (payload: unknown) =>
    emitAck<{
      ok: boolean;
      data: Responses['sendCommand'];
      error?: { code: string; message: string };
    }>(socket, 'sendCommand', payload);

  it('runs a command through its lifecycle and relays the result', async () => {
    const { credentials } = await create('cmd-1');
    const received: CommandPayload[] = [];
    const device = await answeringDevice('cmd-1', credentials.password, received);
    const res = await send({
      commandId: 'req-bright-0001',
      target: { screenIds: ['cmd-1'] },
      type: 'setBrightness',
      params: { brightness: 40 },
    });
    expect(res.ok).toBe(true);
    expect(res.data.commands).toHaveLength(1);
    const id = res.data.commands[0]!.id;
    await waitFor(() => seen.get(id)?.status === 'succeeded', 5000, 'succeeded');
    expect(seen.get(id)?.detail).toBe('done');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: 'setBrightness', params: { brightness: 40 } });
    expect(received[0]!.expiresAt).toBeGreaterThan(Date.now());

    // The same request again: stored once, not published again.
    const again = await send({
      commandId: 'req-bright-0001',
      target: { screenIds: ['cmd-1'] },
      type: 'setBrightness',
      params: { brightness: 40 },
    });
    expect(again.data.commands[0]!.id).toBe(id);
    expect(await server.ctx.knex('commands').where({ request_id: 'req-bright-0001' })).toHaveLength(
      1,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(1);
    await device.end();
  });

  it('refuses a command the screen cannot run, and bad parameters, up front', async () => {
    await create('cmd-2');
    const { credentials } = await create('cmd-3');
    const d = await connectDevice(server.mqttUrl, 'cmd-3', credentials.password, {
      capabilities: ['reboot'],
    });
    await d.publishState('online');
    await waitFor(() => server.fleet.state.get('cmd-3')?.state === 'online');
    const res = await send({
      commandId: 'req-power-0001',
      target: { screenIds: ['cmd-3'] },
      type: 'setPower',
      params: { power: 'off' },
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(res.error!.message).toMatch(/cannot setPower/);
    const badParams = await send({
      commandId: 'req-bright-0002',
      target: { screenIds: ['cmd-3'] },
      type: 'setBrightness',
      params: { brightness: 400 },
    });
    expect(badParams).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(
      await server.ctx
        .knex('commands')
        .whereIn('request_id', ['req-power-0001', 'req-bright-0002']),
    ).toHaveLength(0);
    await d.end();
  });

  it('sends to every capable screen with a tag, reporting the ones it could not', async () => {
    const a = await create('cmd-tag-a', ['lobby']);
    await create('cmd-tag-b', ['lobby']); // never connected: no capabilities known
    const received: CommandPayload[] = [];
    const device = await answeringDevice('cmd-tag-a', a.credentials.password, received);
    const res = await send({
      commandId: 'req-reboot-lobby',
      target: { tag: 'lobby' },
      type: 'reboot',
    });
    expect(res.ok).toBe(true);
    expect(res.data.commands.map((c) => c.screenId)).toEqual(['cmd-tag-a']);
    expect(res.data.refused.map((r) => r.screenId)).toEqual(['cmd-tag-b']);
    await waitFor(() => seen.get(res.data.commands[0]!.id)?.status === 'succeeded', 5000);
    await device.end();
  });

  it('delivers a command sent while the screen is offline when it returns', async () => {
    const { credentials } = await create('cmd-off');
    const received: CommandPayload[] = [];
    const ran = new Set<string>(); // the device's ledger, kept across its restart
    const first = await answeringDevice('cmd-off', credentials.password, received, false, ran);
    await first.client.endAsync(); // clean stop: the persistent session stays on the broker
    const res = await send({
      commandId: 'req-offline-001',
      target: { screenIds: ['cmd-off'] },
      type: 'reboot',
    });
    const id = res.data.commands[0]!.id;
    await waitFor(() => seen.get(id)?.status === 'sent', 3000, 'sent (taken by the broker)');
    const back = await answeringDevice('cmd-off', credentials.password, received, false, ran);
    await waitFor(() => seen.get(id)?.status === 'succeeded', 5000, 'run after return');
    expect(received.filter((c) => c.type === 'reboot')).toHaveLength(1);
    await back.end();
  });

  it('expires a command the screen never takes', async () => {
    const { credentials } = await create('cmd-exp');
    const d = await connectDevice(server.mqttUrl, 'cmd-exp', credentials.password);
    await d.publishState('online');
    await waitFor(() => server.fleet.state.get('cmd-exp')?.state === 'online');
    await d.end();
    const res = await send({
      commandId: 'req-expire-001',
      target: { screenIds: ['cmd-exp'] },
      type: 'reboot',
      ttlS: 5,
    });
    const id = res.data.commands[0]!.id;
    await server.commands.sweep(Date.now() + 6000);
    await waitFor(() => seen.get(id)?.status === 'expired', 3000, 'expired');
    // A late result from the agent cannot move it back.
    await server.commands.onResult('cmd-exp', id, {
      ts: Date.now(),
      bootId: 'x',
      seq: 1,
      status: 'accepted',
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await server.ctx.knex('commands').where({ id }).first()).status).toBe('expired');
  });

  it('ignores a result published for another screen’s command', async () => {
    const { credentials } = await create('cmd-x');
    const res = await send({
      commandId: 'req-other-0001',
      target: { screenIds: ['cmd-1'] },
      type: 'reboot',
    });
    const id = res.data.commands[0]!.id;
    const d = await connectDevice(server.mqttUrl, 'cmd-x', credentials.password);
    await d.publishRaw(
      topics.commandResult('cmd-x', id),
      JSON.stringify({ ts: Date.now(), bootId: 'b', seq: 1, status: 'failed' }),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.get(id)?.status).not.toBe('failed');
    await d.end();
  });

  it('lets only operators and admins send commands', async () => {
    await api(
      server,
      'POST',
      '/api/users',
      { email: 'adv2@test.local', name: 'Adv', role: 'advertiser', password: 'advertiser-pass-2' },
      token,
    );
    const adv = await login(server, { email: 'adv2@test.local', password: 'advertiser-pass-2' });
    const s = await connectSocket(server, adv.token);
    const res = await emitAck(s, 'sendCommand', {
      commandId: 'req-adv-00001',
      target: { screenIds: ['cmd-1'] },
      type: 'reboot',
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const rest = await api(
      server,
      'POST',
      '/api/commands',
      { commandId: 'req-adv-00002', target: { screenIds: ['cmd-1'] }, type: 'reboot' },
      adv.token,
    );
    expect(rest.status).toBe(403);
    s.close();
  });
});
