/**
 * Turns configured probes into the display/content/temperature fields of telemetry, validating
 * each answer; a probe that fails or answers nonsense is logged and left out, never guessed.
 */
import { z } from 'zod';
import { Content, DisplayPower } from '../../../protocol';
import type { AgentConfig, ProbeSpec } from '../config';
import { errorText, type Logger } from '../log';
import type { PlayerReading } from '../player/player';
import { readProbe } from './read-probe';

const PowerAnswer = z.preprocess((v) => {
  const s = String(v).trim().toLowerCase();
  if (s === '1' || s === 'true') return 'on';
  if (s === '0' || s === 'false') return 'off';
  return s;
}, DisplayPower);

const BrightnessAnswer = z.preprocess(
  (v) => (typeof v === 'string' ? Number(v) : v),
  z.number().min(0).max(100).transform(Math.round),
);

const TemperatureAnswer = z.preprocess(
  (v) => (v === null || v === '' ? null : typeof v === 'string' ? Number(v) : v),
  z.number().min(-60).max(200).nullable(),
);

/** A player reports `since` if it knows it; otherwise the agent notes when it first saw it. */
const ContentAnswer = z.preprocess(
  (v) => (typeof v === 'string' ? (v === '' ? null : JSON.parse(v)) : v),
  Content.extend({ since: Content.shape.since.optional() }).nullable(),
);

type ProbeFields = Pick<AgentConfig['probes'], 'power' | 'brightness' | 'content' | 'temperatureC'>;

export interface DisplayProbes {
  /** True when any probe is configured (so polling for changes is worth it). */
  readonly configured: boolean;
  /** Applies the probes' answers on top of the player's reading. */
  apply(reading: PlayerReading): Promise<PlayerReading>;
}

export function createDisplayProbes(probes: ProbeFields, log: Logger): DisplayProbes {
  let firstSeen: { creativeId: string; since: number } | null = null;
  // A probe that fails once (player busy, slow HTTP) keeps its last good answer rather than
  // flipping the console to a default it never measured.
  const lastGood = new Map<string, { value: unknown }>();

  async function ask<T>(
    name: string,
    spec: ProbeSpec | undefined,
    schema: z.ZodType<T>,
  ): Promise<{ value: T } | undefined> {
    if (!spec) return undefined;
    try {
      const parsed = schema.safeParse(await readProbe(spec));
      if (parsed.success) {
        lastGood.set(name, { value: parsed.data });
        return { value: parsed.data };
      }
      log.warn('probe answered an invalid value', {
        probe: name,
        error: parsed.error.issues[0]?.message,
      });
    } catch (err) {
      log.warn('probe failed', { probe: name, error: errorText(err) });
    }
    return lastGood.get(name) as { value: T } | undefined;
  }

  return {
    configured: Boolean(probes.power || probes.brightness || probes.content || probes.temperatureC),
    async apply(reading) {
      const [power, brightness, content, temperatureC] = await Promise.all([
        ask('power', probes.power, PowerAnswer),
        ask('brightness', probes.brightness, BrightnessAnswer),
        ask('content', probes.content, ContentAnswer),
        ask('temperatureC', probes.temperatureC, TemperatureAnswer),
      ]);
      const out: PlayerReading = { ...reading };
      if (power || brightness) {
        out.display = {
          power: power?.value ?? reading.display?.power ?? 'on',
          brightness: brightness?.value ?? reading.display?.brightness ?? 100,
        };
      }
      if (content) {
        const c = content.value;
        if (c === null) {
          firstSeen = null;
          out.content = null;
        } else {
          if (firstSeen?.creativeId !== c.creativeId) {
            firstSeen = { creativeId: c.creativeId, since: Date.now() };
          }
          out.content = { ...c, since: c.since ?? firstSeen.since };
        }
      }
      if (temperatureC) out.temperatureC = temperatureC.value;
      return out;
    },
  };
}
