// PocketBase's email OTP and MFA flows through the official SDK's own
// methods (requestOTP, authWithOTP, authWithPassword with mfaId), against
// two extra servers TestPocketBaseSDK starts: PB_URL_OTP with OTP on for
// users, PB_URL_MFA with OTP and MFA on. MAIL_DIR_OTP and MAIL_DIR_MFA are
// their dev mailboxes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { clientAt, env, otpCodes, rejectsWith, uniqueEmail, waitForOTP } from './helpers.mjs';

const OTP_URL = env('PB_URL_OTP');
const OTP_MAIL = env('MAIL_DIR_OTP');
const MFA_URL = env('PB_URL_MFA');
const MFA_MAIL = env('MAIL_DIR_MFA');

/** signUpAt creates a user on the server at url, as a guest. */
async function signUpAt(url, tag) {
    const email = uniqueEmail(tag);
    const password = 'pw-' + randomBytes(6).toString('hex');
    const record = await clientAt(url).collection('users').create({ email, password, passwordConfirm: password });
    return { record, email, password };
}

/** mailedCode asks for a code for email and returns {otpId, code}. */
async function mailedCode(pb, email, mailDir) {
    const seen = (await otpCodes(email, mailDir)).length;
    const { otpId } = await pb.collection('users').requestOTP(email);
    assert.equal(typeof otpId, 'string');
    return { otpId, code: await waitForOTP(email, mailDir, seen) };
}

describe('email OTP (users: otp on)', { concurrency: false }, () => {
    test('listAuthMethods reports OTP on, MFA off', async () => {
        const methods = await clientAt(OTP_URL).collection('users').listAuthMethods();
        assert.equal(methods.otp.enabled, true);
        assert.equal(methods.otp.duration, 180);
        assert.equal(methods.mfa.enabled, false);
        assert.equal(methods.password.enabled, true);
    });

    test('requestOTP, then authWithOTP with the mailed code; the code works once', async () => {
        const { record, email, password } = await signUpAt(OTP_URL, 'otp');
        assert.equal(record.verified, false);
        const pb = clientAt(OTP_URL);
        const { otpId, code } = await mailedCode(pb, email, OTP_MAIL);
        assert.match(otpId, /^[a-z0-9]{15}$/);
        assert.match(code, /^[0-9]{8}$/);

        const res = await pb.collection('users').authWithOTP(otpId, code);
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, record.id);
        assert.equal(res.record.verified, true, 'a used code proves the address');
        const refreshed = await pb.collection('users').authRefresh();
        assert.equal(refreshed.record.id, record.id);

        const err = await rejectsWith(clientAt(OTP_URL).collection('users').authWithOTP(otpId, code), 400);
        assert.equal(err.message, 'Invalid or expired OTP.');
        assert.deepEqual(err.response.data, {});

        // The password set before the address was proved is gone (someone
        // else may have registered it); the OTP session lives on.
        const pwErr = await rejectsWith(clientAt(OTP_URL).collection('users').authWithPassword(email, password), 400);
        assert.equal(pwErr.message, 'Failed to authenticate.');
        await pb.collection('users').authRefresh();
    });

    test('requestOTP for an unknown address still answers an otpId, which logs no one in', async () => {
        const { otpId } = await clientAt(OTP_URL).collection('users').requestOTP(uniqueEmail('nobody'));
        assert.match(otpId, /^[a-z0-9]{15}$/);
        const err = await rejectsWith(clientAt(OTP_URL).collection('users').authWithOTP(otpId, '12345678'), 400);
        assert.equal(err.message, 'Invalid or expired OTP.');
    });

    test('a wrong code is refused', async () => {
        const { email } = await signUpAt(OTP_URL, 'otp-wrong');
        const pb = clientAt(OTP_URL);
        const { otpId, code } = await mailedCode(pb, email, OTP_MAIL);
        const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
        const err = await rejectsWith(pb.collection('users').authWithOTP(otpId, wrong), 400);
        assert.equal(err.message, 'Invalid or expired OTP.');
        assert.equal(pb.authStore.isValid, false);
        await pb.collection('users').authWithOTP(otpId, code); // the right one still works
        assert.equal(pb.authStore.isValid, true);
    });
});

describe('MFA (users: otp and mfa on)', { concurrency: false }, () => {
    test('password first answers 401 mfaId; authWithOTP with { mfaId } completes the login', async () => {
        const { record, email, password } = await signUpAt(MFA_URL, 'mfa');
        const pb = clientAt(MFA_URL);
        const methods = await pb.collection('users').listAuthMethods();
        assert.equal(methods.mfa.enabled, true);
        assert.equal(methods.otp.enabled, true);

        const err = await rejectsWith(pb.collection('users').authWithPassword(email, password), 401);
        assert.deepEqual(Object.keys(err.response), ['mfaId']);
        const { mfaId } = err.response;
        assert.match(mfaId, /^[a-z0-9]{15}$/);
        assert.equal(pb.authStore.isValid, false, 'no token before the second factor');

        const { otpId, code } = await mailedCode(pb, email, MFA_MAIL);
        const res = await pb.collection('users').authWithOTP(otpId, code, { mfaId });
        assert.equal(pb.authStore.isValid, true);
        assert.equal(pb.authStore.token, res.token);
        assert.equal(pb.authStore.record.id, record.id);
        assert.equal(res.record.verified, true);

        // With a second factor following, the password is kept.
        await rejectsWith(clientAt(MFA_URL).collection('users').authWithPassword(email, password), 401);

        // The completed challenge cannot be used again.
        const again = await mailedCode(pb, email, MFA_MAIL);
        const spent = await rejectsWith(
            clientAt(MFA_URL).collection('users').authWithOTP(again.otpId, again.code, { mfaId }),
            400,
        );
        assert.equal(spent.message, 'Invalid or expired MFA session.');
    });

    test('the same method twice: authWithPassword with { mfaId } after a password first step', async () => {
        const { email, password } = await signUpAt(MFA_URL, 'mfa-same');
        const first = await rejectsWith(clientAt(MFA_URL).collection('users').authWithPassword(email, password), 401);
        const pb = clientAt(MFA_URL);
        const err = await rejectsWith(
            pb.collection('users').authWithPassword(email, password, { mfaId: first.response.mfaId }),
            400,
        );
        assert.equal(err.message, 'A different authentication method is required.');
        assert.equal(pb.authStore.isValid, false);
    });
});
