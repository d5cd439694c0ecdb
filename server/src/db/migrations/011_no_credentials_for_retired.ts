/**
 * A device may log in exactly when it has a credentials row: retiring deletes the row, restoring
 * writes a new one. Screens retired before that rule still had theirs; they go here, so the
 * login check no longer needs to read `screens.retired` — a column the batched status writer
 * may rewrite a moment after a restore with the copy it took before it (which refused a restored
 * screen's first login).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex('device_credentials')
    .whereIn('screen_id', knex('screens').where({ retired: true }).select('id'))
    .delete();
}

export async function down(): Promise<void> {
  // Deleted secrets cannot come back; a restored screen gets new credentials anyway.
}
