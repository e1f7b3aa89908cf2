// first-register, init, registration with `verify` on and verifyEmail
// with the mailed token, against a server with no users yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAIL_DIR_FRESH, PAYLOAD_URL_FRESH, call, client, newPassword, rejectsWith, uniqueEmail, verifyLinkRe, waitForToken } from './helpers.mjs';

test('first-register while empty, then registration and verifyEmail', async () => {
    const { sdk, jar } = client({ url: PAYLOAD_URL_FRESH, cookie: true });
    assert.deepEqual(await call(sdk, 'GET', '/users/init'), { initialized: false });

    const first = { email: uniqueEmail('first'), password: newPassword() };
    const res = await call(sdk, 'POST', '/users/first-register', { json: first });
    assert.equal(res.message, 'Successfully registered first user.');
    assert.equal(res.user.email, first.email);
    assert.equal(res.user._verified, true, 'the first user is verified');
    assert.equal(jar.get('payload-token'), res.token);
    assert.equal((await sdk.me({ collection: 'users' })).user.email, first.email);
    assert.deepEqual(await call(sdk, 'GET', '/users/init'), { initialized: true });
    await rejectsWith(call(sdk, 'POST', '/users/first-register', { json: { email: uniqueEmail('second'), password: newPassword() } }),
        403, 'You are not allowed to perform this action.');

    // Registration is the collection's create; verify is on.
    const guest = client({ url: PAYLOAD_URL_FRESH }).sdk;
    const user = { email: uniqueEmail('verify'), password: newPassword() };
    const doc = await guest.create({ collection: 'users', data: user });
    assert.equal(doc.email, user.email);
    assert.equal(doc._verified, false);
    await rejectsWith(guest.login({ collection: 'users', data: user }), 403, 'Please verify your email before logging in.');
    await rejectsWith(guest.verifyEmail({ collection: 'users', token: 'bogus-token' }), 403, 'Verification token is invalid.');
    const token = await waitForToken(user.email, verifyLinkRe, MAIL_DIR_FRESH);
    assert.deepEqual(await guest.verifyEmail({ collection: 'users', token }), { message: 'Account verified successfully.' });
    const login = await guest.login({ collection: 'users', data: user });
    assert.equal(login.user._verified, true);
});
