/**
 * How the registry reaches the broker about a device's login: issuing credentials (a new
 * screen, a rotation) or retiring a screen must end any session that logged in with the old
 * ones at once, not at the device's next reconnect. The embedded broker closes the client
 * itself; on Mosquitto the dynamic security plugin provisions and kicks (`dynamic-security.ts`,
 * MQTT_DYNSEC=1). With Mosquitto's password file the server cannot reach a live session:
 * see src/broker/README.md.
 */
export interface DeviceSessions {
  /** New credentials for the screen are stored: any live session on older ones ends. */
  credentialsIssued(screenId: string, password: string): Promise<void>;
  /** The screen is retired: its live session ends and its login goes. */
  retired(screenId: string): Promise<void>;
}

export const noDeviceSessions: DeviceSessions = {
  credentialsIssued: () => Promise.resolve(),
  retired: () => Promise.resolve(),
};
