/**
 * `npm run mosquitto:auth -- --out DIR`: writes marquee.passwd and marquee.acl for an external
 * Mosquitto from the server's database (DATABASE_URL / MARQUEE_DATA_DIR as for the server).
 * `--dynsec` writes DIR/dynamic-security.json instead: the dynamic security plugin's initial
 * file (resources/mosquitto/marquee-dynsec.conf), after which the server provisions live.
 * The server's own MQTT login comes from MQTT_URL's user:password.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv, resolveDatabaseUrl } from '../config';
import { openDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrations';
import { writeDynsecConfig, writeMosquittoAuth } from '../broker/mosquitto-auth';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: './data/mosquitto' },
    dynsec: { type: 'boolean', default: false },
  },
});

async function main() {
  const config = configFromEnv();
  const url = config.mqttUrl ? new URL(config.mqttUrl) : null;
  if (!url?.username || !url.password) {
    console.error(
      'mosquitto:auth: set MQTT_URL=mqtt://USER:PASSWORD@host:1883 — the login the server will use',
    );
    process.exit(2);
  }
  const db = openDatabase(resolveDatabaseUrl(config));
  try {
    await migrateToLatest(db.knex);
    const login = {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
    if (values.dynsec) {
      const written = await writeDynsecConfig(
        db.knex,
        path.join(values.out!, 'dynamic-security.json'),
        login,
      );
      console.log(`wrote ${written.file} (${written.devices} devices + the server)`);
      console.log(
        'with Mosquitto stopped, point plugin_opt_config_file at it (resources/mosquitto/marquee-dynsec.conf), start Mosquitto, then run the server with MQTT_DYNSEC=1',
      );
      return;
    }
    const out = await writeMosquittoAuth(db.knex, values.out!, login);
    console.log(
      `wrote ${out.passwordFile} (${out.devices} devices + the server) and ${out.aclFile}`,
    );
    console.log(
      'add to mosquitto.conf: allow_anonymous false / password_file <that file> / acl_file <that file>, then reload Mosquitto (SIGHUP)',
    );
  } finally {
    await db.close();
  }
}

void main();
