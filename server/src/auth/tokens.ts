/**
 * Random secrets (session tokens, device passwords) and their stored form. They carry 256 bits
 * of entropy, so a plain SHA-256 is the right stored form: a slow hash protects guessable
 * human passwords, and would only make a reconnect storm of ten thousand devices expensive.
 */
import { createHash, randomBytes } from 'node:crypto';

export const newSecret = (): string => randomBytes(32).toString('base64url');
export const newId = (): string => randomBytes(12).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
