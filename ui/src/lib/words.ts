// Counts and lists in words, as a sentence says them: "1 photo", "100,000 photos",
// "you and Arjun Nair".

/** One number formatter for the window, made once (each `Number.toLocaleString` call would
 *  build a new ICU formatter: see dates.ts). */
const numbers = new Intl.NumberFormat("en-GB");

/** `n` with its noun: `counted(1, "photo")` is "1 photo", `counted(100000, "photo")` is
 *  "100,000 photos"; `many` for a plural that is not the noun and an s ("people"). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${numbers.format(n)} ${n === 1 ? one : many}`;
}

/** A number of photos and videos together: "1 photo or video", "12 photos and videos". */
export const pictures = (n: number) => counted(n, "photo or video", "photos and videos");

/** Names as a sentence lists them: "Ada", "Ada and Bo", "Ada, Bo and Cy". */
export function listed(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
