// Gatehouse's extension routes (refresh tokens, sessions, logout, unlock,
// audit) driven through the official SDK's generic pb.send, the way an
// app would call routes PocketBase itself does not have. Run through
// `go test ./cmd/gatehouse -run TestPocketBaseSDK` (see README.md).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, login, nextSecond, rejectsWith, signUp, superuser } from './helpers.mjs';

const USERS_ID = '_pb_users_auth_';
const REFRESH = '/api/collections/users/auth-with-refresh-token';
const SESSIONS = '/api/collections/users/sessions';

/** loginOn signs in on a fresh client that identifies as userAgent. */
async function loginOn(userAgent, email, password) {
    const pb = client();
    await pb.collection('users').authWithPassword(email, password, {
        headers: { 'User-Agent': userAgent },
    });
    return pb;
}

describe('Gatehouse extensions through pb.send', { concurrency: false }, () => {
    test('withRefreshToken: the store is filled and meta carries the refresh token', async () => {
        const { record, email, password } = await signUp('ext-rt');
        const pb = client();
        const res = await pb.collection('users').authWithPassword(email, password, {
            query: { withRefreshToken: true },
        });
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, record.id);
        assert.equal(typeof res.meta?.refreshToken, 'string', `meta: ${JSON.stringify(res.meta)}`);
        assert.ok(res.meta.refreshToken.length >= 32, 'a refresh token must be long enough to be unguessable');
        assert.notEqual(res.meta.refreshToken, res.token);
        assert.ok(
            Date.parse(res.meta.refreshTokenExpires.replace(' ', 'T')) > Date.now(),
            `refreshTokenExpires ${res.meta.refreshTokenExpires} is not in the future`,
        );

        // A plain login carries no refresh token.
        const plain = await client().collection('users').authWithPassword(email, password);
        assert.equal(plain.meta?.refreshToken, undefined);
    });

    test('exchange a refresh token, save the answer, keep using the SDK', async () => {
        const { record, email, password } = await signUp('ext-rotate');
        const pb = client();
        const first = await pb.collection('users').authWithPassword(email, password, {
            query: { withRefreshToken: true },
        });
        await nextSecond(); // a token minted in a later second is provably new

        const ex = await pb.send(REFRESH, { method: 'POST', body: { refreshToken: first.meta.refreshToken } });
        assert.equal(ex.record.id, record.id);
        assert.equal(ex.record.email, email);
        assert.notEqual(ex.token, first.token);
        assert.notEqual(ex.meta.refreshToken, first.meta.refreshToken, 'the refresh token must rotate');
        pb.authStore.save(ex.token, ex.record);
        assert.equal(pb.authStore.isValid, true);

        const refreshed = await pb.collection('users').authRefresh();
        assert.equal(refreshed.record.id, record.id);

        // An honest retry of the old token (another tab) inside the grace
        // window gets the same successor, not a revocation.
        const retry = await client().send(REFRESH, {
            method: 'POST',
            body: { refreshToken: first.meta.refreshToken },
        });
        assert.equal(retry.meta.refreshToken, ex.meta.refreshToken);

        const err = await rejectsWith(client().send(REFRESH, { method: 'POST', body: { refreshToken: 'nope' } }), 401);
        assert.deepEqual(err.response.data, {});
    });

    test('list sessions, then logout-others ends the other device', async () => {
        const { email, password } = await signUp('ext-sessions');
        const a = await loginOn('device-a', email, password);
        const b = await loginOn('device-b', email, password);

        const before = await a.send(SESSIONS, {});
        assert.equal(before.totalItems, 2);
        assert.deepEqual(before.items.map((s) => s.userAgent).sort(), ['device-a', 'device-b']);
        const current = before.items.filter((s) => s.current);
        assert.equal(current.length, 1);
        assert.equal(current[0].userAgent, 'device-a');
        assert.deepEqual(current[0].methods, ['pwd']);
        assert.equal(current[0].impersonated, false);

        await a.send('/api/collections/users/logout-others', { method: 'POST' });
        await rejectsWith(b.collection('users').authRefresh(), 401);
        await a.collection('users').authRefresh();

        const after = await a.send(SESSIONS, {});
        assert.equal(after.items.length, 1);
        assert.equal(after.items[0].current, true);
        assert.equal(after.items[0].userAgent, 'device-a');
    });

    test('revoke one session by id', async () => {
        const { email, password } = await signUp('ext-revoke');
        const a = await loginOn('laptop', email, password);
        const b = await loginOn('phone', email, password);
        const list = await a.send(SESSIONS, {});
        const phone = list.items.find((s) => s.userAgent === 'phone');
        assert.ok(phone, JSON.stringify(list.items));

        await a.send(`${SESSIONS}/${encodeURIComponent(phone.id)}`, { method: 'DELETE' });
        await rejectsWith(b.collection('users').authRefresh(), 401);
        await a.collection('users').authRefresh();
    });

    test('logout ends this session and its refresh token', async () => {
        const { email, password } = await signUp('ext-logout');
        const pb = client();
        const res = await pb.collection('users').authWithPassword(email, password, {
            query: { withRefreshToken: true },
        });
        await pb.send('/api/collections/users/logout', { method: 'POST' });
        await rejectsWith(pb.collection('users').authRefresh(), 401);
        await rejectsWith(client().send(REFRESH, { method: 'POST', body: { refreshToken: res.meta.refreshToken } }), 401);
        // A guest cannot log out.
        await rejectsWith(client().send('/api/collections/users/logout', { method: 'POST' }), 401);
    });

    test('superuser reads the audit log; a user may not', async () => {
        const { record, email, password } = await signUp('ext-audit');
        const user = await login(email, password);
        const su = await superuser();

        const all = await su.send('/api/audit', { query: { type: 'login.success' } });
        assert.ok(all.items.length >= 2, 'the user and the superuser logged in');
        assert.ok(all.items.every((e) => e.type === 'login.success'), JSON.stringify(all.items));

        const mine = await su.send('/api/audit', { query: { type: 'login.success', user: record.id } });
        assert.equal(mine.totalItems, 1, JSON.stringify(mine.items));
        const e = mine.items[0];
        assert.equal(e.targetId, record.id);
        assert.equal(e.targetCollectionId, USERS_ID);
        assert.equal(e.ip, '127.0.0.1');
        assert.match(e.time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);

        await rejectsWith(user.send('/api/audit', {}), 403);
        await rejectsWith(client().send('/api/audit', {}), 401);
    });

    test('a locked account is unlocked by a superuser', async () => {
        const { record, email, password } = await signUp('ext-lock');
        for (let i = 0; i < 5; i++) {
            await rejectsWith(client().collection('users').authWithPassword(email, `wrong-${i}`), 400);
        }
        const locked = await rejectsWith(client().collection('users').authWithPassword(email, password), 400);
        assert.equal(locked.message, 'Failed to authenticate.');

        const su = await superuser();
        await su.send(`/api/collections/users/records/${record.id}/unlock`, { method: 'POST' });
        await login(email, password);

        const events = await su.send('/api/audit', {
            query: { user: record.id, type: 'account.locked,account.unlocked' },
        });
        assert.deepEqual(events.items.map((ev) => ev.type), ['account.unlocked', 'account.locked']);
    });
});
