// End-to-end tests of the official PocketBase JS SDK against a live
// Gatehouse server. Run through `go test ./cmd/gatehouse -run
// TestPocketBaseSDK` (see README.md), which starts the server and sets
// PB_URL, MAIL_DIR, SUPERUSER_EMAIL and SUPERUSER_PASSWORD.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getTokenPayload } from 'pocketbase';
import {
    SUPERUSER_EMAIL,
    client,
    login,
    mailLinks,
    nextSecond,
    rejectsWith,
    signUp,
    superuser,
    uniqueEmail,
    waitForToken,
} from './helpers.mjs';

const USERS_ID = '_pb_users_auth_';
const SUPERUSERS_ID = 'pbc_3142635823';
const nowSec = () => Math.floor(Date.now() / 1000);

// Sequential, so a failure's log reads in order; every test still uses
// its own users and addresses.
describe('PocketBase SDK 0.28.1 against Gatehouse', { concurrency: false }, () => {
    test('listAuthMethods reports email/password only', async () => {
        const m = await client().collection('users').listAuthMethods();
        assert.equal(m.password.enabled, true);
        assert.deepEqual(m.password.identityFields, ['email']);
        assert.equal(m.oauth2.enabled, false);
        assert.deepEqual(m.oauth2.providers, []);
        assert.equal(m.mfa.enabled, false);
        assert.equal(m.otp.enabled, false);
    });

    test('sign-up via create returns the record; email hidden from the guest', async () => {
        const { record, email } = await signUp('signup', { name: 'Alice' });
        assert.match(record.id, /^[a-z0-9]{15}$/);
        assert.equal(record.collectionName, 'users');
        assert.equal(record.collectionId, USERS_ID);
        assert.equal(record.name, 'Alice');
        assert.equal(record.verified, false);
        assert.equal(record.emailVisibility, false);
        assert.equal('email' in record, false, 'guest must not see a hidden email');
        assert.equal('password' in record, false);
        assert.equal('tokenKey' in record, false);

        const pub = await signUp('signup-public', { emailVisibility: true });
        assert.equal(pub.record.email, pub.email);
        assert.notEqual(pub.email, email);
    });

    test('sign-up with mismatched passwordConfirm fails with field errors', async () => {
        const err = await rejectsWith(
            client().collection('users').create({
                email: uniqueEmail('mismatch'),
                password: 'password-one',
                passwordConfirm: 'password-two',
            }),
            400,
        );
        assert.equal(err.message, 'Failed to create record.');
        assert.equal(err.response.data.passwordConfirm.code, 'validation_values_mismatch');
    });

    test('authWithPassword fills the auth store with a decodable token', async () => {
        const { record, email, password } = await signUp('login');
        const pb = client();
        const res = await pb.collection('users').authWithPassword(email, password);
        assert.equal(res.record.id, record.id);
        assert.equal(res.record.email, email, 'auth responses always carry the email');
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.isSuperuser, false);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, record.id);
        assert.equal(pb.authStore.record.email, email);

        const claims = getTokenPayload(pb.authStore.token);
        assert.equal(claims.id, record.id);
        assert.equal(claims.collectionId, USERS_ID);
        assert.equal(claims.type, 'auth');
        assert.equal(claims.refreshable, true);
        assert.ok(claims.exp > nowSec(), `exp ${claims.exp} is not in the future`);
    });

    test('a wrong password or unknown identity is a bare 400', async () => {
        const { email } = await signUp('badpw');
        for (const [identity, pw] of [
            [email, 'not-the-password'],
            [uniqueEmail('nobody'), 'whatever-password'],
        ]) {
            const pb = client();
            const err = await rejectsWith(pb.collection('users').authWithPassword(identity, pw), 400);
            assert.equal(err.message, 'Failed to authenticate.');
            assert.deepEqual(err.response, { data: {}, message: 'Failed to authenticate.', status: 400 });
            assert.equal(pb.authStore.isValid, false);
        }
    });

    test('authRefresh issues a new token and updates the store', async () => {
        const { record, email, password } = await signUp('refresh');
        const pb = await login(email, password);
        const before = pb.authStore.token;
        await nextSecond();
        const res = await pb.collection('users').authRefresh();
        assert.notEqual(res.token, before);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, record.id);
        assert.ok(getTokenPayload(res.token).exp > getTokenPayload(before).exp);
    });

    test('update merges into the store; a password change kills the old token', async () => {
        const { record, email, password } = await signUp('update', { name: 'Before' });
        const pb = await login(email, password);
        const users = pb.collection('users');

        const updated = await users.update(record.id, { name: 'After' });
        assert.equal(updated.name, 'After');
        assert.equal(pb.authStore.record.name, 'After', 'the SDK merges the updated record');

        const wrong = await rejectsWith(
            users.update(record.id, { oldPassword: 'wrong-old-pw', password: 'new-password-1', passwordConfirm: 'new-password-1' }),
            400,
        );
        assert.equal(wrong.response.data.oldPassword.code, 'validation_invalid_old_password');

        const newPassword = 'new-password-2';
        await users.update(record.id, { oldPassword: password, password: newPassword, passwordConfirm: newPassword });
        await rejectsWith(users.authRefresh(), 401);

        await rejectsWith(login(email, password), 400);
        const again = await login(email, newPassword);
        assert.equal(again.authStore.record.id, record.id);
    });

    test('verification: request, mailed token, confirm', async () => {
        const { record, email, password } = await signUp('verify');
        const pb = await login(email, password);
        assert.equal(pb.authStore.record.verified, false);

        assert.equal(await client().collection('users').requestVerification(email), true);
        const token = await waitForToken(email, 'confirm-verification');
        const claims = getTokenPayload(token);
        assert.equal(claims.id, record.id);
        assert.equal(claims.collectionId, USERS_ID);
        assert.equal(claims.type, 'verification');

        assert.equal(await pb.collection('users').confirmVerification(token), true);
        assert.equal(pb.authStore.record.verified, true, 'the SDK flips verified on its stored record');
        const fresh = await pb.collection('users').getOne(record.id);
        assert.equal(fresh.verified, true);
    });

    test('password reset: request, mailed token, confirm; old tokens die', async () => {
        const { record, email, password } = await signUp('reset');
        const pb = await login(email, password);
        const guest = client().collection('users');

        assert.equal(await guest.requestPasswordReset(email), true);
        const token = await waitForToken(email, 'confirm-password-reset');
        assert.equal(getTokenPayload(token).id, record.id);

        const newPassword = 'reset-password-1';
        assert.equal(await guest.confirmPasswordReset(token, newPassword, newPassword), true);
        await rejectsWith(pb.collection('users').authRefresh(), 401);
        await rejectsWith(login(email, password), 400);
        const again = await login(email, newPassword);
        assert.equal(again.authStore.record.id, record.id);
        assert.equal(again.authStore.record.verified, true, 'the reset mail proved the address');

        const reused = await rejectsWith(guest.confirmPasswordReset(token, 'reset-password-2', 'reset-password-2'), 400);
        assert.equal(reused.response.data.token.code, 'validation_invalid_token');
    });

    test('password reset for an unknown email still succeeds (no enumeration)', async () => {
        const email = uniqueEmail('ghost');
        assert.equal(await client().collection('users').requestPasswordReset(email), true);
        assert.deepEqual(await mailLinks(email), []);
    });

    test('email change: mail to the new address, confirm clears the store', async () => {
        const { record, email, password } = await signUp('change');
        const newEmail = uniqueEmail('changed');
        const pb = await login(email, password);

        assert.equal(await pb.collection('users').requestEmailChange(newEmail), true);
        const token = await waitForToken(newEmail, 'confirm-email-change');
        assert.equal(getTokenPayload(token).newEmail, newEmail);
        assert.equal(
            (await mailLinks(email)).some(([a]) => a === 'confirm-email-change'),
            false,
            'the old address gets no confirm link',
        );

        assert.equal(await pb.collection('users').confirmEmailChange(token, password), true);
        assert.equal(pb.authStore.token, '', 'the SDK clears its store after an email change');
        assert.equal(pb.authStore.isValid, false);

        const again = await login(newEmail, password);
        assert.equal(again.authStore.record.id, record.id);
        assert.equal(again.authStore.record.email, newEmail);
        await rejectsWith(login(email, password), 400);
    });

    test('superuser login through _superusers', async () => {
        const pb = await superuser();
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.isSuperuser, true);
        assert.equal(pb.authStore.record.collectionName, '_superusers');
        assert.equal(pb.authStore.record.email, SUPERUSER_EMAIL);
        const claims = getTokenPayload(pb.authStore.token);
        assert.equal(claims.collectionId, SUPERUSERS_ID);
        assert.equal(claims.type, 'auth');
    });

    test('impersonate returns a client with a static token for the user', async () => {
        const { record, email, password } = await signUp('imp');
        const admin = await superuser();
        const as = await admin.collection('users').impersonate(record.id, 3600);

        assert.notEqual(as, admin);
        assert.equal(as.authStore.record.id, record.id);
        assert.equal(as.authStore.isSuperuser, false);
        assert.equal(admin.authStore.isSuperuser, true, "the superuser's own store is untouched");
        const claims = getTokenPayload(as.authStore.token);
        assert.equal(claims.id, record.id);
        assert.equal(claims.refreshable, false);
        assert.ok(Math.abs(claims.exp - (nowSec() + 3600)) < 60, `exp ${claims.exp} is not ~1h away`);

        const seen = await as.collection('users').getOne(record.id);
        assert.equal(seen.email, email, 'the impersonated user sees its own email');
        const refreshed = await as.collection('users').authRefresh();
        assert.equal(refreshed.token, as.authStore.token, 'a static token refreshes to itself');

        const user = await login(email, password);
        await rejectsWith(user.collection('users').impersonate(record.id, 60), 403);
    });

    test('list rules: superuser sees all, a user itself, a guest nothing', async () => {
        const tag = 'list' + Date.now().toString(36);
        const a = await signUp(tag + 'a');
        const b = await signUp(tag + 'b');
        const admin = await superuser();
        const filter = admin.filter('email ~ {:tag}', { tag });

        const all = await admin.collection('users').getList(1, 30, { filter, sort: '-email' });
        assert.equal(all.totalItems, 2);
        assert.equal(all.page, 1);
        assert.equal(all.perPage, 30);
        assert.deepEqual(all.items.map((r) => r.email), [b.email, a.email]);

        const full = await admin.collection('users').getFullList({ filter, sort: 'email' });
        assert.deepEqual(full.map((r) => r.id), [a.record.id, b.record.id]);

        const first = await admin.collection('users').getFirstListItem(`email="${b.email}"`);
        assert.equal(first.id, b.record.id);
        await rejectsWith(admin.collection('users').getFirstListItem(`email="${uniqueEmail('none')}"`), 404);

        const asA = await login(a.email, a.password);
        const own = await asA.collection('users').getList(1, 30, { filter });
        assert.equal(own.totalItems, 1);
        assert.deepEqual(own.items.map((r) => r.id), [a.record.id]);
        assert.equal(own.items[0].email, a.email);
        await rejectsWith(asA.collection('users').getOne(b.record.id), 404);

        const none = await client().collection('users').getList(1, 30, { filter });
        assert.equal(none.totalItems, 0);
        assert.deepEqual(none.items, []);
    });

    test('delete: 204 resolves true, clears the store, kills the token', async () => {
        const { record, email, password } = await signUp('delete');
        const pb = await login(email, password);
        const token = pb.authStore.token;
        const stored = pb.authStore.record;

        assert.equal(await pb.collection('users').delete(record.id), true);
        assert.equal(pb.authStore.token, '', 'the SDK clears the store when the auth record is deleted');

        pb.authStore.save(token, stored);
        await rejectsWith(pb.collection('users').authRefresh(), 401);
        const admin = await superuser();
        await rejectsWith(admin.collection('users').getOne(record.id), 404);
        await rejectsWith(login(email, password), 400);
    });
});
