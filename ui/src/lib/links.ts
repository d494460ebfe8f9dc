// Links in what members write: only web and mail addresses leave Hearth, and only to the
// browser (the window itself never navigates away).

/** The address a link may open in the browser, or null for anything else (relative paths,
 *  `javascript:`, `file:`, the app's own pages). */
export function webLink(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null; // relative: the core drops these from Markdown; nothing to open
  }
  return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
}
