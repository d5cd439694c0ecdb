/**
 * Text rules. Message bodies are stored exactly as given and are only ever plain text: no
 * markup is interpreted or stripped here, and every consumer renders them as text. What is
 * refused is what a database cannot store faithfully: NUL (PostgreSQL's text type rejects it)
 * and lone UTF-16 surrogates (they would be silently replaced when encoded as UTF-8, so the
 * stored body would differ from the one sent).
 */
import { AppError } from '../errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkText(field: string, value: string): void {
  if (value.includes('\u0000'))
    throw new AppError('bad_request', `${field}: contains a NUL character`);
  if (LONE_SURROGATE.test(value))
    throw new AppError('bad_request', `${field}: is not valid Unicode text`);
}

export function checkMessageBody(body: string): void {
  checkText('body', body);
  if (body.trim().length === 0) throw new AppError('bad_request', 'body: empty message');
}

/**
 * For server-made text (notification titles and bodies built from screen names, alarm
 * messages, message previews): never refused, made storable instead — NUL dropped, lone
 * surrogates replaced, cut to `max` characters without splitting a surrogate pair.
 */
export function cleanText(value: string, max: number): string {
  let s = value.replace(/\u0000/g, '').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD');
  if (s.length > max) {
    s = s.slice(0, max - 1);
    if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1);
    s += '…';
  }
  return s;
}
