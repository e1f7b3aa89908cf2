// OAuth2 sign-in through the official SDK against PB_URL_OAUTH, a server
// whose users collection has one OpenID Connect provider "oidc" (display
// name "Mock OIDC"): mockoidc, run in-process by TestPocketBaseSDK.
//
// The provider signs in whichever account was queued last. POST
// OIDC_QUEUE_URL {subject, email, emailVerified} (204) queues one; the
// test then plays the browser itself: it opens the provider's authURL with
// fetch (redirect: 'manual') and reads the code from the redirect. The
// popup flow (authWithOAuth2) needs a global EventSource, which Node 20
// and 22 have under --experimental-eventsource (TestPocketBaseSDK passes it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ClientResponseError } from 'pocketbase';
import { clientAt, env, rejectsWith, uniqueEmail } from './helpers.mjs';

const OAUTH_URL = env('PB_URL_OAUTH');
const QUEUE_URL = env('OIDC_QUEUE_URL');
const APP_REDIRECT = 'https://app.example.com/auth/callback';
const TIMEOUT = { timeout: 10_000 }; // a hung flow fails instead of stalling the run

/** queue makes account the next one the provider signs in. */
async function queue(account) {
    const res = await fetch(QUEUE_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(account),
    });
    assert.equal(res.status, 204, 'queueing a provider account');
    return account;
}

/** queueAccount queues a provider account no other test uses. */
function queueAccount(tag, emailVerified = true) {
    return queue({ subject: `${tag}-${randomBytes(6).toString('hex')}`, email: uniqueEmail(tag), emailVerified });
}

/**
 * visit opens url at the provider as a browser would, without following
 * the redirect, and returns where the provider sends the browser back.
 */
async function visit(url) {
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302, `provider answered ${res.status}: ${await res.text()}`);
    return new URL(res.headers.get('location'));
}

/** oidcProvider returns the "oidc" entry of listAuthMethods. */
async function oidcProvider(pb) {
    const methods = await pb.collection('users').listAuthMethods();
    assert.equal(methods.oauth2.enabled, true);
    const p = methods.oauth2.providers.find((x) => x.name === 'oidc');
    assert.ok(p, `no oidc provider in ${JSON.stringify(methods.oauth2)}`);
    return p;
}

/** codeFor signs account in at the provider and returns its code. */
async function codeFor(provider) {
    const back = await visit(provider.authURL + encodeURIComponent(APP_REDIRECT));
    assert.equal(back.origin + back.pathname, APP_REDIRECT);
    assert.equal(back.searchParams.get('state'), provider.state, 'the provider returns the state it was given');
    return back.searchParams.get('code');
}

describe('OAuth2 (users: oidc provider)', { concurrency: false }, () => {
    test('listAuthMethods lists the provider with state and PKCE', async () => {
        const p = await oidcProvider(clientAt(OAUTH_URL));
        assert.equal(p.displayName, 'Mock OIDC');
        assert.match(p.state, /^[A-Za-z0-9]{30}$/);
        assert.match(p.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(p.codeChallenge, createHash('sha256').update(p.codeVerifier).digest('base64url'));
        assert.equal(p.codeChallengeMethod, 'S256');
        assert.ok(p.authURL.endsWith('redirect_uri='), p.authURL);
        const q = new URL(p.authURL).searchParams;
        assert.equal(q.get('state'), p.state);
        assert.equal(q.get('code_challenge'), p.codeChallenge);
    });

    test('authWithOAuth2Code creates a record with createData, then finds it', TIMEOUT, async () => {
        const account = await queueAccount('oauth-code');
        const pb = clientAt(OAUTH_URL);
        const p = await oidcProvider(pb);
        const code = await codeFor(p);
        const res = await pb.collection('users').authWithOAuth2Code(p.name, code, p.codeVerifier, APP_REDIRECT, {
            name: 'From SDK',
        });
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, res.record.id);
        assert.equal(res.record.name, 'From SDK');
        assert.equal(res.record.email, account.email);
        assert.equal(res.record.verified, true);
        assert.equal(res.meta.isNew, true);
        assert.equal(res.meta.id, account.subject);
        assert.equal(res.meta.email, account.email);

        // The same provider account again: the same record; createData
        // only ever applies to a new one.
        await queue(account);
        const pb2 = clientAt(OAUTH_URL);
        const p2 = await oidcProvider(pb2);
        const again = await pb2.collection('users').authWithOAuth2Code(p2.name, await codeFor(p2), p2.codeVerifier, APP_REDIRECT, {
            name: 'Ignored',
        });
        assert.equal(again.record.id, res.record.id);
        assert.equal(again.record.name, 'From SDK');
        assert.equal(again.meta.isNew, false);
    });

    test('listExternalAuths shows the link; the only way in cannot be unlinked', TIMEOUT, async () => {
        const account = await queueAccount('oauth-links');
        const pb = clientAt(OAUTH_URL);
        const p = await oidcProvider(pb);
        const { record } = await pb.collection('users').authWithOAuth2Code(p.name, await codeFor(p), p.codeVerifier, APP_REDIRECT);
        const links = await pb.collection('users').listExternalAuths(record.id);
        assert.equal(links.length, 1, JSON.stringify(links));
        assert.equal(links[0].provider, 'oidc');
        assert.equal(links[0].providerId, account.subject);
        assert.equal(links[0].recordRef, record.id);
        const err = await rejectsWith(pb.collection('users').unlinkExternalAuth(record.id, 'oidc'), 400);
        assert.match(err.message, /only way you can sign in/);
    });

    test('a wrong code verifier is refused', TIMEOUT, async () => {
        await queueAccount('oauth-pkce');
        const pb = clientAt(OAUTH_URL);
        const p = await oidcProvider(pb);
        const other = await oidcProvider(pb);
        const err = await rejectsWith(
            pb.collection('users').authWithOAuth2Code(p.name, await codeFor(p), other.codeVerifier, APP_REDIRECT),
            400,
        );
        assert.equal(err.message, 'Failed to fetch OAuth2 token.');
        assert.equal(pb.authStore.isValid, false);
    });

    test('authWithOAuth2 popup flow over realtime', TIMEOUT, async () => {
        assert.equal(typeof EventSource, 'function', 'run node with --experimental-eventsource');
        const account = await queueAccount('oauth-popup');
        const pb = clientAt(OAUTH_URL);
        let redirected;
        const res = await pb.collection('users').authWithOAuth2({
            provider: 'oidc',
            createData: { name: 'Popup' },
            // The "popup": the provider signs the account in and sends the
            // browser to Gatehouse's /api/oauth2-redirect, which hands the
            // code to the SDK's realtime subscription.
            urlCallback: async (url) => {
                const back = await visit(url);
                redirected = back;
                const page = await fetch(back);
                assert.equal(page.status, 200, await page.text());
            },
        });
        assert.equal(redirected.origin + redirected.pathname, OAUTH_URL + '/api/oauth2-redirect');
        assert.equal(pb.authStore.isValid, true);
        assert.equal(res.record.email, account.email);
        assert.equal(res.record.name, 'Popup');
        assert.equal(res.meta.isNew, true);
    });

    test('authWithOAuth2 rejects a provider the server does not list', TIMEOUT, async () => {
        const pb = clientAt(OAUTH_URL);
        await assert.rejects(
            pb.collection('users').authWithOAuth2({ provider: 'github', urlCallback: () => {} }),
            (err) => err instanceof ClientResponseError && /Missing or invalid provider "github"/.test(err.originalError?.message),
        );
    });
});
