// The window's calls into the shell. Everything goes through the generated, typed bindings;
// this file only turns their result objects into values or thrown `AppError`s.
import { commands, type CommandError } from "./bindings";

export { commands };
export type * from "./bindings";

export class AppError extends Error {
  constructor(public readonly error: CommandError) {
    super(error.message);
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

/** The value of a command, or an `AppError` carrying its code and message. */
export async function call<T>(result: Promise<Result<T>>): Promise<T> {
  const outcome = await result;
  if (outcome.status === "error") throw new AppError(outcome.error);
  return outcome.data;
}

/**
 * Runs a command and reports its error (by the shell's code) through `report` instead of
 * throwing: the one way a view calls and shows what went wrong. Returns undefined on failure
 * (a command that returns nothing gives null when it worked).
 */
export async function attempt<T>(
  result: Promise<Result<T>>,
  report: (error: CommandError | null) => void,
): Promise<T | undefined> {
  report(null);
  try {
    return await call(result);
  } catch (thrown) {
    report(asCommandError(thrown));
    return undefined;
  }
}

/** A `CommandError` from anything a call can throw (framework failures are plain strings). */
export function asCommandError(thrown: unknown): CommandError {
  if (thrown instanceof AppError) return thrown.error;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: "internal", message, field: null, target: null };
}
