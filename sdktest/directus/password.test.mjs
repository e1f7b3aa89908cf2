// passwordRequest and passwordReset with the token read from the mailed
// link, against the default server (its allow list holds RESET_URL).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { passwordRequest, passwordReset } from '@directus/sdk';
import {
    DIRECTUS_URL, RESET_URL, client, createUser, mailMatches, newPassword, rejectsWith, tokenLinkRe, uniqueEmail,
    waitForMail,
} from './helpers.mjs';

describe('password reset', () => {
    test('the mailed token sets a new password, once', async () => {
        const { email, password } = await createUser('reset');
        const { sdk } = client('json');
        assert.equal(await sdk.request(passwordRequest(email)), null);
        const [, base, token] = await waitForMail(email, tokenLinkRe);
        // The default link is the surface's own reset page.
        assert.equal(new URL(base).pathname, new URL(DIRECTUS_URL).pathname + '/admin/reset-password');

        const fresh = newPassword();
        assert.equal(await sdk.request(passwordReset(token, fresh)), null);
        await rejectsWith(client('json').sdk.login({ email, password }), 401, 'INVALID_CREDENTIALS');
        const auth = await client('json').sdk.login({ email, password: fresh });
        assert.equal(typeof auth.access_token, 'string');

        // The token is spent, and the password it set stays.
        await rejectsWith(sdk.request(passwordReset(token, newPassword())), 403, 'INVALID_TOKEN');
        await client('json').sdk.login({ email, password: fresh });
    });

    test('an allow-listed reset_url leads the mail there', async () => {
        const { email } = await createUser('reset-url');
        const { sdk } = client('json');
        assert.equal(await sdk.request(passwordRequest(email, RESET_URL)), null);
        const [, base, token] = await waitForMail(email, tokenLinkRe);
        assert.equal(base, RESET_URL);
        assert.ok(token.length >= 16);
    });

    test('a reset_url off the allow list is refused', async () => {
        const { email } = await createUser('reset-evil');
        const { sdk } = client('json');
        await rejectsWith(sdk.request(passwordRequest(email, 'https://evil.example/steal')), 400, 'INVALID_PAYLOAD');
        await delay(300);
        assert.equal((await mailMatches(email, tokenLinkRe)).length, 0, 'no mail for a refused request');
    });

    test('an unknown email gets the same empty answer and no mail', async () => {
        const email = uniqueEmail('nobody');
        assert.equal(await client('json').sdk.request(passwordRequest(email)), null);
        await delay(300);
        assert.equal((await mailMatches(email, tokenLinkRe)).length, 0);
    });

    test('a made-up token is refused', async () => {
        const { sdk } = client('json');
        await rejectsWith(sdk.request(passwordReset('not-a-token', newPassword())), 403, 'INVALID_TOKEN');
    });
});
