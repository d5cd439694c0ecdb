/**
 * What is wrong with a screen's fields, as one sentence saying what to change. The console
 * shows the server's sentence as-is (error-sentences.ts passes human text through), so every
 * refusal of the screens administration is worded here, once, for the form and the CSV import.
 */
import type { z } from 'zod';
import { RESERVED_ID_MESSAGE } from '../../../protocol';

type Issue = z.core.$ZodIssue;

export function screenFieldSentence(issues: readonly Issue[]): string {
  const issue = issues[0];
  if (!issue) return 'Something about this screen is not valid.';
  const field = String(issue.path[0] ?? '');
  const tooBig = issue.code === 'too_big';
  const tooSmall = issue.code === 'too_small';
  switch (field) {
    case 'id':
      if (issue.message === RESERVED_ID_MESSAGE) return RESERVED_ID_MESSAGE;
      return 'Screen ids use letters, digits, - and _ only, 64 characters at most.';
    case 'name':
      if (tooSmall) return 'Give the screen a name.';
      if (tooBig) return 'Screen names are limited to 200 characters.';
      return 'Give the screen a name as text.';
    case 'address':
      return 'Addresses are limited to 500 characters.';
    case 'lat':
      return 'Latitude must be a number from -90 to 90.';
    case 'lng':
      return 'Longitude must be a number from -180 to 180.';
    case 'tags':
      if (issue.path.length === 1 && tooBig) return 'A screen has at most 50 tags.';
      return 'Each tag is 1 to 64 characters.';
    case 'csv':
      return tooSmall
        ? 'The CSV is empty.'
        : 'The CSV is too large: import at most 60,000 characters at once.';
  }
  if (issue.code === 'unrecognized_keys') return `Unknown screen field: ${issue.keys.join(', ')}.`;
  return 'Something about this screen is not valid.';
}
