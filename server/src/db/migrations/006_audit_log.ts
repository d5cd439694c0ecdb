/**
 * The audit log: who did what, when, to what. Append-only by construction: the database itself
 * refuses UPDATE and DELETE on it (a trigger on both engines), so not even a bug in a route,
 * or an admin with the server's database login through the app, can rewrite history.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('seq').primary();
    t.bigInteger('ts').notNullable();
    t.string('actor_id', 64); // null: the server itself (a job, the first admin)
    t.string('actor_name', 200).notNullable();
    t.string('actor_role', 20);
    t.string('action', 64).notNullable();
    t.string('target_type', 32).notNullable();
    t.string('target_id', 200);
    t.string('summary', 500).notNullable();
    t.text('details'); // JSON
    t.index(['ts']);
    t.index(['actor_id', 'ts']);
    t.index(['target_type', 'target_id', 'ts']);
    t.index(['action', 'ts']);
  });
  const client = knex.client.config.client as string;
  if (client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`
        CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  if ((knex.client.config.client as string) === 'pg')
    await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
