// Helpers both SDK suites share: required environment, unique addresses
// and the dev-mailbox reader. Only node's own modules are imported, so
// this directory needs no package.json or node_modules of its own.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * requireEnv returns a required environment variable or throws, naming
 * the Go test that sets it (runner).
 */
export function requireEnv(name, runner) {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set; run this through ${runner} (see README.md)`);
    }
    return v;
}

/** uniqueEmail returns an address no other test (or run) uses. */
export function uniqueEmail(tag) {
    return `${tag}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}@example.com`;
}

/**
 * mailMatches returns the first match of re in every mail in mailDir
 * addressed to `to`, oldest first; none when the mailbox does not exist
 * yet (nothing was mailed).
 */
export async function mailMatches(mailDir, to, re) {
    let names;
    try {
        names = (await readdir(mailDir)).filter((n) => n.endsWith('.eml')).sort();
    } catch (err) {
        if (err.code === 'ENOENT') return [];
        throw err;
    }
    const toRe = new RegExp(`^To: (<${escapeRe(to)}>|${escapeRe(to)})\\r?$`, 'mi');
    const out = [];
    for (const name of names) {
        const raw = await readFile(join(mailDir, name), 'utf8');
        const headers = raw.split(/\r?\n\r?\n/, 1)[0];
        if (!toRe.test(headers)) continue;
        const m = re.exec(raw);
        if (m) out.push(m);
    }
    return out;
}

/**
 * poll calls find every 25 ms for up to 10 s (mail is sent in the
 * background) until it returns something other than undefined, and
 * returns that; it fails the test with `what` otherwise.
 */
export async function poll(find, what) {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        const found = await find();
        if (found !== undefined) return found;
        await delay(25);
    }
    assert.fail(`${what} within 10 s`);
}

function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
