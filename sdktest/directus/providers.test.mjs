// readProviders: the SSO providers of the bound collection, empty on the
// default server and the configured OpenID Connect provider on the OAuth
// server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readProviders } from '@directus/sdk';
import { DIRECTUS_URL_OAUTH, client } from './helpers.mjs';

describe('readProviders', () => {
    test('no providers configured: an empty list', async () => {
        const { sdk } = client('json');
        assert.deepEqual(await sdk.request(readProviders()), []);
    });

    test('an OpenID Connect provider is listed', async () => {
        const { sdk } = client('json', { url: DIRECTUS_URL_OAUTH });
        const list = await sdk.request(readProviders());
        assert.ok(Array.isArray(list), JSON.stringify(list));
        assert.equal(list.length, 1, JSON.stringify(list));
        assert.equal(list[0].name, 'oidc');
        assert.equal(typeof list[0].label, 'string');
        assert.ok(['openid', 'oauth2'].includes(list[0].driver), JSON.stringify(list[0]));
        // SSO logins default to session mode, so sessionOnly keeps it.
        assert.deepEqual((await sdk.request(readProviders(true))).map((p) => p.name), ['oidc']);
    });

    test('the raw answer also carries disableDefault, which the SDK drops', async () => {
        const res = await fetch(`${DIRECTUS_URL_OAUTH}/auth`);
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.disableDefault, false);
        assert.equal(body.data[0].name, 'oidc');
    });
});
