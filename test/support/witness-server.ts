/**
 * A small witness, for the tests: the C2SP tlog-witness protocol (add-checkpoint) over real HTTP,
 * in a process of its own, with its own Ed25519 key and its own state file. Written apart from the
 * service's code on purpose (node:crypto, its own RFC 9162 consistency check and note parsing), so
 * that the service is checked by an implementation it does not share.
 *
 * Environment: WITNESS_NAME, WITNESS_STATE (JSON file, kept across restarts), WITNESS_SEED
 * (base64 of 32 bytes; random when unset), LOG_ORIGIN and LOG_PUBLIC_KEY (base64 of the log's raw
 * Ed25519 key). Prints one JSON line `{ "url", "verifierKey" }` once it listens on 127.0.0.1.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const name = process.env.WITNESS_NAME ?? 'witness.test/w1';
const stateFile = process.env.WITNESS_STATE!;
const seed = process.env.WITNESS_SEED ? Buffer.from(process.env.WITNESS_SEED, 'base64') : randomBytes(32);
const logOrigin = process.env.LOG_ORIGIN!;
const logKey = Buffer.from(process.env.LOG_PUBLIC_KEY!, 'base64');

const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const publicRaw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
const logPublic = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), logKey]), format: 'der', type: 'spki' });

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const keyIdOf = (keyName: string, type: number, key: Buffer) => sha256(Buffer.from(`${keyName}\n`), Buffer.from([type]), key).subarray(0, 4);
const ourKeyId = keyIdOf(name, 0x04, publicRaw);
const logKeyId = keyIdOf(logOrigin, 0x01, logKey);

type State = Record<string, { size: number; root: string }>;
const load = (): State => (existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : {});
const save = (s: State) => {
  writeFileSync(`${stateFile}.tmp`, JSON.stringify(s));
  renameSync(`${stateFile}.tmp`, stateFile);
};

const node = (l: Buffer, r: Buffer) => sha256(Buffer.from([0x01]), l, r);

/** RFC 9162 section 2.1.4.2, verbatim in its own terms. */
function consistent(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (first === 0 || first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn & 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (!(fn & 1) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

type Answer = { status: number; body: string; type?: string };

function addCheckpoint(text: string): Answer {
  const bad = (why: string): Answer => ({ status: 400, body: `${why}\n` });
  const blank = text.indexOf('\n\n');
  if (blank < 0) return bad('no empty line');
  const head = text.slice(0, blank).split('\n');
  const note = text.slice(blank + 2);
  const oldMatch = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '');
  if (!oldMatch) return bad('no old size line');
  const old = Number(oldMatch[1]);
  const proof = head.slice(1).map((l) => Buffer.from(l, 'base64'));
  if (proof.length > 63 || proof.some((h) => h.length !== 32)) return bad('bad proof lines');
  const split = note.indexOf('\n\n');
  if (split < 0) return bad('not a signed note');
  const body = note.slice(0, split + 1);
  const [origin, sizeText, rootText] = body.split('\n');
  if (origin !== logOrigin) return { status: 404, body: 'unknown log\n' };
  const size = Number(sizeText);
  const root = Buffer.from(rootText ?? '', 'base64');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText ?? '') || root.length !== 32) return bad('not a checkpoint');
  const signed = note
    .slice(split + 2)
    .split('\n')
    .some((line) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m || m[1] !== logOrigin) return false;
      const blob = Buffer.from(m[2]!, 'base64');
      return blob.length === 68 && blob.subarray(0, 4).equals(logKeyId) && verify(null, Buffer.from(body), logPublic, blob.subarray(4));
    });
  if (!signed) return { status: 403, body: 'no signature by a known key\n' };
  if (old > size) return bad('old size beyond the checkpoint');
  const state = load();
  const known = state[origin] ?? { size: 0, root: '' };
  if (old !== known.size) return { status: 409, body: `${known.size}\n`, type: 'text/x.tlog.size' };
  if (old === size) {
    if (old > 0 && !root.equals(Buffer.from(known.root, 'base64'))) return { status: 409, body: `${known.size}\n`, type: 'text/x.tlog.size' };
  } else if (old > 0 ? !consistent(old, size, Buffer.from(known.root, 'base64'), root, proof) : proof.length !== 0) {
    return { status: 422, body: 'the consistency proof does not verify\n' };
  }
  state[origin] = { size, root: root.toString('base64') };
  save(state);
  const timestamp = Math.floor(Date.now() / 1000);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`), privateKey);
  return { status: 200, body: `\u2014 ${name} ${Buffer.concat([ourKeyId, ts, sig]).toString('base64')}\n` };
}

// One request at a time: checking the old size and storing the new one must not interleave.
let queue: Promise<unknown> = Promise.resolve();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    queue = queue.then(() => {
      const answer: Answer =
        req.method === 'POST' && req.url === '/add-checkpoint' ? addCheckpoint(Buffer.concat(chunks).toString('utf8')) : { status: 404, body: 'not found\n' };
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'text/plain; charset=utf-8' });
      res.end(answer.body);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port;
  const vkey = `${name}+${ourKeyId.toString('hex')}+${Buffer.concat([Buffer.from([0x04]), publicRaw]).toString('base64')}`;
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, verifierKey: vkey }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
