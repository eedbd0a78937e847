import { randomBytes } from 'node:crypto';

/** Short enough to type in `/approve ID`, random enough that no one guesses a pending one. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const LENGTH = 10;
const ID_IN_TEXT = /\bapr-[a-z2-9]{10}\b/;

export function newApprovalId(): string {
  const bytes = randomBytes(LENGTH);
  return `apr-${[...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;
}

/** The first approval id a message names (`/approve apr-…`, a button value), case-insensitively. */
export function approvalIdIn(text: string | undefined): string | undefined {
  return text === undefined ? undefined : ID_IN_TEXT.exec(text.toLowerCase())?.[0];
}
