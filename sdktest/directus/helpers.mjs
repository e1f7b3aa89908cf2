// Helpers for the Directus SDK tests: configuration from the environment,
// SDK clients with a cookie jar, unique users, error assertions, the
// dev-mailbox reader and TOTP codes.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { authentication, createDirectus, rest } from '@directus/sdk';
import { authenticator } from 'otplib';
import { mailMatches as matchesIn, poll, requireEnv, uniqueEmail } from '../common/helpers.mjs';

export { uniqueEmail };

/** env returns a required environment variable or throws. */
export function env(name) {
    return requireEnv(name, 'TestDirectusSDK');
}

/** The default server: Directus mounted at /directus, Directus's defaults. */
export const DIRECTUS_URL = env('DIRECTUS_URL');
export const MAIL_DIR = env('MAIL_DIR');
/** A server with Directus at "/" and 31 s access and session tokens. */
export const DIRECTUS_URL_SHORT = env('DIRECTUS_URL_SHORT');
/** A server whose users collection has an OpenID Connect provider. */
export const DIRECTUS_URL_OAUTH = env('DIRECTUS_URL_OAUTH');
/** The one reset_url the default server's allow list holds. */
export const RESET_URL = env('RESET_URL');

/**
 * CookieJar keeps the cookies one server sets, as a browser would for a
 * single host: Path and Secure are honoured, Max-Age=0 and past Expires
 * delete. The SDK's fetch has no jar under node, so cookie and session
 * modes need this. Like a browser running an app of the same origin, its
 * fetch also sends Origin on every request that is not a GET or HEAD,
 * so cookie-authenticated writes take the CSRF check's same-origin path.
 */
export class CookieJar {
    #cookies = new Map(); // name -> { value, path, secure, expires }

    /** fetch is a fetch that sends and keeps this jar's cookies. */
    fetch = async (input, init = {}) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const headers = new Headers(init.headers);
        const cookie = this.header(url);
        if (cookie) headers.set('Cookie', cookie);
        const method = (init.method ?? 'GET').toUpperCase();
        if (method !== 'GET' && method !== 'HEAD' && !headers.has('Origin')) headers.set('Origin', url.origin);
        const res = await globalThis.fetch(input, { ...init, headers });
        this.store(res.headers.getSetCookie());
        return res;
    };

    /** header returns the Cookie header value for url, or ''. */
    header(url) {
        const now = Date.now();
        const out = [];
        for (const [name, c] of this.#cookies) {
            if (c.expires !== undefined && c.expires <= now) continue;
            if (c.secure && url.protocol !== 'https:') continue;
            if (!(url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : c.path + '/'))) continue;
            out.push(`${name}=${c.value}`);
        }
        return out.join('; ');
    }

    /** store applies Set-Cookie header values. */
    store(setCookies) {
        for (const line of setCookies) {
            const [pair, ...attrs] = line.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const c = { value: pair.slice(eq + 1).trim(), path: '/', secure: false, expires: undefined, attrs: {} };
            for (const a of attrs) {
                const [k, v = ''] = a.split('=');
                const key = k.trim().toLowerCase();
                c.attrs[key] = v.trim();
                if (key === 'path' && v.trim().startsWith('/')) c.path = v.trim();
                if (key === 'secure') c.secure = true;
                if (key === 'max-age') c.expires = Date.now() + Number(v) * 1000;
                if (key === 'expires' && c.expires === undefined) c.expires = Date.parse(v);
            }
            if (c.expires !== undefined && c.expires <= Date.now()) {
                this.#cookies.delete(name);
            } else {
                this.#cookies.set(name, c);
            }
        }
    }

    /** get returns the cookie name (value and attributes) or undefined. */
    get(name) {
        const c = this.#cookies.get(name);
        return c && (c.expires === undefined || c.expires > Date.now()) ? c : undefined;
    }
}

/**
 * client returns a fresh SDK client in the given authentication mode with
 * its own cookie jar and in-memory token storage, as a separate browser
 * tab would have: { sdk, jar, storage }. storage.sets counts the tokens
 * the SDK stored (each login and refresh stores one).
 */
export function client(mode, { url = DIRECTUS_URL, ...authOpts } = {}) {
    const jar = new CookieJar();
    const storage = recordingStorage();
    const sdk = createDirectus(url, { globals: { fetch: jar.fetch } })
        .with(authentication(mode, { storage, ...authOpts }))
        .with(rest());
    clients.push(sdk);
    return { sdk, jar, storage };
}

// Every client made in this file. A logged-in client keeps a refresh timer
// (set for 30 s before its token expires, minutes away), which would keep
// node's test process alive; the file's last hook stops them all.
const clients = [];
after(() => {
    for (const sdk of clients) sdk.stopRefreshing();
});

/** recordingStorage is the SDK's memory storage, keeping every value set. */
function recordingStorage() {
    let value = null;
    const sets = [];
    return {
        sets,
        get: async () => value,
        set: async (v) => {
            value = v;
            if (v && (v.access_token || v.expires)) sets.push({ ...v });
        },
    };
}

/** newPassword returns a fresh password that meets the default policy. */
export function newPassword() {
    return 'pw-' + randomBytes(8).toString('hex');
}

/**
 * createUser signs a user up through the PocketBase API of the same
 * server (Directus has no guest sign-up that skips the mailed link) and
 * returns { email, password }.
 */
export async function createUser(tag, url = DIRECTUS_URL) {
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
 * rejectsWith awaits promise, asserts it fails the way the Directus SDK
 * reports HTTP errors (a RequestError with the response and the errors of
 * the envelope) with this status and error code, and returns the error.
 */
export async function rejectsWith(promise, status, code) {
    let err;
    try {
        await promise;
    } catch (e) {
        err = e;
    }
    assert.ok(err, `request succeeded, want HTTP ${status} ${code}`);
    assert.ok(err.response instanceof Response, `want a RequestError with a response, got ${err}`);
    assert.equal(err.response.status, status, `status; errors ${JSON.stringify(err.errors)}`);
    assert.ok(Array.isArray(err.errors) && err.errors.length > 0, `errors envelope: ${JSON.stringify(err.errors)}`);
    assert.equal(err.errors[0].extensions?.code, code, `code; errors ${JSON.stringify(err.errors)}`);
    assert.equal(err.message, err.errors[0].message);
    return err;
}

/** post sends a raw JSON POST (no SDK) and returns { status, body }. */
export async function post(url, body, headers = {}) {
    const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** mailMatches returns the first match of re in every mail to `to`, oldest first. */
export function mailMatches(to, re, mailDir = MAIL_DIR) {
    return matchesIn(mailDir, to, re);
}

/**
 * waitForMail polls the dev mailbox (mail is sent in the background) for
 * up to 10 s until more than `seen` mails to `to` match re, and returns
 * the newest match.
 */
export function waitForMail(to, re, seen = 0, mailDir = MAIL_DIR) {
    return poll(async () => {
        const found = await mailMatches(to, re, mailDir);
        return found.length > seen ? found[found.length - 1] : undefined;
    }, `no mail #${seen + 1} to ${to} matching ${re}`);
}

/**
 * tokenLinkRe matches the link the surface mails, <base>?token=<token>:
 * match[1] is the base, match[2] the token.
 */
export const tokenLinkRe = /(https?:\/\/[^\s"'<>?]+)\?token=([A-Za-z0-9_\-.]+)/;

const STEP_MS = 30_000;

/** totpAt is the authenticator code of secret for a 30 s time step. */
export function totpAt(secret, step) {
    return authenticator.clone({ epoch: step * STEP_MS }).generate(secret);
}

/** currentStep is the TOTP time step of now. */
export function currentStep() {
    return Math.floor(Date.now() / STEP_MS);
}
