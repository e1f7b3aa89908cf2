// Login, explicit refresh, readMe and logout through the SDK's
// authentication composable in each of its three modes, against the
// default server (Directus at /directus, Directus's default lifetimes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readMe, refresh as refreshCommand } from '@directus/sdk';
import { DIRECTUS_URL, client, createUser, post, rejectsWith } from './helpers.mjs';

const REFRESH_COOKIE = 'directus_refresh_token';
const SESSION_COOKIE = 'directus_session_token';
const DAY_MS = 86_400_000;
const ACCESS_MS = 900_000;

/** refreshRaw replays a refresh with fetch, outside the SDK. */
function refreshRaw(body, cookie) {
    return post(`${DIRECTUS_URL}/auth/refresh`, body, cookie ? { Cookie: cookie } : {});
}

/** assertCookie checks the flags Directus sets on its cookies. */
function assertCookie(c, name, maxAgeMs) {
    assert.ok(c, `no ${name} cookie`);
    assert.ok('httponly' in c.attrs, `${name} is not HttpOnly`);
    assert.equal(c.path, '/', `${name} path`);
    assert.equal(c.attrs.samesite?.toLowerCase(), 'lax', `${name} SameSite`);
    assert.equal(Number(c.attrs['max-age']), maxAgeMs / 1000, `${name} Max-Age`);
    assert.ok(!c.secure, `${name} is Secure on an http server`);
}

describe('json mode', () => {
    test('login, readMe, refresh, logout; the old refresh token is dead', async () => {
        const { email, password } = await createUser('json');
        const { sdk, jar } = client('json');
        const auth = await sdk.login({ email, password });
        assert.equal(auth.expires, ACCESS_MS);
        assert.equal(typeof auth.access_token, 'string');
        assert.match(auth.refresh_token, /^\S{32,}$/);
        assert.equal(jar.get(REFRESH_COOKIE), undefined, 'json mode sets no cookie');

        const me = await sdk.request(readMe());
        assert.equal(me.email, email);
        assert.equal(typeof me.id, 'string');

        const next = await sdk.refresh();
        assert.equal(next.expires, ACCESS_MS);
        assert.notEqual(next.refresh_token, auth.refresh_token, 'refresh rotates the token');
        assert.equal(await sdk.getToken(), next.access_token, 'the SDK keeps the new access token');
        assert.equal((await sdk.request(readMe({ fields: ['email'] }))).email, email);

        await sdk.logout();
        assert.equal(await sdk.getToken(), null, 'logout clears the SDK storage');
        const replay = await refreshRaw({ mode: 'json', refresh_token: next.refresh_token });
        assert.equal(replay.status, 401, JSON.stringify(replay.body));
        assert.equal(replay.body.errors[0].extensions.code, 'INVALID_CREDENTIALS');
        // The access token of the ended session no longer opens /users/me.
        const stale = client('json');
        await stale.sdk.setToken(next.access_token);
        const err = await rejectsWith(stale.sdk.request(readMe()), 401, 'INVALID_CREDENTIALS');
        assert.ok(err.errors[0].message);
    });

    test('a wrong password is INVALID_CREDENTIALS', async () => {
        const { email } = await createUser('json-bad');
        const { sdk } = client('json');
        await rejectsWith(sdk.login({ email, password: 'not-the-password' }), 401, 'INVALID_CREDENTIALS');
        await rejectsWith(sdk.login({ email: 'nobody-' + email, password: 'whatever-pw' }), 401, 'INVALID_CREDENTIALS');
        assert.equal(await sdk.getToken(), null);
    });

    test('replaying a rotated refresh token is refused at once and ends the session', async () => {
        const { email, password } = await createUser('json-replay');
        const { sdk } = client('json');
        const auth = await sdk.login({ email, password });
        const next = await sdk.refresh();
        // As in Directus the rotated token is dead immediately; Gatehouse
        // also treats its reuse as theft and revokes the whole session.
        const replay = await refreshRaw({ mode: 'json', refresh_token: auth.refresh_token });
        assert.equal(replay.status, 401, JSON.stringify(replay.body));
        assert.equal(replay.body.errors[0].extensions.code, 'INVALID_CREDENTIALS');
        const successor = await refreshRaw({ mode: 'json', refresh_token: next.refresh_token });
        assert.equal(successor.status, 401, 'the successor died with the session: ' + JSON.stringify(successor.body));
        await rejectsWith(sdk.request(readMe()), 401, 'INVALID_CREDENTIALS');
    });

    test('the refresh command with a refresh_token works without the composable', async () => {
        const { email, password } = await createUser('json-cmd');
        const { sdk } = client('json');
        const auth = await sdk.login({ email, password });
        const next = await client('json').sdk.request(refreshCommand({ mode: 'json', refresh_token: auth.refresh_token }));
        assert.equal(next.expires, ACCESS_MS);
        assert.notEqual(next.refresh_token, auth.refresh_token);
    });
});

describe('cookie mode', () => {
    test('login, readMe, refresh, logout; the old refresh cookie is dead', async () => {
        const { email, password } = await createUser('cookie');
        const { sdk, jar } = client('cookie');
        const auth = await sdk.login({ email, password });
        assert.equal(auth.expires, ACCESS_MS);
        assert.equal(typeof auth.access_token, 'string');
        assert.equal(auth.refresh_token, undefined, 'cookie mode keeps the refresh token out of the body');
        const first = jar.get(REFRESH_COOKIE);
        assertCookie(first, REFRESH_COOKIE, 7 * DAY_MS);

        assert.equal((await sdk.request(readMe())).email, email);

        const next = await sdk.refresh();
        assert.equal(next.expires, ACCESS_MS);
        assert.equal(next.refresh_token, undefined);
        const second = jar.get(REFRESH_COOKIE);
        assert.notEqual(second.value, first.value, 'refresh rotates the cookie');
        assert.equal((await sdk.request(readMe())).email, email);

        await sdk.logout();
        assert.equal(jar.get(REFRESH_COOKIE), undefined, 'logout clears the cookie');
        assert.equal(await sdk.getToken(), null);
        const replay = await refreshRaw({ mode: 'cookie' }, `${REFRESH_COOKIE}=${second.value}`);
        assert.equal(replay.status, 401, JSON.stringify(replay.body));
        assert.equal(replay.body.errors[0].extensions.code, 'INVALID_CREDENTIALS');
    });

    test('refresh without a cookie is INVALID_PAYLOAD', async () => {
        const { sdk } = client('cookie');
        await rejectsWith(sdk.refresh(), 400, 'INVALID_PAYLOAD');
    });
});

describe('session mode', () => {
    test('login, readMe, refresh, logout; the old session cookie is dead', async () => {
        const { email, password } = await createUser('session');
        const { sdk, jar, storage } = client('session');
        const auth = await sdk.login({ email, password });
        assert.equal(auth.expires, DAY_MS);
        assert.equal(auth.access_token, undefined, 'session mode keeps the token in the cookie');
        assert.equal(auth.refresh_token, undefined);
        assert.equal(await sdk.getToken(), null, 'so the SDK sends no Bearer header');
        const first = jar.get(SESSION_COOKIE);
        assertCookie(first, SESSION_COOKIE, DAY_MS);
        assert.equal(jar.get(REFRESH_COOKIE), undefined);

        // The cookie alone authenticates.
        assert.equal((await sdk.request(readMe())).email, email);

        const next = await sdk.refresh();
        assert.equal(next.expires, DAY_MS);
        const second = jar.get(SESSION_COOKIE);
        assert.notEqual(second.value, first.value, 'refresh rotates the session cookie');
        assert.equal(storage.sets.length, 2, 'login and refresh each stored the answer');
        assert.equal((await sdk.request(readMe())).email, email);

        await sdk.logout();
        assert.equal(jar.get(SESSION_COOKIE), undefined, 'logout clears the cookie');
        // The logged-out cookie is dead. (The one it replaced lives out
        // its grace period, session_grace, as in Directus.)
        const stale = client('session');
        stale.jar.store([`${SESSION_COOKIE}=${second.value}; Path=/`]);
        const err = await rejectsWith(stale.sdk.request(readMe()), 401, 'INVALID_CREDENTIALS');
        assert.ok(err.errors[0].message);
        assert.equal(stale.jar.get(SESSION_COOKIE), undefined, 'the refusal clears the bad session cookie');
        const replay = await refreshRaw({ mode: 'session' }, `${SESSION_COOKIE}=${second.value}`);
        assert.equal(replay.status, 401, JSON.stringify(replay.body));
        assert.equal(replay.body.errors[0].extensions.code, 'INVALID_CREDENTIALS');
    });
});
