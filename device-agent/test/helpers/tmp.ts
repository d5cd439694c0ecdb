import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `marquee-agent-${label}-`));
