/** The host's spliced snapshot JSON says exactly what the snapshot object says. */
import { describe, expect, it } from 'vitest';
import type { Screen } from '../../protocol';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';

const screen = (i: number): Screen => ({
  id: `s-${i}`,
  name: `Screen "${i}" <é>`,
  address: null,
  lat: 50.1,
  lng: 4.2,
  tags: ['region:north'],
  retired: false,
  state: i % 2 ? 'online' : 'lost',
  stateSince: 1000 + i,
  lastSeen: null,
  agentVersion: '1.0.0',
  capabilities: ['reboot'],
  telemetry: null,
  rev: i + 1,
});

describe('console core snapshot JSON', () => {
  it('equals the snapshot, with and without screens', () => {
    const cache = new ConsoleCache(':memory:');
    const core = new ConsoleCore(cache, new MemoryTokenStore());
    expect(JSON.parse(core.snapshotJson())).toEqual(core.snapshot());
    cache.upsertScreens([screen(1), screen(2), screen(3)]);
    cache.upsertNotifications([
      {
        id: 'n-1',
        kind: 'announcement',
        title: 'Hello',
        body: 'World',
        ref: null,
        createdAt: 5,
        readAt: null,
        rev: 4,
      },
    ]);
    const parsed = JSON.parse(core.snapshotJson()) as ReturnType<typeof core.snapshot>;
    expect(parsed).toEqual(core.snapshot());
    expect(parsed.screens).toHaveLength(3);
    core.close();
  });
});
