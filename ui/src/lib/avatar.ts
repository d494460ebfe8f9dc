// Small helpers for showing people.
/** One or two letters for an avatar: "Amara Okafor" → "AO", "Mei Lin Chen" → "MC". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = words[0][0];
  const last = words.length > 1 ? words[words.length - 1][0] : "";
  return (first + last).toUpperCase();
}

/** A stable warm hue for a person's avatar, so faces stay recognisable between visits. */
export function avatarHue(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 10 + (hash % 40);
}
