// Asking before something that cannot be undone. `window.confirm` cannot be used in the
// window: the dialog plugin replaces it with one that returns a Promise, which is always truthy,
// so `if (!confirm(…)) return` would go ahead whatever the answer. One question at a time is
// shown by <ConfirmDialog>, mounted once in App; it also tells what went wrong after the
// person agreed, where no form is there to show it (`tell`).

export type Question = {
  message: string;
  /** The button that goes ahead ("Remove", "Delete"…); null for a message with OK alone. */
  action: string | null;
  answer: (yes: boolean) => void;
};

export const asking = $state<{ question: Question | null }>({ question: null });

/** Shows `message` with Cancel and `action`; resolves true only when the user chose `action`. */
export function confirmAction(message: string, action: string): Promise<boolean> {
  return ask(message, action);
}

/** Shows `message` with an OK button alone (no choice to make); resolves once it is closed. */
export async function tell(message: string): Promise<void> {
  await ask(message, null);
}

/** Replaces any question still shown (its answer: no) with this one. */
function ask(message: string, action: string | null): Promise<boolean> {
  asking.question?.answer(false);
  return new Promise((resolve) => {
    asking.question = {
      message,
      action,
      answer: (yes) => {
        asking.question = null;
        resolve(yes);
      },
    };
  });
}
