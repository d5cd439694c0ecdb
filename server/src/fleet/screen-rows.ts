/** The `screens` table row ↔ the protocol's Screen. */
import type { Screen, TelemetrySummary } from '../../../protocol';

export interface ScreenRow {
  id: string;
  name: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  tags: string;
  retired: boolean | number;
  state: Screen['state'];
  state_since: number | string | null;
  last_seen: number | string | null;
  boot_id: string | null;
  agent_version: string | null;
  capabilities: string;
  telemetry: string | null;
  /** JSON of Screen.desired (migration 017); absent in rows written before it. */
  desired?: string | null;
  rev: number | string;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function rowToScreen(row: ScreenRow): Screen {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    tags: JSON.parse(row.tags) as string[],
    retired: Boolean(row.retired),
    state: row.state,
    stateSince: num(row.state_since),
    lastSeen: num(row.last_seen),
    agentVersion: row.agent_version,
    capabilities: JSON.parse(row.capabilities) as Screen['capabilities'],
    telemetry: row.telemetry ? (JSON.parse(row.telemetry) as TelemetrySummary) : null,
    ...(row.desired && { desired: JSON.parse(row.desired) as Screen['desired'] }),
    rev: Number(row.rev),
  };
}

/** Every column the live path and the registry may change (all but id and created_at). */
export function screenToRow(screen: Screen, bootId: string | null): Omit<ScreenRow, 'id'> {
  return {
    name: screen.name,
    address: screen.address,
    lat: screen.lat,
    lng: screen.lng,
    tags: JSON.stringify(screen.tags),
    retired: screen.retired,
    state: screen.state,
    state_since: screen.stateSince,
    last_seen: screen.lastSeen,
    boot_id: bootId,
    agent_version: screen.agentVersion,
    capabilities: JSON.stringify(screen.capabilities),
    telemetry: screen.telemetry ? JSON.stringify(screen.telemetry) : null,
    desired: screen.desired ? JSON.stringify(screen.desired) : null,
    rev: screen.rev,
  };
}
