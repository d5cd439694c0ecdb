/** Alerting's REST: admins only, bad input answered with a sentence, changes audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRoute, AlertingStatus, Person, PersonContact } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';

type Err = { error: { code: string; message: string } };

describe.each(testDatabases())('alerting REST (%s)', (dbKind) => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let op: Person;

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    admin = (await login(server)).token;
    op = (
      await api<{ user: Person }>(
        server,
        'POST',
        '/api/users',
        { email: 'olga@ops.test', name: 'Olga', role: 'operator', password: 'olga-password-123' },
        admin,
      )
    ).body.user;
    operator = (await login(server, { email: 'olga@ops.test', password: 'olga-password-123' }))
      .token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says e-mail is off when no SMTP server is configured', async () => {
    const res = await api<AlertingStatus>(server, 'GET', '/api/alerting/status', undefined, admin);
    expect(res.body.email).toEqual({
      enabled: false,
      detail: expect.stringMatching(/off: no SMTP server/),
    });
    expect(res.body.webhooks.privateAddresses).toBe(false);
  });

  it('refuses bad routes with a sentence and changes nothing', async () => {
    const bad = async (body: unknown) =>
      (await api<Err>(server, 'POST', '/api/alerting/routes', body, admin)).body.error.message;
    expect(await bad({ name: 'x', steps: [] })).toBe(
      'steps: a route needs at least one person or group to reach',
    );
    expect(
      await bad({ name: 'x', steps: [{ type: 'user', id: op.id }], minSeverity: 'loud' }),
    ).toMatch(/^minSeverity: /);
    expect(
      await bad({ name: 'x', steps: [{ type: 'user', id: op.id }], escalateAfterMinutes: 0 }),
    ).toBe('escalateAfterMinutes: escalation is at least 1 minute');
    expect(await bad({ name: 'x', steps: [{ type: 'user', id: 'nobody' }] })).toBe(
      'There is no operator or admin "nobody" to route alarms to.',
    );
    expect(await bad({ name: 'x', steps: [{ type: 'group', id: 'g0' }] })).toBe(
      'There is no on-call group "g0".',
    );
    expect(await bad({ name: 'x', steps: [{ type: 'user', id: op.id }], webhookIds: ['w0'] })).toBe(
      'There is no webhook "w0".',
    );
    expect(await bad({ name: 'x', steps: [{ type: 'user', id: op.id }], colour: 'red' })).toMatch(
      /colour/,
    );
    expect(
      (await api<{ routes: AlertRoute[] }>(server, 'GET', '/api/alerting/routes', undefined, admin))
        .body.routes,
    ).toEqual([]);
  });

  it('refuses webhooks that are not http(s) or point at private addresses', async () => {
    const bad = async (url: string) =>
      (await api<Err>(server, 'POST', '/api/alerting/webhooks', { name: 'h', url }, admin)).body
        .error.message;
    expect(await bad('ftp://example.com/x')).toBe(
      'url: a webhook URL is an http:// or https:// address',
    );
    expect(await bad('not a url')).toBe('url: a webhook URL is an http:// or https:// address');
    expect(await bad('http://127.0.0.1:9/x')).toMatch(
      /^url: 127\.0\.0\.1 is a loopback or private address/,
    );
    expect(await bad('http://169.254.169.254/latest')).toMatch(/private address/);
    const ok = await api(
      server,
      'POST',
      '/api/alerting/webhooks',
      { name: 'Slack', url: 'https://hooks.slack.com/services/T/B/secret', format: 'slack' },
      admin,
    );
    expect(ok.status).toBe(201);
  });

  it('creates, changes and deletes a route, audited; a group in use cannot be deleted', async () => {
    const group = await api<{ group: { id: string } }>(
      server,
      'POST',
      '/api/alerting/groups',
      { name: 'Nights', memberIds: [op.id] },
      admin,
    );
    expect(group.status).toBe(201);
    expect(
      (
        await api<Err>(
          server,
          'POST',
          '/api/alerting/groups',
          { name: 'Twice', memberIds: [op.id, op.id] },
          admin,
        )
      ).body.error.message,
    ).toBe('memberIds: a person is in a group once');
    const made = await api<{ route: AlertRoute }>(
      server,
      'POST',
      '/api/alerting/routes',
      {
        name: 'North',
        tags: ['region:north'],
        steps: [{ type: 'group', id: group.body.group.id }],
      },
      admin,
    );
    expect(made.status).toBe(201);
    expect(made.body.route).toMatchObject({
      name: 'North',
      minSeverity: 'info',
      quietHours: 'hold',
      channels: { console: true, email: false },
      escalateAfterMinutes: null,
    });
    const changed = await api<{ route: AlertRoute }>(
      server,
      'PUT',
      `/api/alerting/routes/${made.body.route.id}`,
      {
        name: 'North critical',
        minSeverity: 'critical',
        steps: [
          { type: 'user', id: op.id },
          { type: 'group', id: group.body.group.id },
        ],
        escalateAfterMinutes: 10,
      },
      admin,
    );
    expect(changed.body.route).toMatchObject({
      name: 'North critical',
      minSeverity: 'critical',
      escalateAfterMinutes: 10,
    });
    const refused = await api<Err>(
      server,
      'DELETE',
      `/api/alerting/groups/${group.body.group.id}`,
      undefined,
      admin,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'On-call group "Nights" is used by route "North critical"; take it out of the route first.',
    );
    expect(
      (await api(server, 'DELETE', `/api/alerting/routes/${made.body.route.id}`, undefined, admin))
        .status,
    ).toBe(200);
    expect(
      (await api(server, 'DELETE', `/api/alerting/groups/${group.body.group.id}`, undefined, admin))
        .status,
    ).toBe(200);
    const actions = await server.ctx
      .knex('audit_log')
      .where('action', 'like', 'alerting.%')
      .orderBy('seq')
      .pluck('action');
    expect(actions).toEqual([
      'alerting.webhook_created',
      'alerting.group_created',
      'alerting.route_created',
      'alerting.route_updated',
      'alerting.route_deleted',
      'alerting.group_deleted',
    ]);
    // A webhook's URL path is its secret: the audit record keeps the host only.
    const hookAudit = await server.ctx
      .knex('audit_log')
      .where({ action: 'alerting.webhook_created' })
      .first();
    expect(hookAudit.details).not.toContain('secret');
  });

  it('lets an operator set their own hours but nothing else, with sentences for bad zones and times', async () => {
    expect(
      (await api<Err>(server, 'GET', '/api/alerting/routes', undefined, operator)).status,
    ).toBe(403);
    expect((await api(server, 'GET', '/api/alerting/deliveries', undefined, operator)).status).toBe(
      403,
    );
    const mine = await api<{ contact: PersonContact }>(
      server,
      'GET',
      '/api/alerting/me',
      undefined,
      operator,
    );
    expect(mine.body.contact).toMatchObject({
      userId: op.id,
      email: 'olga@ops.test',
      timeZone: 'UTC',
      quietHours: null,
      isDefault: true,
    });
    const bad = async (body: unknown) =>
      (await api<Err>(server, 'PUT', '/api/alerting/me', body, operator)).body.error.message;
    expect(await bad({ timeZone: 'Mars/Olympus', quietHours: null, workingHours: null })).toBe(
      'timeZone: unknown time zone: use an IANA name such as Europe/Berlin or UTC',
    );
    expect(
      await bad({
        timeZone: 'UTC',
        quietHours: { start: '25:00', end: '07:00' },
        workingHours: null,
      }),
    ).toBe('quietHours.start: a time of day is HH:MM (00:00 to 23:59)');
    const saved = await api<{ contact: PersonContact }>(
      server,
      'PUT',
      '/api/alerting/me',
      {
        timeZone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
        workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' },
      },
      operator,
    );
    expect(saved.status).toBe(200);
    expect(saved.body.contact).toMatchObject({
      timeZone: 'Europe/Berlin',
      email: 'olga@ops.test',
      isDefault: false,
    });
    // An admin changes the address; the person's hours stay.
    const byAdmin = await api<{ contact: PersonContact }>(
      server,
      'PUT',
      `/api/alerting/contacts/${op.id}`,
      {
        ...saved.body.contact,
        email: null,
        userId: undefined,
        name: undefined,
        role: undefined,
        isDefault: undefined,
      },
      admin,
    );
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.contact).toMatchObject({ email: null, timeZone: 'Europe/Berlin' });
    expect(
      (await api<Err>(server, 'GET', '/api/alerting/deliveries?status=lost', undefined, admin)).body
        .error.message,
    ).toBe('status: status must be delivered, failed, retrying, held or skipped');
  });
});
