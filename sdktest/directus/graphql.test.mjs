// The SDK's GraphQL client against the system endpoint (/graphql/system):
// auth_login and auth_refresh in json and cookie modes, a refusal in
// Directus's GraphQL error shape, registration with its mailed token, a
// mutation that needs the caller's token, and the abuse cap on logins,
// against the default server (Directus at /directus).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authentication, createDirectus, graphql, readMe, rest, withToken } from '@directus/sdk';
import {
    CookieJar, DIRECTUS_URL, createUser, newPassword, tokenLinkRe, uniqueEmail, waitForMail,
} from './helpers.mjs';

const ACCESS_MS = 900_000;

const LOGIN = `mutation Login($email: String!, $password: String!, $mode: auth_mode) {
  auth_login(email: $email, password: $password, mode: $mode) { access_token expires refresh_token }
}`;
const REFRESH = `mutation Refresh($refresh_token: String, $mode: auth_mode) {
  auth_refresh(refresh_token: $refresh_token, mode: $mode) { access_token expires refresh_token }
}`;

/** gqlClient is an SDK client with the GraphQL composable and its own cookie jar. */
function gqlClient() {
    const jar = new CookieJar();
    const sdk = createDirectus(DIRECTUS_URL, { globals: { fetch: jar.fetch } }).with(graphql()).with(rest());
    return { sdk, jar };
}

/** system runs an operation against /graphql/system. */
function system(sdk, query, variables) {
    return sdk.query(query, variables, 'system');
}

/**
 * rejectsInResult awaits promise and asserts the SDK threw for a GraphQL
 * result carrying errors (HTTP 200): one error with this code.
 */
async function rejectsInResult(promise, code, message) {
    let err;
    try {
        await promise;
    } catch (e) {
        err = e;
    }
    assert.ok(err, `the operation succeeded, want a ${code} error`);
    assert.equal(err.response?.status, 200, `status; errors ${JSON.stringify(err.errors)}`);
    assert.equal(err.errors?.length, 1, `errors ${JSON.stringify(err.errors)}`);
    assert.equal(err.errors[0].extensions?.code, code);
    if (message) assert.equal(err.message, message);
    return err;
}

describe('GraphQL system endpoint', () => {
    test('auth_login and auth_refresh in json mode', async () => {
        const { email, password } = await createUser('gql-json');
        const { sdk, jar } = gqlClient();
        const { auth_login: auth } = await system(sdk, LOGIN, { email, password, mode: 'json' });
        assert.equal(auth.expires, ACCESS_MS);
        assert.equal(typeof auth.access_token, 'string');
        assert.match(auth.refresh_token, /^\S{32,}$/);
        assert.equal(jar.get('directus_refresh_token'), undefined, 'json mode sets no cookie');
        // The token works on the REST API too.
        assert.equal((await sdk.request(withToken(auth.access_token, readMe({ fields: ['email'] })))).email, email);

        const { auth_refresh: next } = await system(sdk, REFRESH, { refresh_token: auth.refresh_token });
        assert.equal(next.expires, ACCESS_MS);
        assert.notEqual(next.refresh_token, auth.refresh_token, 'refresh rotates the token');
        assert.equal((await sdk.request(withToken(next.access_token, readMe({ fields: ['email'] })))).email, email);

        // The rotated token is dead at once, as over REST.
        await rejectsInResult(system(sdk, REFRESH, { refresh_token: auth.refresh_token }), 'INVALID_CREDENTIALS');
    });

    test('auth_login and auth_refresh in cookie mode keep the refresh token in the cookie', async () => {
        const { email, password } = await createUser('gql-cookie');
        const { sdk, jar } = gqlClient();
        const { auth_login: auth } = await system(sdk, LOGIN, { email, password, mode: 'cookie' });
        assert.equal(auth.refresh_token, null);
        assert.equal(typeof auth.access_token, 'string');
        const first = jar.get('directus_refresh_token');
        assert.ok(first?.value, 'no refresh cookie after login');
        assert.ok('httponly' in first.attrs);

        const { auth_refresh: next } = await system(sdk, REFRESH, { mode: 'cookie' });
        assert.equal(next.refresh_token, null);
        assert.equal(typeof next.access_token, 'string');
        assert.notEqual(jar.get('directus_refresh_token')?.value, first.value, 'the cookie was rotated');
    });

    test('a wrong password is an error entry with Directus code and message', async () => {
        const { email } = await createUser('gql-wrong');
        const { sdk } = gqlClient();
        const err = await rejectsInResult(system(sdk, LOGIN, { email, password: 'not-the-password' }), 'INVALID_CREDENTIALS', 'Invalid user credentials.');
        assert.deepEqual(err.data, { auth_login: null });
    });

    test('users_register and users_register_verify, then the authenticated client sends its token', async () => {
        const email = uniqueEmail('gql-register');
        const password = newPassword();
        const { sdk: guest } = gqlClient();
        const { users_register: registered } = await system(guest,
            `mutation($email: String!, $password: String!) { users_register(email: $email, password: $password, first_name: "Ada") }`,
            { email, password });
        assert.equal(registered, true);
        const [, , token] = await waitForMail(email, tokenLinkRe);
        await rejectsInResult(system(guest, `mutation { users_register_verify(token: "bogus") }`), 'INVALID_TOKEN');
        const { users_register_verify: verified } = await system(guest, `mutation($t: String!) { users_register_verify(token: $t) }`, { t: token });
        assert.equal(verified, true);

        // An anonymous caller is refused; the authentication composable's
        // token reaches the GraphQL client.
        const generate = `mutation($p: String!) { users_me_tfa_generate(password: $p) { secret otpauth_url } }`;
        await rejectsInResult(system(guest, generate, { p: password }), 'INVALID_CREDENTIALS');
        const jar = new CookieJar();
        const sdk = createDirectus(DIRECTUS_URL, { globals: { fetch: jar.fetch } })
            .with(authentication('json'))
            .with(graphql());
        await sdk.login({ email, password });
        try {
            const { users_me_tfa_generate: tfa } = await system(sdk, generate, { p: password });
            assert.match(tfa.otpauth_url, /^otpauth:\/\/totp\//);
            assert.ok(tfa.otpauth_url.includes(tfa.secret));
        } finally {
            sdk.stopRefreshing();
        }
    });

    test('many aliased logins in one request run none', async () => {
        const { email, password } = await createUser('gql-alias');
        const { sdk } = gqlClient();
        const fields = Array.from({ length: 500 }, (_, i) => `a${i}: auth_login(email: $email, password: $password) { expires }`);
        let err;
        try {
            await system(sdk, `mutation($email: String!, $password: String!) { ${fields.join(' ')} }`, { email, password: 'guess' });
        } catch (e) {
            err = e;
        }
        assert.equal(err?.response?.status, 400);
        assert.equal(err.errors[0].extensions.code, 'GRAPHQL_VALIDATION');
        // None ran: the account is not locked by 500 wrong passwords.
        const { auth_login: auth } = await system(sdk, LOGIN, { email, password });
        assert.equal(typeof auth.access_token, 'string');
    });
});
