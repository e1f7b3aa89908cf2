// Helpers for the SDK tests: configuration from the environment, fresh
// clients, unique users, error assertions and the dev-mailbox reader.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { mailMatches, poll, requireEnv, uniqueEmail } from '../common/helpers.mjs';

export { uniqueEmail };

/** env returns a required environment variable or throws. */
export function env(name) {
    return requireEnv(name, 'TestPocketBaseSDK');
}

export const PB_URL = env('PB_URL');
export const MAIL_DIR = env('MAIL_DIR');
export const SUPERUSER_EMAIL = env('SUPERUSER_EMAIL');
export const SUPERUSER_PASSWORD = env('SUPERUSER_PASSWORD');

/**
 * client returns a fresh SDK client with its own in-memory auth store, as
 * a separate browser tab would have. Auto-cancellation is left on, as in
 * real apps: every call here is awaited, so nothing is cancelled.
 */
export function client() {
    return new PocketBase(PB_URL);
}

/**
 * signUp creates a user as a guest through the SDK and returns the
 * created record with the email and password used.
 */
export async function signUp(tag, extra = {}) {
    const email = uniqueEmail(tag);
    const password = 'pw-' + randomBytes(6).toString('hex');
    const record = await client().collection('users').create({
        email,
        password,
        passwordConfirm: password,
        ...extra,
    });
    return { record, email, password };
}

/** login signs a user in on a fresh client and returns the client. */
export async function login(email, password, collection = 'users') {
    const pb = client();
    await pb.collection(collection).authWithPassword(email, password);
    return pb;
}

/** superuser returns a client signed in as the harness's superuser. */
export function superuser() {
    return login(SUPERUSER_EMAIL, SUPERUSER_PASSWORD, '_superusers');
}

/**
 * rejectsWith awaits promise, asserts it fails with a ClientResponseError
 * of the given status, and returns the error for further checks.
 */
export async function rejectsWith(promise, status) {
    try {
        await promise;
    } catch (err) {
        assert.ok(err instanceof ClientResponseError, `want ClientResponseError, got ${err}`);
        assert.equal(err.status, status, `status; body ${JSON.stringify(err.response)}`);
        return err;
    }
    assert.fail(`request succeeded, want HTTP ${status}`);
}

// The link every flow mails: {appURL}/_/#/auth/confirm-<action>/<TOKEN>.
const linkRe = /\/_\/#\/auth\/(confirm-[a-z-]+)\/([A-Za-z0-9_\-.]+)/;

/** mailLinks returns [action, token] for every mail to `to`, oldest first. */
export async function mailLinks(to) {
    return (await mailMatches(MAIL_DIR, to, linkRe)).map((m) => [m[1], m[2]]);
}

/**
 * waitForToken polls the dev mailbox for up to 10 s and returns the token
 * of the newest `action` link mailed to `to`.
 */
export function waitForToken(to, action) {
    return poll(async () => {
        const links = (await mailLinks(to)).filter(([a]) => a === action);
        return links.length > 0 ? links[links.length - 1][1] : undefined;
    }, `no ${action} mail to ${to}`);
}

/**
 * nextSecond waits until the wall clock has left the current second.
 * Tokens carry whole-second timestamps, so two tokens for one session
 * minted in the same second may be byte-identical (as in PocketBase);
 * crossing the second makes a refreshed token provably new.
 */
export async function nextSecond() {
    const now = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) <= now) {
        await delay(20);
    }
}

/** clientAt returns a fresh SDK client for another server than PB_URL. */
export function clientAt(url) {
    return new PocketBase(url);
}

// The code in the default OTP mail ("Your one-time password is: <digits>").
const otpRe = /one-time password is: ([0-9]+)/;

/** otpCodes returns the OTP codes mailed to `to` in mailDir, oldest first. */
export async function otpCodes(to, mailDir = MAIL_DIR) {
    return (await mailMatches(mailDir, to, otpRe)).map((m) => m[1]);
}

/**
 * waitForOTP polls mailDir for up to 10 s until more than `seen` OTP
 * mails reached `to`, and returns the newest code.
 */
export function waitForOTP(to, mailDir = MAIL_DIR, seen = 0) {
    return poll(async () => {
        const codes = await otpCodes(to, mailDir);
        return codes.length > seen ? codes[codes.length - 1] : undefined;
    }, `no OTP mail #${seen + 1} to ${to}`);
}
