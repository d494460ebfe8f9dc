// The file and folder dialogs. The shell opens them itself so that it knows which paths the
// person chose: the commands that read or write files accept only those (and drops on the
// window), never a path a script in the page made up.
import { call, commands, type FileFilter } from "./api";

/** Files (or, with `directory`, folders) chosen in the system dialog; empty when cancelled. */
export async function choose(
  title: string,
  { directory = false, multiple = false, filters = [] }: { directory?: boolean; multiple?: boolean; filters?: FileFilter[] } = {},
): Promise<string[]> {
  return call(commands.choosePaths({ title, directory, multiple, filters }));
}

/** One file or folder, or null when cancelled. */
export async function chooseOne(title: string, options: { directory?: boolean; filters?: FileFilter[] } = {}): Promise<string | null> {
  return (await choose(title, { ...options, multiple: false }))[0] ?? null;
}

/** Where to save, from the system's save dialog; null when cancelled. */
export async function chooseSavePath(title: string, defaultName: string, filters: FileFilter[] = []): Promise<string | null> {
  return call(commands.chooseSavePath(title, defaultName, filters));
}
