/**
 * Screens administration from the console (issue 11): register with provisioning in one step,
 * edit, retire and restore, rotate credentials, bulk import from CSV. REST under
 * `/api/admin/screens` (admins only); the screens themselves reach every console through the
 * change log like any screen change.
 */
import { z } from 'zod';
import type { Screen } from './domain';
import { CreateScreenRequest, type DeviceCredentials } from './rest';

/** Register: the same body as `POST /api/screens`. */
export const RegisterScreenRequest = CreateScreenRequest;
export type RegisterScreenRequest = z.input<typeof RegisterScreenRequest>;

/** Edit: any of the registry fields; `null` clears an address or a location. */
export const EditScreenRequest = z
  .object({
    name: CreateScreenRequest.shape.name,
    address: z.string().trim().max(500).nullable(),
    lat: z.number().min(-90).max(90).nullable(),
    lng: z.number().min(-180).max(180).nullable(),
    tags: CreateScreenRequest.shape.tags.unwrap(),
  })
  .partial()
  .strict();
export type EditScreenRequest = z.input<typeof EditScreenRequest>;

/** What a screen's device needs, shown once: the password is not kept by the server. */
export interface ScreenProvisioning {
  credentials: DeviceCredentials;
  /** The agent's config file (device-agent/src/config.ts), password included. */
  agentConfig: Record<string, unknown>;
  /** The file name the install command expects, e.g. `marquee-agent-lobby-1.json`. */
  configFileName: string;
  /** One line to run on the screen controller, in the folder holding the downloaded file. */
  installCommand: string;
}

/** Register, restore and rotate answer with the screen and its (new) provisioning. */
export interface ProvisionedScreenResponse {
  screen: Screen;
  provisioning: ScreenProvisioning;
}

export const MAX_IMPORT_ROWS = 1000;
/** The columns of an import, in this order on the header line. */
export const IMPORT_COLUMNS = ['id', 'name', 'address', 'lat', 'lng', 'tags'] as const;

export const ImportScreensRequest = z
  .object({ csv: z.string().min(1, 'The CSV is empty.').max(60_000) })
  .strict();
export type ImportScreensRequest = z.input<typeof ImportScreensRequest>;

export interface ImportRowError {
  /** 1-based line number in the file (the header is line 1). */
  row: number;
  id: string | null;
  message: string;
}

export interface ImportScreensResponse {
  /** Screens this import created, with their credentials (shown once). */
  created: { screen: Screen; credentials: DeviceCredentials }[];
  /** Rows whose screen an earlier run of the same import already created: nothing done. */
  alreadyRegistered: { row: number; id: string }[];
  /** Rows refused: nothing created for them. */
  errors: ImportRowError[];
  /** The broker address to put beside the credentials (agent config `broker.url`). */
  brokerUrl: string;
}
