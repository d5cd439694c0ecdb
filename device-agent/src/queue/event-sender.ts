/**
 * Drains the event queue to the broker, oldest first, while connected. A small window of QoS 1
 * publishes is kept in flight; each event is removed from the queue only in its PUBACK callback.
 * If the link drops, mqtt.js keeps the in-flight ones in its store and resends them first on
 * reconnect, so order is kept and nothing is sent twice by this process.
 */
import { randomUUID } from 'node:crypto';
import { EventPayload, topics } from '../../../protocol';
import { errorText, type Logger } from '../log';
import type { MqttSession } from '../session/mqtt-session';
import type { Stamper } from '../stamp';
import type { EventQueue } from './event-queue';

const WINDOW = 16;

export class EventSender {
  private readonly inFlight = new Set<string>();
  private dropReportInFlight = false;

  constructor(
    private readonly screenId: string,
    private readonly queue: EventQueue,
    private readonly session: MqttSession,
    private readonly stamper: Stamper,
    private readonly log: Logger,
  ) {}

  /** Sends whatever fits in the window; call on connect, after enqueue and after each ack. */
  pump(): void {
    if (!this.session.connected) return;
    this.reportDrops();
    if (this.inFlight.size >= WINDOW) return;
    for (const event of this.queue.pending()) {
      if (this.inFlight.size >= WINDOW) break;
      if (this.inFlight.has(event.id)) continue;
      this.send(event);
    }
  }

  private send(event: EventPayload): void {
    this.inFlight.add(event.id);
    this.session
      .publish(topics.events(this.screenId), JSON.stringify(event), { qos: 1 })
      .then(() => {
        this.inFlight.delete(event.id);
        this.queue.ack(event.id);
        this.pump();
      })
      .catch((err: unknown) => {
        // Only a client that was ended gives up on a message; the event stays on disk.
        this.inFlight.delete(event.id);
        this.log.warn('event not acknowledged; kept on disk', {
          id: event.id,
          error: errorText(err),
        });
      });
  }

  /** Tells the server how many events the cap pushed out, before sending the survivors. */
  private reportDrops(): void {
    const count = this.queue.dropped;
    if (count === 0 || this.dropReportInFlight) return;
    this.dropReportInFlight = true;
    const report = EventPayload.parse({
      ...this.stamper.next(),
      id: randomUUID(),
      kind: 'fault',
      code: 'events_dropped',
      severity: 'warning',
      message: `${count} queued events were dropped at the queue cap (oldest first)`,
    });
    this.log.warn('reporting dropped events', { count });
    this.session
      .publish(topics.events(this.screenId), JSON.stringify(report), { qos: 1 })
      .then(() => this.queue.markDropReported(count))
      .catch((err: unknown) => this.log.warn('drop report failed', { error: errorText(err) }))
      .finally(() => {
        this.dropReportInFlight = false;
      });
  }
}
