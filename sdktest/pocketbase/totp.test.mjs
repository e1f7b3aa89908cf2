// Gatehouse's authenticator-app (TOTP) extension through the official
// SDK's pb.send, against the default server (collection MFA off: an
// enabled authenticator makes the user's logins two-step by itself).
// Codes come from otplib, an implementation independent of the server's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticator } from 'otplib';
import { client, login, rejectsWith, signUp, waitForToken } from './helpers.mjs';

const BASE = '/api/collections/users';
const STEP_MS = 30_000;

/** codeAt is the authenticator code of secret for a 30 s time step. */
function codeAt(secret, step) {
    return authenticator.clone({ epoch: step * STEP_MS }).generate(secret);
}

/** post sends a JSON POST through the SDK's generic pb.send. */
function post(pb, path, body) {
    return pb.send(BASE + path, { method: 'POST', body });
}

/** mfaChallenge logs in with a password and returns the 401's mfaId. */
async function mfaChallenge(email, password) {
    const err = await rejectsWith(client().collection('users').authWithPassword(email, password), 401);
    assert.equal(typeof err.response.mfaId, 'string', `401 body ${JSON.stringify(err.response)}`);
    return err.response.mfaId;
}

describe('authenticator app (TOTP) through pb.send', { concurrency: false }, () => {
    test('enrol, confirm, MFA login, replay, recovery codes, disable', async () => {
        const { record, email, password } = await signUp('totp');
        const pb = await login(email, password);

        // Only a verified account may add an authenticator app.
        const unverified = await rejectsWith(post(pb, '/totp/enroll', { password }), 400);
        assert.match(unverified.message, /Verify your email address/);
        await client().collection('users').requestVerification(email);
        await pb.collection('users').confirmVerification(await waitForToken(email, 'confirm-verification'));

        const wrongPw = await rejectsWith(post(pb, '/totp/enroll', { password: 'not-the-password' }), 400);
        assert.ok(wrongPw.response.data.password, `field error: ${JSON.stringify(wrongPw.response)}`);
        const { secret, url } = await post(pb, '/totp/enroll', { password });
        assert.match(secret, /^[A-Z2-7]{16,}$/);
        const link = new URL(url);
        assert.equal(link.protocol, 'otpauth:');
        assert.equal(link.searchParams.get('secret'), secret);
        assert.deepEqual(await pb.send(BASE + '/totp', {}), { enabled: false, pending: true, recoveryCodesLeft: 0 });

        // Confirm with the code otplib computes for now.
        const step = Math.floor(Date.now() / STEP_MS);
        assert.equal(codeAt(secret, step), authenticator.generate(secret));
        const { recoveryCodes } = await post(pb, '/totp/confirm', { code: codeAt(secret, step) });
        assert.equal(recoveryCodes.length, 10);
        assert.equal(new Set(recoveryCodes).size, 10);
        assert.deepEqual(await pb.send(BASE + '/totp', {}), { enabled: true, pending: false, recoveryCodesLeft: 10 });

        // A password alone is no longer enough; the next step's code (one
        // step of drift is accepted, and the confirming step is spent)
        // completes the login.
        let mfaId = await mfaChallenge(email, password);
        const next = codeAt(secret, step + 1);
        const tab = client();
        const res = await tab.send(BASE + '/auth-with-totp', { method: 'POST', body: { mfaId, code: next } });
        tab.authStore.save(res.token, res.record);
        assert.equal(tab.authStore.isValid, true);
        assert.equal(tab.authStore.record.id, record.id);
        assert.equal((await tab.collection('users').authRefresh()).record.id, record.id);

        // The same code again, on a new challenge: refused, and the
        // challenge stays usable for a recovery code.
        mfaId = await mfaChallenge(email, password);
        const replay = await rejectsWith(post(client(), '/auth-with-totp', { mfaId, code: next }), 400);
        assert.equal(replay.message, 'Invalid or expired code.');
        const rc = await post(client(), '/auth-with-totp', { mfaId, code: recoveryCodes[0] });
        assert.equal(rc.record.id, record.id);
        assert.equal(typeof rc.token, 'string');

        // Each recovery code works once.
        mfaId = await mfaChallenge(email, password);
        const reused = await rejectsWith(post(client(), '/auth-with-totp', { mfaId, code: recoveryCodes[0] }), 400);
        assert.equal(reused.message, 'Invalid or expired code.');
        assert.equal((await pb.send(BASE + '/totp', {})).recoveryCodesLeft, 9);

        // Disable: a spent code is refused, an unused recovery code works
        // (a fresh authenticator code would need the next 30 s window).
        await rejectsWith(post(pb, '/totp/disable', { code: next }), 400);
        assert.deepEqual(await post(pb, '/totp/disable', { code: recoveryCodes[1] }), {}); // 204
        assert.deepEqual(await pb.send(BASE + '/totp', {}), { enabled: false, pending: false, recoveryCodesLeft: 0 });
        const plain = client();
        await plain.collection('users').authWithPassword(email, password);
        assert.equal(plain.authStore.isValid, true, 'a password is enough again');
    });
});
