/**
 * Desired state on the production broker path: a real Mosquitto with the dynamic security
 * plugin (resources/mosquitto/marquee-dynsec.conf), the server provisioning a screen's role
 * live, and a real agent (MQTT 5) that receives its retained desired state and sets its display.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { topics, type CreateScreenResponse, type ScreenDesiredResponse } from '../../protocol';
import { deviceRole } from '../../server/src/broker/dynamic-security';
import { writeDynsecConfig } from '../../server/src/broker/mosquitto-auth';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';
import { startDesiredAgent, type DesiredTestAgent } from './helpers/desired-agents';
import { startMosquitto, type MosquittoProcess } from '../../test/helpers/mosquitto-process';

const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const DYNSEC_ADMIN = { username: 'marquee-admin', password: 'dynsec-admin-secret-1' };

describe('desired state on Mosquitto with dynamic security', () => {
  let broker: MosquittoProcess;
  let server: TestServer;
  let token: string;
  let dir: string;
  let agent: DesiredTestAgent | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(DYNSEC_PLUGIN))
      throw new Error(`the dynamic security plugin is needed at ${DYNSEC_PLUGIN}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-desired-dynsec-'));
    const dynsecFile = path.join(dir, 'dynamic-security.json');
    const seed = await startTestServer('sqlite');
    await writeDynsecConfig(seed.ctx.knex, dynsecFile, DYNSEC_ADMIN);
    await seed.stop();
    broker = await startMosquitto('marquee-dynsec.conf', dir, {
      plugin_opt_config_file: `plugin_opt_config_file ${dynsecFile}`,
    });
    server = await startTestServer('sqlite', {
      mqttUrl: `mqtt://${DYNSEC_ADMIN.username}:${DYNSEC_ADMIN.password}@127.0.0.1:${broker.port}`,
      mqttDynsec: true,
      desiredTimeZone: 'UTC',
    });
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await agent?.agent.stop();
    await server?.stop();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a screen registered over REST gets its desired brightness through Mosquitto', async () => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'dyn-desired', name: 'Dynsec desired' },
      token,
    );
    expect(res.status).toBe(201);
    // Set before the agent ever connects: the retained copy waits on the broker.
    const set = await api<ScreenDesiredResponse>(
      server,
      'PUT',
      '/api/screens/dyn-desired/desired',
      { brightness: 23 },
      token,
    );
    expect(set.status).toBe(200);
    agent = await startDesiredAgent({
      screenId: 'dyn-desired',
      password: res.body.credentials.password,
      brokerUrl: broker.url,
    });
    await waitFor(async () => (await agent!.display()).brightness === 23, 5000, 'display at 23');
    expect(agent.lines.join('\n')).not.toMatch(/subscribe to desired state refused/);
    await waitFor(
      () =>
        server.fleet.state.get('dyn-desired')?.telemetry?.desired?.version ===
        set.body.effective!.version,
      5000,
      'the agent reports the version it applies',
    );
  });

  it('a role made before desired state gains the ACL when the credentials are rotated', async () => {
    await agent?.agent.stop();
    agent = undefined;
    // Make dyn-desired's role look like one from before this feature: without the ACL.
    const control = await mqtt.connectAsync(broker.url, {
      ...DYNSEC_ADMIN,
      clientId: 'desired-test-control',
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await control.subscribeAsync('$CONTROL/dynamic-security/v1/response', { qos: 1 });
    const answered = new Promise<string>((r) =>
      control.once('message', (_t, p) => r(p.toString())),
    );
    await control.publishAsync(
      '$CONTROL/dynamic-security/v1',
      JSON.stringify({
        commands: [
          {
            command: 'removeRoleACL',
            rolename: deviceRole('dyn-desired'),
            acltype: 'subscribeLiteral',
            topic: topics.desired('dyn-desired'),
          },
        ],
      }),
      { qos: 1 },
    );
    expect(await answered).not.toMatch(/"error"/);
    await control.endAsync();

    const rotated = await api<{ credentials: { password: string } }>(
      server,
      'POST',
      '/api/screens/dyn-desired/credentials',
      undefined,
      token,
    );
    expect(rotated.status).toBe(200);
    await api(server, 'PUT', '/api/screens/dyn-desired/desired', { brightness: 41 }, token);
    agent = await startDesiredAgent({
      screenId: 'dyn-desired',
      password: rotated.body.credentials.password,
      brokerUrl: broker.url,
    });
    await waitFor(async () => (await agent!.display()).brightness === 41, 5000, 'display at 41');
    expect(agent.lines.join('\n')).not.toMatch(/subscribe to desired state refused/);
  });
});
