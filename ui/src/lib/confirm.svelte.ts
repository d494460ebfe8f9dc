// Asking before something that cannot be undone. `window.confirm` cannot be used in the
// window: the dialog plugin replaces it with one that returns a Promise, which is always truthy,
// so `if (!confirm(…)) return` would go ahead whatever the answer. One question at a time is
// shown by <ConfirmDialog>, mounted once in App.

export type Question = {
  message: string;
  /** The button that goes ahead ("Remove", "Delete"…). */
  action: string;
  answer: (yes: boolean) => void;
};

export const asking = $state<{ question: Question | null }>({ question: null });

/** Shows `message` with Cancel and `action`; resolves true only when the user chose `action`. */
export function confirmAction(message: string, action: string): Promise<boolean> {
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
