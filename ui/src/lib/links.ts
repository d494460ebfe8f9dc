// Links in what members write: only web and mail addresses leave Hearth, and only to the
// browser (the window itself never navigates away).

/** The address a link may open in the browser, or null for anything else (relative paths,
 *  `javascript:`, `file:`, the app's own pages) and for one that reads as somewhere else in the
 *  question the window asks: a name before `@` in a web address, a space in a mail address.
 *  The shell's `outside_link` refuses the same. */
export function webLink(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null; // relative: the core drops these from Markdown; nothing to open
  }
  if (!["http:", "https:", "mailto:"].includes(url.protocol)) return null;
  if (url.username || url.password || /\s/.test(url.href)) return null;
  return url.href;
}
