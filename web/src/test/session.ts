// Signs the app's session in as `username` with a token good for an hour (its claims only: the
// tests that use it never send it to a server).
import { session } from "../session";

export function signInAs(username = "ann", displayName = "Ann") {
  const now = Math.floor(Date.now() / 1000);
  const token = `h.${btoa(JSON.stringify({ sub: "u1", iat: now, exp: now + 3600 })).replace(/=+$/, "")}.s`;
  const user = { id: "u1", username, displayName, createdAt: "2026-01-01T00:00:00.000Z" };
  session.signIn({ token, user });
  return user;
}
