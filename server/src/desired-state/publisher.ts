/**
 * Sends a screen its effective desired state: one retained QoS 1 message on its `desired`
 * topic, so an agent gets the latest on every subscribe (also after the server restarted) and
 * a broker keeps it for an agent that is away. Nothing managed is sent too (all null, with a
 * new version): the agent then stops managing and forgets what it kept.
 */
import { DesiredStatePayload, topics, type ScreenDesired } from '../../../protocol';
import type { MqttLink } from '../broker/mqtt-link';
import type { Logger } from '../log';

export class DesiredPublisher {
  constructor(
    private readonly link: () => MqttLink | null,
    private readonly defaultTimeZone: string,
    private readonly log: Logger,
  ) {}

  payloadOf(view: ScreenDesired | null, version: number, now = Date.now()): DesiredStatePayload {
    return DesiredStatePayload.parse({
      ts: now,
      version,
      brightness: view?.brightness ?? null,
      power: view?.power ?? null,
      schedule: view?.schedule ?? null,
      timeZone: view?.timeZone ?? this.defaultTimeZone,
    });
  }

  publish(screenId: string, view: ScreenDesired | null, version: number): void {
    const link = this.link();
    if (!link) {
      // Before the link exists (start): start() publishes everything once it does.
      return;
    }
    link
      .publish(topics.desired(screenId), this.payloadOf(view, version), { qos: 1, retain: true })
      .catch((err: unknown) =>
        this.log.warn({ err, screenId }, 'desired state not published; sent again on reconnect'),
      );
  }
}
