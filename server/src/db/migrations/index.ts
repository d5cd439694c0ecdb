/**
 * Numbered one-file migrations, listed here so they are imported statically (no directory
 * scanning: works the same under tsx, vitest and a bundle). Add a file, add a line.
 */
import type { Knex } from 'knex';
import * as m001 from './001_core';
import * as m002 from './002_fleet_ops';
import * as m003 from './003_chat';
import * as m004 from './004_user_disabled';
import * as m005 from './005_alarm_fault_overflow';
import * as m006 from './006_audit_log';
import * as m008 from './008_screen_grants';
import * as m009 from './009_command_sender_name';
import * as m010 from './010_alarm_notes';
import * as m011 from './011_no_credentials_for_retired';
import * as m012 from './012_alarm_rules';
import * as m013 from './013_site_alarms';
import * as m014 from './014_alerting_setup';
import * as m015 from './015_alerting_deliveries';
import * as m016 from './016_screenshots';
import * as m017 from './017_desired_state';
import * as m019 from './019_campaigns';
import * as m020 from './020_advertiser_notices';
import * as m021 from './021_chat_about';
import * as m022 from './022_chat_attachments';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const migrations: [string, Migration][] = [
  ['001_core', m001],
  ['002_fleet_ops', m002],
  ['003_chat', m003],
  ['004_user_disabled', m004],
  ['005_alarm_fault_overflow', m005],
  ['006_audit_log', m006],
  ['008_screen_grants', m008],
  ['009_command_sender_name', m009],
  ['010_alarm_notes', m010],
  ['011_no_credentials_for_retired', m011],
  ['012_alarm_rules', m012],
  ['013_site_alarms', m013],
  ['014_alerting_setup', m014],
  ['015_alerting_deliveries', m015],
  ['016_screenshots', m016],
  ['017_desired_state', m017],
  ['019_campaigns', m019],
  ['020_advertiser_notices', m020],
  ['021_chat_about', m021],
  ['022_chat_attachments', m022],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: () => Promise.resolve(migrations),
  getMigrationName: ([name]) => name,
  getMigration: ([, migration]) => Promise.resolve(migration),
};

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource });
}
