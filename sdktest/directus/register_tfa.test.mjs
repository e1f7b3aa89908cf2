// registerUser with verification through the mailed link, then two-factor
// login: generateTwoFactorSecret, enableTwoFactor and a login that needs
// `otp`. Codes come from otplib, an implementation independent of the
// server's. Against the default server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import {
    enableTwoFactor, generateTwoFactorSecret, readMe, registerUser, registerUserVerify, withOptions,
} from '@directus/sdk';
import {
    DIRECTUS_URL, client, currentStep, mailMatches, newPassword, rejectsWith, tokenLinkRe, totpAt, uniqueEmail,
    waitForMail,
} from './helpers.mjs';

/**
 * registerVerified signs a user up with registerUser, follows the mailed
 * verification link through registerUserVerify and returns the
 * credentials.
 */
async function registerVerified(tag) {
    const email = uniqueEmail(tag);
    const password = newPassword();
    const { sdk } = client('json');
    assert.equal(await sdk.request(registerUser(email, password, { first_name: 'Ada', last_name: 'Lovelace' })), null);
    const [, base, token] = await waitForMail(email, tokenLinkRe);
    assert.equal(new URL(base).pathname, new URL(DIRECTUS_URL).pathname + '/users/register/verify-email');
    // The server answers with a redirect, as Directus does (to its admin
    // app); stop at it to read where it points.
    const res = await sdk.request(withOptions(registerUserVerify(token), { redirect: 'manual' }));
    assert.ok(res instanceof Response, `want the raw redirect, got ${JSON.stringify(res)}`);
    assert.equal(res.status, 302);
    assert.ok(res.headers.get('Location'), 'redirect without a Location');
    return { email, password, location: res.headers.get('Location') };
}

describe('registration', () => {
    test('registerUser, verify through the mailed link, log in', async () => {
        const { email, password, location } = await registerVerified('register');
        assert.doesNotMatch(location, /login/, `verification failed: redirected to ${location}`);
        const { sdk } = client('json');
        await sdk.login({ email, password });
        const me = await sdk.request(readMe());
        assert.equal(me.email, email);
        assert.equal(me.first_name, 'Ada');
        assert.equal(me.last_name, 'Lovelace');
        assert.equal(me.status, 'active');
        // Directus sends the verified user to their page in its admin app.
        assert.ok(location.endsWith(`/admin/users/${me.id}`), `redirected to ${location}`);
    });

    test('registering a taken email answers the same, and mails nothing new', async () => {
        const { email, password } = await registerVerified('taken');
        const { sdk } = client('json');
        assert.equal(await sdk.request(registerUser(email, newPassword())), null);
        await delay(300);
        assert.equal((await mailMatches(email, tokenLinkRe)).length, 1, 'only the first registration mailed a link');
        // The account keeps its password.
        await client('json').sdk.login({ email, password });
    });

    test('a bad verification token redirects to the login page', async () => {
        const { sdk } = client('json');
        const res = await sdk.request(withOptions(registerUserVerify('not-a-token'), { redirect: 'manual' }));
        assert.equal(res.status, 302);
        assert.match(res.headers.get('Location'), /login/);
    });
});

describe('two-factor login', () => {
    test('generate, enable, then login needs the otp', async () => {
        const { email, password } = await registerVerified('tfa');
        const { sdk } = client('json');
        await sdk.login({ email, password });

        await rejectsWith(sdk.request(generateTwoFactorSecret('not-the-password')), 401, 'INVALID_CREDENTIALS');
        const { secret, otpauth_url } = await sdk.request(generateTwoFactorSecret(password));
        assert.match(secret, /^[A-Z2-7]{16,}$/);
        const link = new URL(otpauth_url);
        assert.equal(link.protocol, 'otpauth:');
        assert.equal(link.searchParams.get('secret'), secret);

        const step = currentStep();
        await rejectsWith(sdk.request(enableTwoFactor(secret, wrongCode(totpAt(secret, step)))), 400, 'INVALID_PAYLOAD');
        assert.equal(await sdk.request(enableTwoFactor(secret, totpAt(secret, step))), null);

        // A password alone, or with a wrong code, is INVALID_OTP.
        await rejectsWith(client('json').sdk.login({ email, password }), 401, 'INVALID_OTP');
        await rejectsWith(client('json').sdk.login({ email, password }, { otp: wrongCode(totpAt(secret, step + 1)) }), 401, 'INVALID_OTP');
        // The wrong password with the right code is still only
        // INVALID_CREDENTIALS.
        await rejectsWith(client('json').sdk.login({ email, password: 'not-the-password' }, { otp: totpAt(secret, step + 1) }), 401, 'INVALID_CREDENTIALS');

        // The next step's code (one step of drift is accepted; the step
        // that enabled the factor is spent) completes the login.
        const second = client('json');
        const auth = await second.sdk.login({ email, password }, { otp: totpAt(secret, step + 1) });
        assert.equal(typeof auth.access_token, 'string');
        const me = await second.sdk.request(readMe());
        assert.equal(me.email, email);
        assert.equal(me.tfa_secret, '**********', 'readMe shows the factor is on, masked');
    });
});

/** wrongCode returns a six-digit code that differs from code. */
function wrongCode(code) {
    return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}
