/**
 * A simulated screen: a playlist rotating creatives (with proof-of-play), a panel temperature
 * that drifts with ambient and brightness, occasional faults and reboots, and commands that
 * change what it reports. Drift is computed lazily on read, so a thousand idle simulated
 * screens cost one playlist timer each and nothing else.
 */
import type { CommandPayload, Content, DisplayPower } from '../../../protocol';
import type { SimulatedPlayerConfig } from '../config';
import { pickPlaylist } from './creatives';
import { renderFrame } from './render-frame';
import type { Player, PlayerEvent, PlayerListeners, PlayerReading } from './player';

const HOUR_MS = 3_600_000;
const REBOOT_DOWNTIME_MS = 8_000;
const FACTORY_BRIGHTNESS = 100;
const PANEL_FAILURE = 'panel did not answer (simulated failure: player.displayFails)';

interface ActiveFault {
  code: string;
  clearAt: number;
}

export interface SimulatedPlayerOptions {
  random?: () => number;
  now?: () => number;
}

export function createSimulatedPlayer(
  config: SimulatedPlayerConfig,
  { random = Math.random, now = Date.now }: SimulatedPlayerOptions = {},
): Player {
  let listeners: PlayerListeners | null = null;
  let playlist = config.playlist ?? pickPlaylist(random);
  let slot = Math.floor(random() * playlist.length);
  let content: Content | null = null;
  let power: DisplayPower = 'on';
  let brightness = 60 + Math.floor(random() * 8) * 5;
  let rebootingUntil = 0;
  let slotTimer: NodeJS.Timeout | null = null;
  let bootedAt = now() - Math.floor(random() * 20 * 24 * HOUR_MS);
  const faults = new Map<string, ActiveFault>();

  // Each screen sits somewhere between a shaded underpass and a sun-facing roadside.
  const ambientBase = 14 + random() * 14;
  let temperature = ambientBase + brightness * 0.2;
  let tempAt = now();
  const host = {
    cpu: 8 + random() * 12,
    memory: 35 + random() * 15,
    totalMb: random() < 0.5 ? 3_840 : 7_872,
    disk: 30 + random() * 30,
    totalGb: random() < 0.5 ? 29.7 : 117.2,
  };

  function emit(event: PlayerEvent) {
    listeners?.event(event);
  }

  const showing = () => power === 'on' && now() >= rebootingUntil;

  function setContent(next: Content | null) {
    const changed = (content?.creativeId ?? null) !== (next?.creativeId ?? null);
    content = next;
    if (changed) {
      emit({ kind: 'contentChanged', content: next });
      listeners?.changed();
    }
  }

  /** Ends the current slot (with its proof-of-play), starts the next, re-arms the timer. */
  function advance() {
    const t = now();
    if (content && showing()) {
      emit({
        kind: 'proofOfPlay',
        creativeId: content.creativeId,
        campaignId: content.campaignId,
        startedAt: content.since,
        durationMs: Math.max(0, t - content.since),
      });
    }
    maybeFaultOrReboot(t);
    if (showing()) {
      slot = (slot + 1) % playlist.length;
      setContent({ ...playlist[slot]!, since: t });
    } else {
      setContent(null);
    }
    schedule(now() < rebootingUntil ? rebootingUntil - now() : config.slotMs);
  }

  function schedule(delayMs: number) {
    if (slotTimer) clearTimeout(slotTimer);
    slotTimer = setTimeout(advance, delayMs);
  }

  function reboot(reason: string) {
    // The panel comes back at its power-on defaults; desired state is what sets it again.
    power = 'on';
    brightness = FACTORY_BRIGHTNESS;
    emit({ kind: 'reboot', reason });
    rebootingUntil = now() + Math.min(REBOOT_DOWNTIME_MS, config.slotMs);
    bootedAt = rebootingUntil;
    setContent(null);
    schedule(rebootingUntil - now());
  }

  function maybeFaultOrReboot(t: number) {
    for (const [code, fault] of faults) {
      if (t >= fault.clearAt) {
        faults.delete(code);
        emit({ kind: 'faultCleared', code });
      }
    }
    const perSlot = config.slotMs / HOUR_MS;
    if (random() < config.faultsPerHour * perSlot && !faults.has('signal_lost')) {
      faults.set('signal_lost', { code: 'signal_lost', clearAt: t + 20_000 + random() * 70_000 });
      emit({
        kind: 'fault',
        code: 'signal_lost',
        severity: 'warning',
        message: 'HDMI input lost signal from the media player',
      });
    }
    if (random() < (config.rebootsPerDay / 24) * perSlot && t >= rebootingUntil) {
      reboot('watchdog: player process stopped responding');
    }
  }

  /** Panel temperature relaxes toward ambient + backlight heat, with a little sensor noise. */
  function driftTemperature(t: number) {
    const dt = Math.max(0, t - tempAt) / 60_000;
    tempAt = t;
    const dayPhase = Math.sin(((t % (24 * HOUR_MS)) / (24 * HOUR_MS)) * 2 * Math.PI - Math.PI / 2);
    const ambient = ambientBase + 6 * dayPhase;
    const heat = power === 'on' ? brightness * 0.25 : power === 'standby' ? 2 : 0;
    const target = ambient + heat;
    temperature += (target - temperature) * (1 - Math.exp(-dt / 8)) + (random() - 0.5) * 0.3;
    const hot = temperature > 70;
    if (hot && !faults.has('overtemp')) {
      faults.set('overtemp', { code: 'overtemp', clearAt: Number.POSITIVE_INFINITY });
      emit({
        kind: 'fault',
        code: 'overtemp',
        severity: 'critical',
        message: `panel at ${temperature.toFixed(1)} °C`,
      });
    } else if (!hot && temperature < 65 && faults.has('overtemp')) {
      faults.delete('overtemp');
      emit({ kind: 'faultCleared', code: 'overtemp' });
    }
  }

  function walk(value: number, step: number, min: number, max: number) {
    return Math.min(max, Math.max(min, value + (random() - 0.5) * step));
  }

  return {
    commands: config.commands,

    start(l) {
      listeners = l;
      setContent({ ...playlist[slot]!, since: now() });
      // Stagger the first slot so a fleet started at once does not rotate in lockstep.
      schedule(Math.floor(random() * config.slotMs) + 1);
    },

    read(): Promise<PlayerReading> {
      const t = now();
      driftTemperature(t);
      const reading: PlayerReading = {
        display: { power, brightness },
        content: showing() ? content : null,
        temperatureC: Math.round(temperature * 10) / 10,
      };
      if (config.simulateSystem) {
        host.cpu = walk(host.cpu, 6, 2, 95);
        host.memory = walk(host.memory, 1.5, 20, 92);
        host.disk = Math.min(98, host.disk + random() * 0.001);
        reading.system = {
          cpu: { load1: Math.round(host.cpu * 4) / 100, usagePct: Math.round(host.cpu * 10) / 10 },
          memory: { usedPct: Math.round(host.memory * 10) / 10, totalMb: host.totalMb },
          disk: { usedPct: Math.round(host.disk * 10) / 10, totalGb: host.totalGb },
          uptimeS: Math.max(0, Math.floor((t - bootedAt) / 1000)),
        };
      }
      return Promise.resolve(reading);
    },

    execute(command: CommandPayload): Promise<string> {
      switch (command.type) {
        case 'setBrightness':
          if (config.displayFails) return Promise.reject(new Error(PANEL_FAILURE));
          brightness = command.params.brightness;
          listeners?.changed();
          return Promise.resolve(`brightness set to ${brightness}`);
        case 'setPower':
          if (config.displayFails) return Promise.reject(new Error(PANEL_FAILURE));
          power = command.params.power;
          if (showing()) setContent({ ...playlist[slot]!, since: now() });
          else setContent(null);
          listeners?.changed();
          return Promise.resolve(`display power ${power}`);
        case 'reboot':
          reboot('command');
          return Promise.resolve('player rebooting');
        case 'refreshContent':
          playlist = config.playlist ?? pickPlaylist(random);
          slot = -1;
          advance();
          return Promise.resolve(`playlist refreshed: ${playlist.length} creatives`);
        case 'screenshot':
          return Promise.resolve(
            showing() && content
              ? `screenshot 1920x1080 captured showing ${content.creativeId}`
              : `screenshot 1920x1080 captured: blank (display ${power})`,
          );
      }
    },

    capture() {
      return Promise.resolve(renderFrame(content, showing(), now(), config.slotMs));
    },

    stop() {
      if (slotTimer) clearTimeout(slotTimer);
      slotTimer = null;
      listeners = null;
    },
  };
}
