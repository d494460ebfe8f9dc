// What to tell a person about an error, by its code. The shell's message says what happened;
// the title and next step here depend only on the code, never on message text.
import type { CommandError, ErrorCode, TargetProblem } from "./bindings";

export interface Explanation {
  title: string;
  nextStep: string;
}

const explanations: Record<ErrorCode, Explanation> = {
  notALibrary: {
    title: "This folder is not a Hearth library",
    nextStep: "Choose the folder that holds hearth.db, or start a new community.",
  },
  corrupt: {
    title: "This library is damaged",
    nextStep: "Open another library, or start a new community in another folder.",
  },
  alreadyExists: {
    title: "There is already a library here",
    nextStep: "Open it instead, or choose an empty folder for the new community.",
  },
  readOnly: {
    title: "This library is read-only",
    nextStep: "You can look around, but changes cannot be saved here.",
  },
  forbidden: { title: "Not allowed", nextStep: "Ask one of the community's leads." },
  invalid: { title: "Please check what you entered", nextStep: "Correct the highlighted field and try again." },
  notFound: { title: "Not found", nextStep: "It may have been removed. Refresh and try again." },
  noIdentity: { title: "Who are you?", nextStep: "Choose or create your member profile first." },
  noLibrary: { title: "No library is open", nextStep: "Start a community or open a library." },
  io: { title: "A file could not be read or written", nextStep: "Check the folder exists and you may write to it." },
  internal: { title: "Something went wrong", nextStep: "Nothing was changed. Please try again." },
  target: { title: "The sync target cannot be used", nextStep: "Check the folder or address, then try again." },
};

/** Why a sync target cannot be used, by the core's `TargetProblem`. */
const targetExplanations: Record<TargetProblem, Explanation> = {
  unreachable: {
    title: "The folder is out of reach",
    nextStep: "Plug in the drive or reconnect to the network, then sync again.",
  },
  credentialsRefused: {
    title: "The user name or password was refused",
    nextStep: "Check them with whoever runs the storage, then try again.",
  },
  noBucket: { title: "That bucket does not exist", nextStep: "Check the bucket's name, or ask whoever runs the storage." },
  notATarget: {
    title: "That is not a sync target",
    nextStep: "Choose an empty folder, or the one your community already syncs with.",
  },
  newerFormat: { title: "A newer Hearth wrote there", nextStep: "Update Hearth on this laptop, then sync again." },
  otherCommunity: {
    title: "That belongs to another community",
    nextStep: "Choose your community's own folder or address.",
  },
  needsInvitation: {
    title: "This laptop has no key for it",
    nextStep: "Join with an invitation from one of the community's leads.",
  },
};

export function explain(error: CommandError): Explanation {
  if (error.code === "target" && error.target) return targetExplanations[error.target];
  return explanations[error.code];
}

/** The message to show beside a form field, when the error is about that field. */
export function fieldMessage(error: CommandError | null, field: string): string | null {
  return error?.code === "invalid" && error.field === field ? error.message : null;
}
