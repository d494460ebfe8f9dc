// Links in what members write: only web and mail addresses leave Hearth, and only to the
// browser or mail program (the window itself never navigates away). The shell's
// `outside_link` applies the same rules again before it opens anything.

/** Whether `c` makes an address read as something else in the question the window asks: a
 *  space or line break, a control character, or a bidirectional formatting mark that reorders
 *  the text around it (Unicode UAX #9). */
const misleading = /[\s\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** A mail link's recipients as the question names them: the addresses before `?` and those of
 *  `to` and `cc`, percent-decoded, split at commas (RFC 6068, section 2); null when one cannot
 *  be decoded. (`bcc` is not among them: the shell drops it.) */
export function recipients(url: URL): string[] | null {
  try {
    const lists = [decodeURIComponent(url.pathname), ...["to", "cc"].flatMap((field) => url.searchParams.getAll(field))];
    return lists.flatMap((list) => list.split(",").map((one) => one.trim())).filter((one) => one !== "");
  } catch {
    return null; // a malformed %-sequence
  }
}

/** The address a link may open outside, or null for anything else (relative paths,
 *  `javascript:`, `file:`, the app's own pages) and for one that reads as somewhere else in the
 *  question the window asks: a name before `@` in a web address, or a mail address with a
 *  space or a hidden character once decoded. */
export function webLink(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null; // relative: the core drops these from Markdown; nothing to open
  }
  if (/\s/.test(url.href)) return null;
  if (url.protocol === "http:" || url.protocol === "https:") return url.username || url.password ? null : url.href;
  if (url.protocol !== "mailto:") return null;
  const names = recipients(url);
  return names && !names.some((one) => misleading.test(one)) ? url.href : null;
}

/** What the window asks before a checked link (from [`webLink`]) leaves Hearth: the question,
 *  which names where it goes (every mail recipient, decoded), the button that confirms, and
 *  the kind of program that opens it (for the message when none does). */
export function leavingQuestion(url: string): { question: string; button: string; program: string } {
  if (!url.startsWith("mailto:")) {
    return { question: `Open ${url} in your web browser? It leaves Hearth.`, button: "Open in browser", program: "web browser" };
  }
  const names = recipients(new URL(url)) ?? [];
  const to = names.length ? `to ${names.join(", ")}` : "a new message";
  return { question: `Write ${to} in your mail program? It leaves Hearth.`, button: "Open mail program", program: "mail program" };
}
