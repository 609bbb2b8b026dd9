// The admin of a test stack signed in through the API, as the cookie header its pages take
// (the stack's admin password is stack.ts's; scrypt makes a sign-in slow: sign in once).
import assert from 'node:assert/strict';

export async function adminCookie(url: string): Promise<string> {
  const signIn = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: 'test-password-long' }),
  });
  assert.equal(signIn.status, 200);
  return signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
