#!/bin/sh
# Installs, upgrades or removes the Marquee device agent on a Linux screen controller.
#
#   sudo ./install-linux.sh --config marquee-agent-scr-0001.json     # the file the console's Add screen gives
#   sudo ./install-linux.sh --broker mqtts://mqtt.example.com:8883 --screen-id scr-0001 --password-file - < pw
#   sudo ./install-linux.sh                                          # upgrade: new bundle, same config and state
#   sudo ./install-linux.sh --uninstall [--purge]                    # keeps config and state unless --purge
#
# Running it again is an upgrade: the bundle is replaced, the config (unless a new one is given)
# and the state directory (event queue, command ledger) are kept, the service is restarted.
# The password never appears on a command line: it comes in the config file, or from
# --password-file FILE (or - for standard input).
# --root DIR installs into DIR as into a system root (an image being built, or a test): the
# user is added to DIR/etc/passwd, and systemctl is not called. device-agent/README.md has it all.
set -eu

NAME=marquee-agent
SERVICE_USER=marquee-agent
INSTALL_DIR=/opt/marquee-agent
CONFIG_DIR=/etc/marquee-agent
STATE_DIR=/var/lib/marquee-agent
UNIT_PATH=/etc/systemd/system/marquee-agent.service
NODE_MIN_MAJOR=20

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=
BUNDLE=
UNIT_TEMPLATE=
NODE=
CONFIG_IN=
BROKER=
SCREEN_ID=
PASSWORD_FILE=
ACTION=install
PURGE=0
START=1

say() { printf '%s: %s\n' "$NAME" "$*"; }
die() {
  printf '%s: %s\n' "$NAME" "$*" >&2
  exit 1
}
usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}
need_value() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)"; fi; }

while [ $# -gt 0 ]; do
  case "$1" in
    --config) need_value "$@"; CONFIG_IN=$2; shift 2 ;;
    --broker) need_value "$@"; BROKER=$2; shift 2 ;;
    --screen-id) need_value "$@"; SCREEN_ID=$2; shift 2 ;;
    --password-file) need_value "$@"; PASSWORD_FILE=$2; shift 2 ;;
    --password | --password=*) die "--password is not accepted: a password on the command line is visible in ps; use --password-file FILE or --password-file - (standard input)" ;;
    --bundle) need_value "$@"; BUNDLE=$2; shift 2 ;;
    --unit) need_value "$@"; UNIT_TEMPLATE=$2; shift 2 ;;
    --node) need_value "$@"; NODE=$2; shift 2 ;;
    --root) need_value "$@"; ROOT=${2%/}; shift 2 ;;
    --no-start) START=0; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    --purge) PURGE=1; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0 ...): it creates a system user and writes under /etc, /opt and /var/lib"
if [ -n "$ROOT" ]; then
  [ -d "$ROOT/etc" ] || die "--root $ROOT has no etc/ directory; give the root of a system (with etc/passwd and etc/group)"
fi
[ "$PURGE" -eq 0 ] || [ "$ACTION" = uninstall ] || die "--purge goes with --uninstall"

# systemctl only on a machine booted with systemd, and never into another root.
use_systemd() { [ -z "$ROOT" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

user_exists() {
  if [ -n "$ROOT" ]; then grep -q "^$SERVICE_USER:" "$ROOT/etc/passwd"; else getent passwd "$SERVICE_USER" >/dev/null; fi
}
group_exists() {
  if [ -n "$ROOT" ]; then grep -q "^$SERVICE_USER:" "$ROOT/etc/group"; else getent group "$SERVICE_USER" >/dev/null; fi
}
# Numeric ids: inside --root the user is unknown to this machine's name lookups.
uid_of() { if [ -n "$ROOT" ]; then awk -F: -v u="$SERVICE_USER" '$1 == u { print $3 }' "$ROOT/etc/passwd"; else id -u "$SERVICE_USER"; fi; }
gid_of() { if [ -n "$ROOT" ]; then awk -F: -v g="$SERVICE_USER" '$1 == g { print $3 }' "$ROOT/etc/group"; else getent group "$SERVICE_USER" | cut -d: -f3; fi; }

uninstall() {
  if use_systemd; then
    systemctl disable --now "$NAME.service" >/dev/null 2>&1 || true
  fi
  rm -f "$ROOT$UNIT_PATH"
  use_systemd && systemctl daemon-reload
  rm -rf "$ROOT$INSTALL_DIR"
  if [ "$PURGE" -eq 1 ]; then
    rm -rf "$ROOT$CONFIG_DIR" "$ROOT$STATE_DIR"
    if user_exists; then
      if [ -n "$ROOT" ]; then userdel --root "$ROOT" "$SERVICE_USER"; else userdel "$SERVICE_USER"; fi
    fi
    say "removed the agent, its config, its state and the $SERVICE_USER user"
  else
    say "removed the agent; kept $CONFIG_DIR (config), $STATE_DIR (queue, command ledger) and the $SERVICE_USER user (--purge removes them)"
  fi
}

if [ "$ACTION" = uninstall ]; then
  uninstall
  exit 0
fi

# --- what to install -------------------------------------------------------------------
[ -n "$BUNDLE" ] || BUNDLE=$HERE/marquee-agent.mjs
[ -f "$BUNDLE" ] || die "no agent bundle at $BUNDLE: build it with 'npm run build:agent' (dist/agent/ holds the bundle and this script), or give --bundle FILE"
[ -n "$UNIT_TEMPLATE" ] || UNIT_TEMPLATE=$HERE/marquee-agent.service
[ -f "$UNIT_TEMPLATE" ] || die "no systemd unit at $UNIT_TEMPLATE; give --unit FILE"

# The Node that validates the config here. Without --root it is also the one the service runs.
HOST_NODE=$(command -v node || true)
if [ -z "$NODE" ]; then
  if [ -n "$ROOT" ]; then NODE=/usr/bin/node; else NODE=$HOST_NODE; fi
fi
[ -n "$NODE" ] || die "Node.js is not installed (node is not on PATH); install Node.js $NODE_MIN_MAJOR or newer, or give --node PATH"
case "$NODE" in /*) ;; *) die "--node must be an absolute path (systemd runs it without a PATH search), not $NODE" ;; esac
case "$NODE" in /home/* | /root/*) die "$NODE is under a home directory, which the service cannot see (ProtectHome); install Node.js system-wide (e.g. /usr/bin/node) and give --node" ;; esac
if [ -z "$ROOT" ]; then
  [ -x "$NODE" ] || die "$NODE is not an executable Node.js"
  major=$("$NODE" -p 'process.versions.node.split(".")[0]') || die "$NODE does not run"
  [ "$major" -ge "$NODE_MIN_MAJOR" ] || die "$NODE is Node.js $major; the agent needs $NODE_MIN_MAJOR or newer"
  HOST_NODE=$NODE
fi
[ -n "$HOST_NODE" ] || die "no node on PATH to check the config with"

config_target=$ROOT$CONFIG_DIR/config.json
if [ -z "$CONFIG_IN" ] && [ -z "$BROKER$SCREEN_ID$PASSWORD_FILE" ] && [ ! -f "$config_target" ]; then
  die "no config yet: give --config FILE (the file the console gives when a screen is added), or --broker URL --screen-id ID --password-file FILE"
fi
[ -z "$CONFIG_IN" ] || [ -f "$CONFIG_IN" ] || die "--config $CONFIG_IN: no such file"
[ -z "$PASSWORD_FILE" ] || [ "$PASSWORD_FILE" = - ] || [ -f "$PASSWORD_FILE" ] || die "--password-file $PASSWORD_FILE: no such file"

# --- the service user --------------------------------------------------------------------
if ! user_exists; then
  nologin=/usr/sbin/nologin
  [ -x "$ROOT$nologin" ] || [ ! -x "$ROOT/sbin/nologin" ] || nologin=/sbin/nologin
  # A group left behind by an earlier user (or made by hand) is taken as it is.
  if group_exists; then group_opt="--gid $SERVICE_USER"; else group_opt=--user-group; fi
  # shellcheck disable=SC2086 # group_opt is two words or one, on purpose
  set -- --system $group_opt --no-create-home --home-dir "$STATE_DIR" --shell "$nologin" --comment "Marquee device agent" "$SERVICE_USER"
  if [ -n "$ROOT" ]; then useradd --root "$ROOT" "$@"; else useradd "$@"; fi
  say "created the system user $SERVICE_USER (no login shell, home $STATE_DIR)"
fi
uid=$(uid_of)
gid=$(gid_of)
if [ -z "$uid" ] || [ -z "$gid" ]; then die "the user or group $SERVICE_USER has no id in $ROOT/etc/passwd or $ROOT/etc/group"; fi

# --- directories and the bundle ------------------------------------------------------------
install -d -m 0755 -o 0 -g 0 "$ROOT$INSTALL_DIR"
install -d -m 0750 -o 0 -g "$gid" "$ROOT$CONFIG_DIR"
# The state survives upgrades and uninstalls: only its owner and mode are (re)set.
install -d -m 0750 -o "$uid" -g "$gid" "$ROOT$STATE_DIR"

previous=
[ -f "$ROOT$INSTALL_DIR/marquee-agent.mjs" ] && previous=$("$HOST_NODE" "$ROOT$INSTALL_DIR/marquee-agent.mjs" --version 2>/dev/null || echo unknown)
# New file beside the old, then a rename: a running agent keeps the file it loaded.
install -m 0644 -o 0 -g 0 "$BUNDLE" "$ROOT$INSTALL_DIR/.marquee-agent.mjs.new"
mv -f "$ROOT$INSTALL_DIR/.marquee-agent.mjs.new" "$ROOT$INSTALL_DIR/marquee-agent.mjs"
[ ! -f "$HERE/README.md" ] || install -m 0644 -o 0 -g 0 "$HERE/README.md" "$ROOT$INSTALL_DIR/README.md"
version=$("$HOST_NODE" "$ROOT$INSTALL_DIR/marquee-agent.mjs" --version) || die "the bundle does not run with $HOST_NODE"

# --- the config ----------------------------------------------------------------------------
# Composed by Node (JSON is not for sed). The password is read from a file or standard input by
# Node itself, so it is never in an argument list. dataDir is pinned to the state directory:
# the unit lets the agent write nowhere else.
if [ -n "$CONFIG_IN$BROKER$SCREEN_ID$PASSWORD_FILE" ]; then
  base=$CONFIG_IN
  [ -n "$base" ] || [ ! -f "$config_target" ] || base=$config_target
  umask 077
  tmp=$ROOT$CONFIG_DIR/.config.json.new
  # shellcheck disable=SC2016 # the single-quoted text is JavaScript, ${...} is its own
  STATE_DIR="$STATE_DIR" "$HOST_NODE" -e '
    const fs = require("node:fs");
    const [base, broker, screenId, passwordFile] = process.argv.slice(1);
    const config = base ? JSON.parse(fs.readFileSync(base, "utf8")) : { player: { type: "simulated" } };
    config.broker = config.broker || {};
    if (broker) config.broker.url = broker;
    if (screenId) { config.screenId = screenId; config.broker.username = screenId; }
    if (passwordFile) config.broker.password = fs.readFileSync(passwordFile === "-" ? 0 : passwordFile, "utf8").replace(/\r?\n$/, "");
    if (config.dataDir && config.dataDir !== process.env.STATE_DIR)
      process.stderr.write(`marquee-agent: dataDir ${config.dataDir} becomes ${process.env.STATE_DIR} (the only place the service may write)\n`);
    config.dataDir = process.env.STATE_DIR;
    if (!config.player || config.player.type !== "external")
      process.stderr.write("marquee-agent: note: this config runs the simulated player; for the real player set player, probes and commands (config.example.json)\n");
    process.stdout.write(JSON.stringify(config, null, 2) + "\n");
  ' "$base" "$BROKER" "$SCREEN_ID" "$PASSWORD_FILE" >"$tmp" || {
    rm -f "$tmp"
    die "could not compose the config (is ${base:-the input} JSON?)"
  }
  umask 022
  "$HOST_NODE" "$ROOT$INSTALL_DIR/marquee-agent.mjs" --config "$tmp" --check >/dev/null || {
    rm -f "$tmp"
    die "the config was refused (the line above names the field); nothing was changed"
  }
  chown "0:$gid" "$tmp"
  chmod 0640 "$tmp"
  mv -f "$tmp" "$config_target"
  say "wrote $CONFIG_DIR/config.json (root:$SERVICE_USER 0640)"
else
  "$HOST_NODE" "$ROOT$INSTALL_DIR/marquee-agent.mjs" --config "$config_target" --check >/dev/null ||
    die "the kept config $CONFIG_DIR/config.json was refused by agent $version (the line above names the field)"
  say "kept $CONFIG_DIR/config.json"
fi
# Permissions are (re)set on every run: the device password is in these files.
chown "0:$gid" "$config_target"
chmod 0640 "$config_target"
if [ -f "$ROOT$CONFIG_DIR/agent.env" ]; then
  chown 0:0 "$ROOT$CONFIG_DIR/agent.env"
  chmod 0600 "$ROOT$CONFIG_DIR/agent.env"
fi

# --- the systemd unit -------------------------------------------------------------------------
install -d -m 0755 "$ROOT$(dirname "$UNIT_PATH")"
sed "s#^ExecStart=/usr/bin/node #ExecStart=$NODE #" "$UNIT_TEMPLATE" >"$ROOT$UNIT_PATH.new"
chmod 0644 "$ROOT$UNIT_PATH.new"
mv -f "$ROOT$UNIT_PATH.new" "$ROOT$UNIT_PATH"

if [ -n "$previous" ]; then
  say "upgraded the agent $previous -> $version in $INSTALL_DIR; the queue and command ledger in $STATE_DIR are kept"
else
  say "installed the agent $version in $INSTALL_DIR"
fi

if [ "$START" -eq 0 ]; then
  say "not started (--no-start): systemctl enable --now $NAME"
elif use_systemd; then
  systemctl daemon-reload
  systemctl enable "$NAME.service" >/dev/null 2>&1
  # A restart stops the old agent with SIGTERM (it says offline) and starts the new bundle.
  systemctl restart "$NAME.service"
  say "service enabled and (re)started; follow it with: journalctl -u $NAME -f"
elif [ -n "$ROOT" ]; then
  install -d -m 0755 "$ROOT/etc/systemd/system/multi-user.target.wants"
  ln -sf "$UNIT_PATH" "$ROOT/etc/systemd/system/multi-user.target.wants/$NAME.service"
  say "enabled in $ROOT (starts when that system boots)"
else
  say "systemd is not running here: start the agent with systemctl enable --now $NAME once it is, or run: $NODE $INSTALL_DIR/marquee-agent.mjs --config $CONFIG_DIR/config.json"
fi
