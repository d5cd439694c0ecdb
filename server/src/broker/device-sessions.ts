/**
 * How the registry reaches a device's live MQTT session: rotating a screen's credentials or
 * retiring it must end the session that logged in with the old ones, at once, not at the
 * device's next reconnect. The embedded broker closes the client itself; on Mosquitto the
 * dynamic security plugin does it (`dynamic-security.ts`); with Mosquitto's password file
 * there is no way for the server to do it (see src/broker/README.md).
 */
export interface DeviceSessions {
  /** Ends the screen's live session, if any. Never throws for a screen that is not connected. */
  disconnect(screenId: string): Promise<void>;
}

export const noDeviceSessions: DeviceSessions = { disconnect: () => Promise.resolve() };
