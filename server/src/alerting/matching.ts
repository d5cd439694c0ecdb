/**
 * Which routes take an alarm. Every enabled route whose three conditions hold applies (not the
 * first match only): the alarm's severity is at least the route's `minSeverity`; the route names
 * no kinds, or the alarm's kind (an unknown kind passes a route that names none); the route
 * names no tags, or one of the alarm's subject tags. A person reached by several routes gets
 * one message per channel (the idempotency key does not name the route).
 */
import type { Alarm, AlertRoute, FaultSeverity } from '../../../protocol';
import type { AlarmSubject } from './alarm-subject';

const RANK: Record<FaultSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** An unknown severity counts as critical: better one message too many than a silent alarm. */
const rank = (s: string) => RANK[s as FaultSeverity] ?? RANK.critical;

export function routeTakes(route: AlertRoute, alarm: Alarm, subject: AlarmSubject): boolean {
  if (!route.enabled) return false;
  if (rank(alarm.severity) < rank(route.minSeverity)) return false;
  if (route.kinds.length && !route.kinds.includes(alarm.kind)) return false;
  if (route.tags.length && !route.tags.some((t) => subject.tags.includes(t))) return false;
  return true;
}

export function matchingRoutes(
  routes: AlertRoute[],
  alarm: Alarm,
  subject: AlarmSubject,
): AlertRoute[] {
  return routes.filter((r) => routeTakes(r, alarm, subject));
}
