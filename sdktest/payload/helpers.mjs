// Helpers for the Payload SDK tests: configuration from the environment,
// SDK clients (token in the Authorization header, or the payload-token
// cookie kept by a small jar), unique users, error assertions and the
// dev-mailbox reader.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PayloadSDK, PayloadSDKError } from '@payloadcms/sdk';
import { mailMatches, poll, requireEnv, uniqueEmail } from '../common/helpers.mjs';

export { uniqueEmail };

const RUNNER = 'go test ./cmd/gatehouse -run TestPayloadSDK';

/** env returns a variable the Go test sets. */
export function env(name) {
    return requireEnv(name, RUNNER);
}

/** PAYLOAD_URL is the SDK's baseURL on the default server (.../payload/api). */
export const PAYLOAD_URL = env('PAYLOAD_URL');
export const MAIL_DIR = env('MAIL_DIR');
/** PAYLOAD_URL_FRESH is a server with no users yet and verify on. */
export const PAYLOAD_URL_FRESH = env('PAYLOAD_URL_FRESH');
export const MAIL_DIR_FRESH = env('MAIL_DIR_FRESH');

/** COOKIE is the name of Payload's auth cookie. */
export const COOKIE = 'payload-token';

/**
 * cookieFetch is a fetch that keeps the cookies the server sets and sends
 * them back, as a browser does with `credentials: 'include'` (node's
 * fetch keeps none). jar maps names to values; an expired or emptied
 * cookie is dropped.
 */
export function cookieFetch(jar) {
    return async (url, init = {}) => {
        const headers = new Headers(init.headers);
        if (jar.size > 0) {
            headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
        }
        const res = await fetch(url, { ...init, headers });
        for (const line of res.headers.getSetCookie()) {
            const [pair, ...attrs] = line.split(';').map((s) => s.trim());
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a) || /^max-age=-/i.test(a));
            if (gone) jar.delete(name);
            else jar.set(name, value);
        }
        return res;
    };
}

/**
 * client returns an SDK on url: with `cookie` true its fetch keeps the
 * cookie and every call says credentials: 'include' (the way a browser
 * app uses the SDK); otherwise a token is passed per call with auth().
 */
export function client({ url = PAYLOAD_URL, cookie = false } = {}) {
    if (!cookie) {
        return { sdk: new PayloadSDK({ baseURL: url }) };
    }
    const jar = new Map();
    const sdk = new PayloadSDK({ baseURL: url, fetch: cookieFetch(jar), baseInit: { credentials: 'include' } });
    return { sdk, jar };
}

/** auth is the init of a call authenticated with Payload's JWT scheme. */
export function auth(token) {
    return { headers: { Authorization: `JWT ${token}` } };
}

/** newPassword returns a fresh password that passes the default policy. */
export function newPassword() {
    return `pw-${randomBytes(6).toString('hex')}`;
}

/**
 * createUser signs a user up through the PocketBase API of the same
 * server (a verified-or-not user, as the collection's default) and
 * returns { email, password }.
 */
export async function createUser(tag, url = PAYLOAD_URL) {
    const email = uniqueEmail(tag);
    const password = newPassword();
    const res = await fetch(new URL('/api/collections/users/records', url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password, passwordConfirm: password }),
    });
    assert.equal(res.status, 200, `sign-up: ${await res.text()}`);
    return { email, password };
}

/**
 * rejectsWith awaits promise, asserts it fails as the SDK reports HTTP
 * errors (a PayloadSDKError with the status and the errors of Payload's
 * envelope) with this status and message, and returns the error.
 */
export async function rejectsWith(promise, status, message) {
    let err;
    try {
        await promise;
    } catch (e) {
        err = e;
    }
    assert.ok(err instanceof PayloadSDKError, `want a PayloadSDKError ${status}, got ${err}`);
    assert.equal(err.status, status, `status; errors ${JSON.stringify(err.errors)}`);
    assert.equal(err.message, message, `message; errors ${JSON.stringify(err.errors)}`);
    assert.equal(err.errors[0].message, message);
    return err;
}

/** call sends a request the SDK has no method for and returns its JSON. */
export async function call(sdk, method, path, { json, init } = {}) {
    const res = await sdk.request({ method, path, json, init });
    return res.json();
}

/**
 * waitForToken polls the mailbox until a mail to `to` carries a link
 * matching re (whose group 1 is the token), and returns the newest token.
 */
export function waitForToken(to, re, mailDir = MAIL_DIR, seen = 0) {
    return poll(async () => {
        const found = await mailMatches(mailDir, to, re);
        return found.length > seen ? found[found.length - 1][1] : undefined;
    }, `no mail to ${to} matching ${re}`);
}

/** resetLinkRe and verifyLinkRe match the links Payload mails. */
export const resetLinkRe = /\/admin\/reset\/([A-Za-z0-9_\-.]+)/;
export const verifyLinkRe = /\/admin\/users\/verify\/([A-Za-z0-9_\-.]+)/;
