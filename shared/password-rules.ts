// The password rules as people read them, apart from the strength estimator (shared/
// password.ts) so that a form can show them at once, before the estimator has loaded.

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const PASSWORD_RULES = [
  `At least ${PASSWORD_MIN} characters; a few ordinary words together work well`,
  "Not a commonly used password, a keyboard pattern or a date",
  "Not your username or name",
];
