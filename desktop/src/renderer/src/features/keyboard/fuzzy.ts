/**
 * Fuzzy matching for the command palette: every query character must appear in order
 * ("lbby" finds "Lobby"); a whole-word or prefix hit ranks above a scattered one. Null: no match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const t = text.toLowerCase();
  const at = t.indexOf(q);
  if (at === 0) return 1000 - t.length;
  if (at > 0) return (/[\s\-_/.]/.test(t[at - 1]!) ? 800 : 600) - at;
  let score = 0;
  let from = 0;
  let prev = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const i = t.indexOf(ch, from);
    if (i < 0) return null;
    score += i === prev + 1 ? 5 : 1; // runs of adjacent characters rank higher
    prev = i;
    from = i + 1;
  }
  return score;
}
