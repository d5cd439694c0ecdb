/**
 * The foundation's end-to-end path on real parts: a real agent process publishes over MQTT to
 * the server's embedded broker, the server fans out to the console core in the browser host,
 * and a real Chromium shows the tile. SIGKILL of the agent turns the tile lost by the Last Will.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

describe('live path in the browser', () => {
  let server: TestServer;
  let host: ConsoleHost;
  let agent: AgentProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-e2e-'));

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const { token } = await login(server);
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'e2e-screen-1', name: 'Main Street North', tags: ['downtown'] },
      token,
    );
    expect(created.status).toBe(201);
    agent = await startAgentProcess({
      screenId: 'e2e-screen-1',
      brokerUrl: server.mqttUrl,
      password: created.body.credentials.password,
    });
    host = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.kill('SIGKILL');
    await host?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('signs in, shows the agent online with telemetry, and lost within 2 s of SIGKILL', async () => {
    const page = await browser.context.newPage();
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(ADMIN.email);
    await page.getByTestId('signin-password').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();

    const tile = page.locator('[data-testid="screen-tile"][data-screen-id="e2e-screen-1"]');
    await tile.waitFor({ timeout: 15_000 });
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000 }).toBe('online');
    // Telemetry made it through: the tile shows a temperature reading.
    await expect.poll(() => tile.innerText(), { timeout: 15_000 }).toMatch(/\d+(\.\d)?\s?°C/);
    await page.screenshot({ path: screenshotPath('fleet-online') });

    await agent.kill('SIGKILL');
    const killedAt = Date.now();
    await expect
      .poll(() => tile.getAttribute('data-state'), { timeout: 2000, interval: 50 })
      .toBe('lost');
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeLessThan(2000);
    await page.screenshot({ path: screenshotPath('fleet-lost') });
  });
});
