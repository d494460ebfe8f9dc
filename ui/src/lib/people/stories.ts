// How stories look: reaction symbols and labels, and dates.
// Symbols from common text fonts (not colour emoji, which many Linux desktops lack).
export const reactions: { id: string; symbol: string; word: string; label: string }[] = [
  { id: "heart", symbol: "♥", word: "Love", label: "Love this" },
  { id: "thanks", symbol: "✿", word: "Thanks", label: "Thank you" },
  { id: "insight", symbol: "✦", word: "Learned", label: "Learned from this" },
  { id: "hug", symbol: "☺", word: "Hug", label: "Sending a hug" },
  { id: "laugh", symbol: "☀", word: "Smile", label: "Made me smile" },
];

export function reactionSymbol(id: string): string {
  return reactions.find((r) => r.id === id)?.symbol ?? "•";
}

/** "12 October 2025" in the reader's language. */
export function longDate(at: number): string {
  return new Date(at).toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" });
}
