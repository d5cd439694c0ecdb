/**
 * Assembles one telemetry payload. Precedence per field: a configured probe, then the player,
 * then the host itself; a field nobody can measure is null.
 */
import { TelemetryPayload, type DesiredReport } from '../../../protocol';
import type { PlayerReading } from '../player/player';
import type { SystemReading } from '../probes/system';
import type { Stamp } from '../stamp';

export function buildTelemetry(
  stamp: Stamp,
  reading: PlayerReading,
  system: SystemReading | null,
  desired: DesiredReport | null = null,
): TelemetryPayload {
  const host = reading.system ?? system;
  return TelemetryPayload.parse({
    ...stamp,
    cpu: host?.cpu ?? { load1: 0, usagePct: 0 },
    memory: host?.memory ?? { usedPct: 0, totalMb: 0 },
    disk: host?.disk ?? null,
    temperatureC:
      reading.temperatureC !== undefined ? reading.temperatureC : (system?.temperatureC ?? null),
    uptimeS: host?.uptimeS ?? 0,
    display: reading.display ?? { power: 'on', brightness: 100 },
    content: reading.content ?? null,
    network: system?.network ?? null,
    ...(desired && { desired }),
  });
}

/** What makes telemetry worth sending before the interval is up. */
export function meaningfulChange(prev: TelemetryPayload | null, next: TelemetryPayload): boolean {
  if (!prev) return true;
  return (
    prev.display.power !== next.display.power ||
    prev.display.brightness !== next.display.brightness ||
    (prev.content?.creativeId ?? null) !== (next.content?.creativeId ?? null) ||
    (prev.network?.ip ?? null) !== (next.network?.ip ?? null) ||
    JSON.stringify(prev.desired ?? null) !== JSON.stringify(next.desired ?? null)
  );
}
