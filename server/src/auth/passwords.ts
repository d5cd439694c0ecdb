/**
 * Password hashing: scrypt at OWASP's recommended cost (N=2^17, r=8, p=1). Stored as
 * `scrypt$N$r$p$salt$hash` so the parameters can be raised later without breaking old hashes.
 * Every derivation passes the process's PasswordGate (a cap on concurrent checks): a spray of
 * sign-ins waits or is refused instead of running hundreds of 128 MiB checks at once.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { passwordGate } from './password-gate';

const N = 2 ** 17;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  n: number,
  rr: number,
  pp: number,
): Promise<Buffer> {
  return passwordGate.run(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(
          password,
          salt,
          KEY_LENGTH,
          { N: n, r: rr, p: pp, maxmem: 256 * n * rr },
          (err, key) => (err ? reject(err) : resolve(key)),
        );
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !rr || !pp || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(rr),
    Number(pp),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}
