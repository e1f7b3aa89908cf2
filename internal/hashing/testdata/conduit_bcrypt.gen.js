// Regenerates conduit_bcrypt.json: password hashes made the way Conduit's
// authentication module makes them (bcrypt, 10 rounds, with bcryptjs),
// so the Go tests check our bcrypt against a JavaScript implementation
// and not against itself.
//
//   npm install bcryptjs@3.0.3
//   node conduit_bcrypt.gen.js > conduit_bcrypt.json
//
// bcryptjs 3 writes the $2b$ prefix; older releases (and Conduit's
// databases made with them) hold $2a$, which is the same algorithm for
// passwords under 256 bytes. Both are generated.
'use strict';
const bcrypt = require('bcryptjs');

const cases = [
  { name: 'ascii-2b', password: 'securePassword123', prefix: '$2b$' },
  { name: 'ascii-2a', password: 'securePassword123', prefix: '$2a$' },
  { name: 'non-ascii-2a', password: 'pässwörd Ωμέγα 日本語 🔑', prefix: '$2a$' },
  { name: 'long-2b', password: 'x'.repeat(72), prefix: '$2b$' },
];

const vectors = cases.map((c) => {
  const salt = bcrypt.genSaltSync(10).replace(/^\$2[ab]\$/, c.prefix);
  return { name: c.name, password: c.password, hash: bcrypt.hashSync(c.password, salt) };
});
process.stdout.write(JSON.stringify({ bcryptjs: '3.0.3', vectors }, null, 1) + '\n');
