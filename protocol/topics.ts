/**
 * MQTT topic layout: `marquee/v1/screens/{screenId}/{suffix}`.
 * Builders and one parser, so no other module concatenates topic strings by hand.
 */
export const TOPIC_ROOT = 'marquee/v1/screens';

/** A screen id is the operator's own asset id: letters, digits, `-` and `_`. */
export const SCREEN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Command ids are client-generated (UUIDs in practice); same alphabet as screen ids. */
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const topics = {
  state: (screenId: string) => `${TOPIC_ROOT}/${screenId}/state`,
  telemetry: (screenId: string) => `${TOPIC_ROOT}/${screenId}/telemetry`,
  events: (screenId: string) => `${TOPIC_ROOT}/${screenId}/events`,
  command: (screenId: string, commandId: string) => `${TOPIC_ROOT}/${screenId}/cmd/${commandId}`,
  commandResult: (screenId: string, commandId: string) =>
    `${TOPIC_ROOT}/${screenId}/cmd/${commandId}/result`,
  /** Server → agent, retained: the screen's effective desired state (protocol/desired-state.ts). */
  desired: (screenId: string) => `${TOPIC_ROOT}/${screenId}/desired`,
  /** What an agent subscribes to: every command addressed to it. */
  commandWildcard: (screenId: string) => `${TOPIC_ROOT}/${screenId}/cmd/+`,
  /** What the server subscribes to: everything agents publish. */
  serverSubscriptions: [
    `${TOPIC_ROOT}/+/state`,
    `${TOPIC_ROOT}/+/telemetry`,
    `${TOPIC_ROOT}/+/events`,
    `${TOPIC_ROOT}/+/cmd/+/result`,
  ],
} as const;

export type ParsedTopic =
  | { kind: 'state' | 'telemetry' | 'events' | 'desired'; screenId: string }
  | { kind: 'command' | 'commandResult'; screenId: string; commandId: string };

/** Parses a topic under the Marquee root; returns null for anything else. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 5 || `${parts[0]}/${parts[1]}/${parts[2]}` !== TOPIC_ROOT) return null;
  const screenId = parts[3]!;
  if (!SCREEN_ID_PATTERN.test(screenId)) return null;
  const rest = parts.slice(4);
  if (
    rest.length === 1 &&
    (rest[0] === 'state' ||
      rest[0] === 'telemetry' ||
      rest[0] === 'events' ||
      rest[0] === 'desired')
  ) {
    return { kind: rest[0], screenId };
  }
  if (rest[0] === 'cmd' && rest[1] !== undefined && COMMAND_ID_PATTERN.test(rest[1])) {
    if (rest.length === 2) return { kind: 'command', screenId, commandId: rest[1] };
    if (rest.length === 3 && rest[2] === 'result') {
      return { kind: 'commandResult', screenId, commandId: rest[1] };
    }
  }
  return null;
}
