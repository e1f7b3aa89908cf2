// Regenerates payload_pbkdf2.json: password hashes made the way Payload
// CMS makes them, with Node's own crypto, so the Go tests check our
// derivation against Node's and not against itself.
//
//   node payload_pbkdf2.gen.js > payload_pbkdf2.json
//
// Payload draws 32 random bytes, keeps them as a 64-character hex string
// in the user's `salt` field, and passes that STRING to crypto.pbkdf2, so
// the PBKDF2 salt is the 64 ASCII characters, not the 32 bytes.
// Released Payload v3 stores the bare hex key in `hash` (25000 iterations,
// 512 bytes); newer source prefixes it with its parameters
// ("pbkdf2-sha256-v1:" = 600000 x 32 bytes, "pbkdf2-sha256-v2-i<N>-l<L>:").
'use strict';
const crypto = require('crypto');

function payloadHash(password, iterations, keyLength) {
  const salt = crypto.randomBytes(32).toString('hex');
  const key = crypto.pbkdf2Sync(password, salt, iterations, keyLength, 'sha256').toString('hex');
  return { salt, key };
}

const cases = [
  { name: 'ascii', password: 'correct horse battery staple', form: 'legacy' },
  { name: 'non-ascii', password: 'pässwörd Ωμέγα 日本語 🔑', form: 'legacy' },
  { name: 'punctuation', password: ' "quoted" $dollar\\back:colon ', form: 'legacy' },
  { name: 'v1-prefix', password: 'correct horse battery staple', form: 'v1' },
  { name: 'v2-prefix', password: 'pässwörd 🔑', form: 'v2', iterations: 100000, keyLength: 32 },
];

const out = cases.map((c) => {
  let iterations = 25000;
  let keyLength = 512;
  if (c.form === 'v1') {
    iterations = 600000;
    keyLength = 32;
  } else if (c.form === 'v2') {
    iterations = c.iterations;
    keyLength = c.keyLength;
  }
  const { salt, key } = payloadHash(c.password, iterations, keyLength);
  let hash = key;
  if (c.form === 'v1') hash = 'pbkdf2-sha256-v1:' + key;
  if (c.form === 'v2') hash = `pbkdf2-sha256-v2-i${iterations}-l${keyLength}:` + key;
  return { name: c.name, password: c.password, salt, hash, iterations, keyLength };
});

process.stdout.write(JSON.stringify({ node: process.version, vectors: out }, null, 1) + '\n');
