/**
 * Alarms at volume (issue 11): notes on an alarm, and the limits the console and the server
 * share. Kept free of other protocol imports (domain.ts's Alarm embeds AlarmNote).
 */
import { z } from 'zod';

/** A note is a line or two for the next shift, not a report. */
export const ALARM_NOTE_MAX = 500;
/**
 * Notes travel inside their alarm (through the change log, like the alarm itself), so an
 * alarm's notes are capped: a flapping alarm annotated for weeks must not grow without bound.
 */
export const ALARM_NOTES_PER_ALARM = 50;

export const AlarmNote = z.object({
  /** Chosen by the console, so a retried note is stored once. */
  id: z.string(),
  authorId: z.string(),
  /** The author's name when the note was written. */
  authorName: z.string(),
  body: z.string(),
  createdAt: z.number().int().nonnegative(),
});
export type AlarmNote = z.infer<typeof AlarmNote>;

const id = z.string().min(1).max(64);

/** Socket event `noteAlarm` (operators and admins): answered with the alarm as stored. */
export const NoteAlarmRequest = z
  .object({
    alarmId: id,
    noteId: id,
    body: z.string().trim().min(1).max(ALARM_NOTE_MAX),
  })
  .strict();
export type NoteAlarmRequest = z.infer<typeof NoteAlarmRequest>;
