// What makes a password acceptable, the same on both sides: the Worker refuses a weak one at
// sign-up (400 weak_password) and the sign-up form says why while it is typed. Strength is
// estimated by zxcvbn-ts against its list of commonly used passwords and its keyboard layouts,
// so "password1", "12345678", "qwertyui", "aaaaaaaa", a date or the username itself are
// refused, while a long phrase of ordinary words passes. Imports only those packages.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MAX, PASSWORD_MIN } from "./password-rules";

export { PASSWORD_MAX, PASSWORD_MIN };

/** zxcvbn's 0–4 scale; 3 means about 10^8 guesses or more, beyond an online attack's reach. */
const MIN_SCORE = 3;

const WARNINGS: Record<string, string> = {
  straightRow: "Rows of keys on the keyboard are easy to guess.",
  keyPattern: "Short keyboard patterns are easy to guess.",
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the ten most used passwords.",
  topHundred: "This is one of the hundred most used passwords.",
  common: "This is a commonly used password.",
  similarToCommon: "This is too close to a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common names are easy to guess.",
  userInputs: "It contains your username or name.",
};

// Built on first use, and held here only weakly: its lookup tables take about 4 MB of heap. In
// a Worker's isolate, where the rooms' sockets live too, the next full garbage collection lets
// them go instead of marking them again in every later one (a full collection's pause grows
// with the live heap); building them again costs a later sign-up a few tens of milliseconds.
// A form being typed in holds them itself, through passwordChecker().
let estimator: WeakRef<ZxcvbnFactory> | undefined;
function estimate(): ZxcvbnFactory {
  const held = estimator?.deref();
  if (held) return held;
  const built = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs, maxLength: 64 });
  estimator = new WeakRef(built);
  return built;
}

/** Whether the estimator is still in memory (for tests). */
export const estimatorHeld = (): boolean => estimator?.deref() !== undefined;

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

/** Whether `password` may be used, and if not, why, in a sentence for the person choosing it.
 * `personal` are words the password must not lean on (username, display name). */
export function checkPassword(password: string, personal: string[] = []): PasswordVerdict {
  return verdict(estimate, password, personal);
}

/** checkPassword for a form that checks on every keystroke: the checker keeps the lookup
 * tables (built on its first call) for as long as the form keeps the checker. */
export function passwordChecker(): typeof checkPassword {
  let held: ZxcvbnFactory | undefined;
  const get = () => (held ??= estimate());
  return (password, personal = []) => verdict(get, password, personal);
}

/** The verdict; `tables` is asked for the estimator only once the length is right. */
function verdict(tables: () => ZxcvbnFactory, password: string, personal: string[]): PasswordVerdict {
  if (password.length < PASSWORD_MIN) return { ok: false, reason: `Use at least ${PASSWORD_MIN} characters.` };
  if (password.length > PASSWORD_MAX) return { ok: false, reason: `Use at most ${PASSWORD_MAX} characters.` };
  const result = tables().check(
    password,
    personal.filter((w) => w.trim().length >= 3),
  );
  if (result.score >= MIN_SCORE) return { ok: true };
  const warning = WARNINGS[result.feedback.warning ?? ""] ?? "This password is too easy to guess.";
  return { ok: false, reason: `${warning} Add another word or two.` };
}
