// Dates as words, through formatters made once.
//
// Each `toLocaleDateString(locale, options)` call builds a new Intl.DateTimeFormat, and with it
// ICU objects outside JavaScript's heap that only garbage collection frees, and late: labelling
// the cells of a 100,000-photo gallery that way held up to 230 MB of ICU allocations in the web
// process (heaptrack on WebKitWebProcess during `hearth bench startup`). The option sets are
// the ones written in this code, so the cache stays a handful of entries.

const made = new Map<string, Intl.DateTimeFormat>();

/** The formatter for `locale` (the reader's own when undefined) and `options`, made once. */
export function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = made.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    made.set(key, format);
  }
  return format;
}

/**
 * `at` (a Date or milliseconds since 1970) in words, as `toLocaleDateString(locale, options)`
 * says it when `options` names the fields to show; "Invalid Date" for a date that is not one
 * (where `format` alone would throw and take the whole list with it).
 */
export function formatDate(at: Date | number, locale: string | undefined, options: Intl.DateTimeFormatOptions): string {
  const ms = +at;
  return Number.isNaN(ms) ? "Invalid Date" : dateFormat(locale, options).format(ms);
}

/** The laptop's time zone now (not cached: a laptop that travels changes it while open). */
export function currentZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** How many formatters have been made (for tests: the cache must not grow per call). */
export function formattersMade(): number {
  return made.size;
}
