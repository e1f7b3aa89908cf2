// Helpers for the SDK tests: configuration from the environment, fresh
// clients, unique users, error assertions and the dev-mailbox reader.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import PocketBase, { ClientResponseError } from 'pocketbase';

/** env returns a required environment variable or throws. */
export function env(name) {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set; run this through TestPocketBaseSDK (see README.md)`);
    }
    return v;
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

/** uniqueEmail returns an address no other test (or run) uses. */
export function uniqueEmail(tag) {
    return `${tag}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}@example.com`;
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
    let names;
    try {
        names = (await readdir(MAIL_DIR)).filter((n) => n.endsWith('.eml')).sort();
    } catch (err) {
        if (err.code === 'ENOENT') return [];
        throw err;
    }
    const out = [];
    for (const name of names) {
        const raw = await readFile(join(MAIL_DIR, name), 'utf8');
        const headers = raw.split(/\r?\n\r?\n/, 1)[0];
        if (!new RegExp(`^To: (<${escapeRe(to)}>|${escapeRe(to)})\\r?$`, 'mi').test(headers)) {
            continue;
        }
        const m = linkRe.exec(raw);
        if (m) out.push([m[1], m[2]]);
    }
    return out;
}

/**
 * waitForToken polls the dev mailbox (mail is sent in the background) for
 * up to 10 s and returns the token of the newest `action` link mailed to
 * `to`.
 */
export async function waitForToken(to, action) {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        const links = (await mailLinks(to)).filter(([a]) => a === action);
        if (links.length > 0) return links[links.length - 1][1];
        await delay(25);
    }
    assert.fail(`no ${action} mail to ${to} within 10 s`);
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
    let names;
    try {
        names = (await readdir(mailDir)).filter((n) => n.endsWith('.eml')).sort();
    } catch (err) {
        if (err.code === 'ENOENT') return [];
        throw err;
    }
    const out = [];
    for (const name of names) {
        const raw = await readFile(join(mailDir, name), 'utf8');
        const headers = raw.split(/\r?\n\r?\n/, 1)[0];
        if (!new RegExp(`^To: (<${escapeRe(to)}>|${escapeRe(to)})\\r?$`, 'mi').test(headers)) {
            continue;
        }
        const m = otpRe.exec(raw);
        if (m) out.push(m[1]);
    }
    return out;
}

/**
 * waitForOTP polls mailDir for up to 10 s until more than `seen` OTP
 * mails reached `to`, and returns the newest code.
 */
export async function waitForOTP(to, mailDir = MAIL_DIR, seen = 0) {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        const codes = await otpCodes(to, mailDir);
        if (codes.length > seen) return codes[codes.length - 1];
        await delay(25);
    }
    assert.fail(`no OTP mail #${seen + 1} to ${to} within 10 s`);
}

function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
