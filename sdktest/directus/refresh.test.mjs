// The SDK's automatic refresh, against the server with Directus mounted at
// "/" and 31 s access and session tokens. The SDK schedules a refresh
// 30 s before expiry, and only for lifetimes over 30 s, so with 31 s its
// timer fires about a second after login; getToken() refreshes on its own
// once the token is within 30 s of expiry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { readMe } from '@directus/sdk';
import { DIRECTUS_URL_SHORT, client, createUser } from './helpers.mjs';

const TTL_MS = 31_000;

/** waitFor polls cond every 50 ms for up to ms and fails if it stays false. */
async function waitFor(cond, ms, what) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (await cond()) return;
        await delay(50);
    }
    assert.fail(`${what} did not happen within ${ms} ms`);
}

for (const mode of ['json', 'cookie', 'session']) {
    describe(`${mode} mode`, () => {
        test('the SDK refreshes on its own before the token expires', async () => {
            const { email, password } = await createUser(`auto-${mode}`, DIRECTUS_URL_SHORT);
            const { sdk, jar, storage } = client(mode, { url: DIRECTUS_URL_SHORT });
            const auth = await sdk.login({ email, password });
            assert.equal(auth.expires, TTL_MS);
            const cookieName = mode === 'session' ? 'directus_session_token' : 'directus_refresh_token';
            const before = jar.get(cookieName)?.value;
            if (mode !== 'json') assert.ok(before, `no ${cookieName} after login`);
            try {
                // No request of ours runs meanwhile: a second stored token
                // can only come from the SDK's timer.
                await waitFor(() => storage.sets.length >= 2, 5_000, 'the automatic refresh');
                const refreshed = storage.sets[1];
                assert.equal(refreshed.expires, TTL_MS);
                if (mode === 'json') {
                    assert.notEqual(refreshed.refresh_token, auth.refresh_token);
                    assert.notEqual(refreshed.access_token, undefined);
                } else {
                    assert.notEqual(jar.get(cookieName).value, before, 'the refresh rotated the cookie');
                }
                assert.equal((await sdk.request(readMe())).email, email);
            } finally {
                sdk.stopRefreshing();
            }
        });

        test('getToken() refreshes a token about to expire', async () => {
            const { email, password } = await createUser(`get-${mode}`, DIRECTUS_URL_SHORT);
            const { sdk, storage } = client(mode, { url: DIRECTUS_URL_SHORT, autoRefresh: false });
            const auth = await sdk.login({ email, password });
            assert.equal(storage.sets.length, 1);
            // Within the first second the token is not yet due.
            if (mode !== 'session') assert.equal(await sdk.getToken(), auth.access_token);
            await delay(TTL_MS - 30_000 + 200);
            const token = await sdk.getToken();
            assert.equal(storage.sets.length, 2, 'getToken() refreshed');
            if (mode === 'session') {
                assert.equal(token, null, 'session mode has no token in storage');
            } else {
                assert.equal(typeof token, 'string');
            }
            assert.equal((await sdk.request(readMe())).email, email);
        });
    });
}
