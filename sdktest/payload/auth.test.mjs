// Login, me, refreshToken and logout through the official SDK, once
// with the token in `Authorization: JWT` and once with the payload-token
// cookie; then the password reset with the mailed token, the lockout and
// unlock, and the access view, against the default server (Payload at
// /payload, Payload's defaults).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COOKIE, auth, call, client, createUser, newPassword, rejectsWith, resetLinkRe, waitForToken } from './helpers.mjs';

const TOKEN_SECONDS = 7200;

/** claims decodes a token's claims (no check: the server signed it). */
function claims(token) {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('Authorization: JWT', () => {
    test('login, me, refreshToken, logout', async () => {
        const { email, password } = await createUser('jwt');
        const { sdk } = client();
        const res = await sdk.login({ collection: 'users', data: { email, password } });
        assert.equal(res.message, 'Authentication Passed');
        assert.equal(res.user.email, email);
        assert.equal(res.user.collection, 'users');
        assert.equal(res.user._strategy, 'local-jwt');
        const c = claims(res.token);
        assert.equal(c.collection, 'users');
        assert.equal(c.email, email);
        assert.equal(c.id, res.user.id);
        assert.equal(res.exp, c.exp);
        assert.equal(c.exp - c.iat, TOKEN_SECONDS);
        assert.deepEqual(res.user.sessions.map((s) => s.id), [c.sid]);

        const me = await sdk.me({ collection: 'users' }, auth(res.token));
        assert.equal(me.user.id, res.user.id);
        assert.equal(me.token, res.token);
        assert.equal(me.strategy, 'local-jwt');
        assert.equal(me.collection, 'users');
        assert.equal(me.exp, c.exp);

        // A second later the refreshed token differs; the session stays.
        await new Promise((r) => setTimeout(r, 1100));
        const next = await sdk.refreshToken({ collection: 'users' }, auth(res.token));
        assert.equal(next.message, 'Token refresh successful.');
        assert.equal(next.setCookie, true);
        assert.notEqual(next.refreshedToken, res.token);
        assert.equal(claims(next.refreshedToken).sid, c.sid);
        assert.ok(next.exp > res.exp);
        assert.equal(next.user.email, email);

        const out = await call(sdk, 'POST', '/users/logout', { init: auth(next.refreshedToken) });
        assert.deepEqual(out, { message: 'Logout successful.' });
        const after = await sdk.me({ collection: 'users' }, auth(next.refreshedToken));
        assert.deepEqual(after, { user: null, message: 'Account' });
        await rejectsWith(sdk.refreshToken({ collection: 'users' }, auth(next.refreshedToken)), 403,
            'You are not allowed to perform this action.');
        await rejectsWith(call(sdk, 'POST', '/users/logout'), 400, 'No User');
    });

    test('a wrong password is AuthenticationError', async () => {
        const { email } = await createUser('wrong');
        const { sdk } = client();
        const err = await rejectsWith(sdk.login({ collection: 'users', data: { email, password: 'nope-nope' } }), 401,
            'The email or password provided is incorrect.');
        assert.deepEqual(err.errors, [{ message: 'The email or password provided is incorrect.' }]);
        const missing = await rejectsWith(sdk.login({ collection: 'users', data: { email } }), 400,
            'The following field is invalid: password');
        assert.equal(missing.errors[0].name, 'ValidationError');
        assert.deepEqual(missing.errors[0].data, { collection: 'users', errors: [{ message: 'This field is required.', path: 'password' }] });
    });
});

describe('payload-token cookie', () => {
    test('login sets the cookie; me, refreshToken and logout ride on it', async () => {
        const { email, password } = await createUser('cookie');
        const { sdk, jar } = client({ cookie: true });
        const res = await sdk.login({ collection: 'users', data: { email, password } });
        assert.equal(jar.get(COOKIE), res.token, 'login sets payload-token to the token');

        const me = await sdk.me({ collection: 'users' });
        assert.equal(me.user.email, email);
        assert.equal(me.token, res.token);

        await new Promise((r) => setTimeout(r, 1100));
        const next = await sdk.refreshToken({ collection: 'users' });
        assert.equal(jar.get(COOKIE), next.refreshedToken, 'refresh renews the cookie');
        assert.equal((await sdk.me({ collection: 'users' })).token, next.refreshedToken);

        // unlock and the access view authenticate by the cookie too.
        const other = await createUser('cookie-other');
        assert.deepEqual(await call(sdk, 'POST', '/users/unlock', { json: { email: other.email } }), { message: 'Success' });
        assert.equal((await call(sdk, 'GET', '/access')).canAccessAdmin, true);

        await call(sdk, 'POST', '/users/logout');
        assert.equal(jar.get(COOKIE), undefined, 'logout clears the cookie');
        await rejectsWith(call(sdk, 'POST', '/users/unlock', { json: { email: other.email } }), 403,
            'You are not allowed to perform this action.');
        assert.deepEqual(await sdk.me({ collection: 'users' }), { user: null, message: 'Account' });
    });
});

describe('password reset', () => {
    test('forgotPassword mails a token; resetPassword sets the password and logs in', async () => {
        const { email, password } = await createUser('reset');
        const { sdk } = client();
        assert.deepEqual(await sdk.forgotPassword({ collection: 'users', data: { email } }), { message: 'Success' });
        assert.deepEqual(await sdk.forgotPassword({ collection: 'users', data: { email: 'nobody-here@example.com' } }),
            { message: 'Success' }, 'an unknown address gets the same answer');
        const token = await waitForToken(email, resetLinkRe);
        const fresh = newPassword();
        const res = await sdk.resetPassword({ collection: 'users', data: { token, password: fresh } });
        assert.equal(res.message, 'Password reset successfully.');
        assert.equal(res.user.email, email);
        assert.equal((await sdk.me({ collection: 'users' }, auth(res.token))).user.email, email);
        await rejectsWith(sdk.resetPassword({ collection: 'users', data: { token, password: newPassword() } }), 403,
            'Token is either invalid or has expired.');
        await rejectsWith(sdk.login({ collection: 'users', data: { email, password } }), 401,
            'The email or password provided is incorrect.');
        await sdk.login({ collection: 'users', data: { email, password: fresh } });
    });
});

describe('lockout', () => {
    test('the fifth failure locks; unlock by another user lifts it', async () => {
        const { email, password } = await createUser('locked');
        const helper = await createUser('helper');
        const { sdk } = client();
        for (let i = 0; i < 5; i++) {
            await rejectsWith(sdk.login({ collection: 'users', data: { email, password: 'nope-nope' } }), 401,
                'The email or password provided is incorrect.');
        }
        const locked = 'This user is locked due to having too many failed login attempts.';
        await rejectsWith(sdk.login({ collection: 'users', data: { email, password } }), 401, locked);
        await rejectsWith(call(sdk, 'POST', '/users/unlock', { json: { email } }), 403,
            'You are not allowed to perform this action.');
        const { token } = await sdk.login({ collection: 'users', data: helper });
        assert.deepEqual(await call(sdk, 'POST', '/users/unlock', { json: { email }, init: auth(token) }), { message: 'Success' });
        const res = await sdk.login({ collection: 'users', data: { email, password } });
        assert.equal(res.user.email, email);
    });
});

describe('access and init', () => {
    test('GET /access lists what the caller may do; init says the collection has users', async () => {
        const { email, password } = await createUser('access');
        const { sdk } = client();
        assert.deepEqual(await call(sdk, 'GET', '/access'), { collections: { users: { create: true } }, globals: {} });
        const { token } = await sdk.login({ collection: 'users', data: { email, password } });
        const mine = await call(sdk, 'GET', '/access', { init: auth(token) });
        assert.equal(mine.canAccessAdmin, true);
        assert.deepEqual(mine.collections.users,
            { create: true, read: true, update: true, delete: true, unlock: true, fields: true });
        assert.deepEqual(await call(sdk, 'GET', '/users/init'), { initialized: true });
    });
});
