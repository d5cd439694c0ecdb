/**
 * Notes on an alarm (issue 11): stored on the alarm row (migration 010), so a note takes a
 * change-log revision and reaches every open console with its alarm. Idempotent by the
 * console's note id (a retried note is stored once). Cleared alarms take notes too: the
 * explanation often comes after the fact.
 */
import type { Knex } from 'knex';
import { ALARM_NOTES_PER_ALARM, type Alarm, type AlarmNote, type User } from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import { rowToAlarm } from './alarms-repo';

export async function addAlarmNote(
  knex: Knex,
  spec: { alarmId: string; noteId: string; body: string },
  author: Pick<User, 'id' | 'name' | 'role'>,
  now = Date.now(),
): Promise<{ alarm: Alarm; changed: boolean }> {
  return knex.transaction(async (trx) => {
    const row = await trx('alarms').where({ id: spec.alarmId }).forUpdate().first();
    if (!row) throw new AppError('not_found', `no alarm "${spec.alarmId}"`);
    const notes: AlarmNote[] = row.notes ? (JSON.parse(row.notes as string) as AlarmNote[]) : [];
    const same = notes.find((n) => n.id === spec.noteId);
    if (same) {
      if (same.authorId !== author.id || same.body !== spec.body)
        throw new AppError('conflict', 'a different note was already stored under this id');
      return { alarm: rowToAlarm(row), changed: false };
    }
    if (notes.length >= ALARM_NOTES_PER_ALARM)
      throw new AppError(
        'conflict',
        `this alarm already has ${ALARM_NOTES_PER_ALARM} notes, the most it keeps`,
      );
    const note: AlarmNote = {
      id: spec.noteId,
      authorId: author.id,
      authorName: author.name,
      body: spec.body,
      createdAt: now,
    };
    const rev = await reserveRevisions(trx, 1);
    // updated_at is left alone: it is when the condition last changed, which a note is not.
    const patch = { notes: JSON.stringify([...notes, note]), rev };
    await trx('alarms').where({ id: spec.alarmId }).update(patch);
    const alarm = rowToAlarm({ ...row, ...patch });
    await recordAudit(
      trx,
      {
        actor: author,
        action: 'alarm.noted',
        targetType: 'alarm',
        targetId: spec.alarmId,
        summary: `Added a note to the ${alarm.kind} alarm on screen ${alarm.screenId}`,
        details: { screenId: alarm.screenId, noteId: note.id, body: note.body },
      },
      now,
    );
    return { alarm, changed: true };
  });
}
