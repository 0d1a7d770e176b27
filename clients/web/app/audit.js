// Verifies an organization's audit log in the browser (or Node >= 18),
// trusting nothing the server says about validity (docs/AUDIT.md): the
// hash chain and every shown field of every entry, the RFC 9162 Merkle root
// over the recomputed hashes, inclusion and consistency proofs, and the
// Ed25519 signature of a tree head. It mirrors the C++ verifier
// (services/transparency/audit_chain.cc, merkle.cc, tree_head.cc), which the
// server's VerifyAuditLog and `candorctl audit verify` run, so all three
// agree on which entry is first bad and why.
//
// Inputs are protobuf-es messages from gen/ or plain objects of the same
// shape (int64 as bigint or number, bytes as Uint8Array or hex). Only
// WebCrypto (globalThis.crypto.subtle), TextEncoder, Uint8Array and BigInt:
// no dependencies, so the same file runs in Chromium and in Node.

const ERASE_ACTION = "audit.erase";
const V2_TAG = "candor.audit.v2";
const GENESIS = "0".repeat(64);
// How many entries are hashed concurrently: WebCrypto digests are async,
// so awaiting them one by one would leave the hashing idle between calls.
const BATCH = 512;

const utf8 = new TextEncoder();

function subtle() {
  const s = globalThis.crypto?.subtle;
  // Node 18 defines globalThis.crypto only with
  // --experimental-global-webcrypto; the caller may assign
  // globalThis.crypto = (await import("node:crypto")).webcrypto.
  if (!s) throw new Error("audit.js needs WebCrypto (globalThis.crypto.subtle)");
  return s;
}

// --- bytes ----------------------------------------------------------------

export function toHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function fromHex(hex) {
  if (typeof hex !== "string" || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`not hex: ${String(hex).slice(0, 80)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// Bytes given as Uint8Array, ArrayBuffer or hex (plain objects from JSON).
function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return fromHex(value);
  return new Uint8Array(0);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

const sha256Hex = async (bytes) => toHex(await sha256(bytes));

// "every integer a big-endian u64" (AUDIT.md, "Entries and the hash
// chain"); time_us is signed, so it enters as its two's complement.
function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value)));
  return out;
}

// "every text a u64 byte length followed by its UTF-8 bytes".
function field(text) {
  const bytes = utf8.encode(text);
  return concat(u64(bytes.length), bytes);
}

// google.protobuf.Timestamp as microseconds, as the server's
// TimeUtil::TimestampToMicroseconds (nanos below a microsecond dropped).
function micros(time) {
  if (!time) return 0n;
  return BigInt(time.seconds ?? 0) * 1000000n + BigInt(Math.trunc((time.nanos ?? 0) / 1000));
}

// --- entries ----------------------------------------------------------------

// An entry's fields with the defaults proto3 gives absent ones.
function fieldsOf(e) {
  return {
    sequence: BigInt(e.sequence ?? 0),
    timeUs: micros(e.time),
    actor: e.actor ?? "",
    action: e.action ?? "",
    subject: e.subject ?? "",
    details: e.details ?? "",
    prevHash: e.prevHash ?? "",
    hash: e.hash ?? "",
    chainVersion: Number(e.chainVersion ?? 0),
    actorDigest: e.actorDigest ?? "",
    detailsDigest: e.detailsDigest ?? "",
    detailsSalt: e.detailsSalt ?? "",
    detailsRedacted: Boolean(e.detailsRedacted),
  };
}

// The canonical bytes (AUDIT.md, table under "Entries and the hash chain").
// Version 1 hashes the details themselves; version 2 their digest and a
// trailing tag, so no version-2 encoding equals a version-1 one.
function canonicalBytes(f) {
  const v1 = f.chainVersion === 1;
  return concat(
    u64(f.sequence),
    u64(f.timeUs),
    field(f.actorDigest),
    field(f.action),
    field(f.subject),
    field(v1 ? f.details : f.detailsDigest),
    v1 ? new Uint8Array(0) : field(V2_TAG),
  );
}

// hex SHA-256 of the actor as written.
export async function actorDigest(actor) {
  return sha256Hex(utf8.encode(actor));
}

// hex SHA-256 of (u64 length, salt, u64 length, details). The salt enters
// as its hex text, as the server writes it, not as the 16 bytes it encodes.
export async function detailsDigest(saltHex, details) {
  return sha256Hex(concat(field(saltHex), field(details)));
}

// SHA-256(prev_hash || canonical bytes) in lowercase hex, prev_hash as its
// 32 raw bytes (64 zeros for entry 1). Useful to rebuild a chain in tests.
export async function entryHash(entry, prevHashHex = entry.prevHash ?? "") {
  return sha256Hex(concat(fromHex(prevHashHex), canonicalBytes(fieldsOf(entry))));
}

// What one entry's checks need hashed; independent of the other entries,
// so a batch is hashed concurrently. The chain hash uses the entry's own
// prev_hash: the link check accepts it only if it equals our recomputed
// previous hash, so the result is the same as hashing that.
async function digestsOf(f) {
  const linkable = /^[0-9a-f]{64}$/.test(f.prevHash);
  const [hash, actor, details] = await Promise.all([
    linkable ? sha256Hex(concat(fromHex(f.prevHash), canonicalBytes(f))) : "",
    actorDigest(f.actor),
    f.chainVersion === 2 && !f.detailsRedacted ? detailsDigest(f.detailsSalt, f.details) : "",
  ]);
  return { hash, actor, details };
}

// The declaration of an audit.erase entry (AUDIT.md, "Erasure", step 4):
// lines "actor_digest: <hex>" and "pseudonym: <pseudonym>".
function declarationOf(details) {
  const out = { digest: "", pseudonym: "" };
  for (const line of details.split("\n")) {
    if (line.startsWith("actor_digest: ")) out.digest = line.slice("actor_digest: ".length);
    if (line.startsWith("pseudonym: ")) out.pseudonym = line.slice("pseudonym: ".length);
  }
  return out;
}

// Checks a log given in sequence order from 1, every rule of AUDIT.md
// "What the verifier checks, field by field" and "Erasure". Resolves to
// { ok, checked, firstBadSequence (bigint, 0n while ok), problem ("" while
// ok), leafHashes (the recomputed 32-byte entry hashes of the entries whose
// chain held, in order: merkleRoot's input) }.
export async function verifyEntries(entries) {
  const list = Array.from(entries);
  let expectedPrev = GENESIS;
  let expectedSequence = 1n;
  let checked = 0;
  let bad = null; // { sequence, problem }
  const fail = (sequence, problem) => {
    if (bad === null || sequence < bad.sequence) bad = { sequence, problem };
  };
  const leafHashes = [];
  // Shown pseudonyms and redactions stay pending until a later audit.erase
  // entry declares them (rules 2 and 3); those never declared fail at the
  // end. Keyed by actor_digest + "\n" + pseudonym, and by subject.
  const pendingActors = new Map();
  const pendingRedactions = new Map();
  const pend = (map, key, sequence, problem) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push({ sequence, problem });
  };

  chain: for (let start = 0; start < list.length; start += BATCH) {
    const batch = list.slice(start, start + BATCH).map(fieldsOf);
    const digests = await Promise.all(batch.map(digestsOf));
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      const d = digests[i];
      checked += 1;
      // Rule 1: sequence, link and hash. A missing entry shows as the next
      // one where it was expected, so the missing one is reported.
      if (e.sequence !== expectedSequence) {
        fail(expectedSequence, `sequence ${e.sequence} where ${expectedSequence} was expected`);
        break chain;
      }
      if (e.chainVersion !== 1 && e.chainVersion !== 2) {
        fail(e.sequence, "unknown chain_version");
        break chain;
      }
      if (e.prevHash !== expectedPrev) {
        fail(e.sequence, "prev_hash does not link to the previous entry");
        break chain;
      }
      if (e.hash !== d.hash) {
        fail(e.sequence, "hash does not match the entry");
        break chain;
      }
      // Rule 2 (and 4): the actor shown must be the one hashed, a legacy
      // version-1 pseudonym, or a pseudonym declared later.
      if (d.actor !== e.actorDigest) {
        const legacy = `erased-${e.actorDigest.slice(0, 12)}`;
        if (!(e.chainVersion === 1 && e.actor === legacy)) {
          pend(pendingActors, `${e.actorDigest}\n${e.actor}`, e.sequence,
            "actor does not match actor_digest");
        }
      }
      // Rule 3 (and 4): details must match their digest, or be redacted
      // (nothing shown) with a later erasure naming the subject.
      if (e.chainVersion === 2) {
        if (e.detailsRedacted) {
          // An erasure's own declaration is never redacted: it is what
          // makes redactions acceptable.
          if (e.details !== "" || e.detailsSalt !== "" || e.action === ERASE_ACTION) {
            fail(e.sequence, "redacted entry still shows details");
            break chain;
          }
          pend(pendingRedactions, e.subject, e.sequence,
            "details redacted without an erasure entry");
        } else if (d.details !== e.detailsDigest) {
          fail(e.sequence, "details do not match details_digest");
          break chain;
        }
      } else if (e.detailsRedacted) {
        fail(e.sequence, "a version-1 entry cannot be redacted");
        break chain;
      }
      // An erasure declares for the entries before it and for itself (a
      // person who erases themself is its actor under the pseudonym),
      // never for entries after it.
      if (e.action === ERASE_ACTION) {
        pendingRedactions.delete(e.subject);
        const { digest, pseudonym } = declarationOf(e.details);
        pendingActors.delete(`${digest}\n${pseudonym}`);
      }
      expectedPrev = d.hash;
      expectedSequence += 1n;
      leafHashes.push(fromHex(d.hash));
    }
  }
  // Undeclared pseudonyms and redactions; the lowest sequence wins, also
  // over a chain break after it (as the server's and the CLI's verifier).
  for (const map of [pendingActors, pendingRedactions]) {
    for (const items of map.values()) {
      for (const p of items) fail(p.sequence, p.problem);
    }
  }
  return {
    ok: bad === null,
    checked,
    firstBadSequence: bad === null ? 0n : bad.sequence,
    problem: bad === null ? "" : bad.problem,
    leafHashes,
  };
}

// --- the Merkle tree (RFC 9162 section 2.1; AUDIT.md, "The Merkle tree") ---

const leafHash = (entryHashBytes) => sha256(concat(Uint8Array.of(0), bytesOf(entryHashBytes)));
const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

// The largest power of two strictly below n (n >= 2): where a tree splits.
function split(n) {
  let k = 1n;
  while (k * 2n < n) k *= 2n;
  return k;
}

// MTH over the first `size` entry hashes (raw 32 bytes each). The halves
// are hashed concurrently.
export async function merkleRoot(leafHashes, size = leafHashes.length) {
  const n = Number(size);
  if (!(n >= 0 && n <= leafHashes.length)) {
    throw new RangeError(`a tree of ${size} leaves from ${leafHashes.length} entry hashes`);
  }
  if (n === 0) return sha256(new Uint8Array(0));
  const leaves = await Promise.all(leafHashes.slice(0, n).map(leafHash));
  const root = async (begin, end) => {
    if (end - begin === 1) return leaves[begin];
    const k = Number(split(BigInt(end - begin)));
    const [left, right] = await Promise.all([root(begin, begin + k), root(begin + k, end)]);
    return nodeHash(left, right);
  };
  return root(0, n);
}

// Proof hashes must be 32 bytes; anything else makes the proof invalid.
function proofOf(hashes) {
  const out = Array.from(hashes ?? [], bytesOf);
  return out.every((h) => h.length === 32) ? out : null;
}

// RFC 9162 2.1.3.2: whether `proofHashes` puts the entry whose raw hash is
// `entryHash` at `leafIndex` (sequence - 1) of the tree of `treeSize`
// leaves whose root is `root`.
export async function verifyInclusion(leafIndex, treeSize, entryHash, root, proofHashes) {
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  const proof = proofOf(proofHashes);
  if (proof === null || fn < 0n || fn > sn) return false;
  let r = await leafHash(entryHash);
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while (fn !== 0n && (fn & 1n) === 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, bytesOf(root));
}

// RFC 9162 2.1.4.2: whether `proofHashes` shows that the tree of
// `firstSize` leaves with root `firstRoot` is a prefix of the tree of
// `secondSize` leaves with root `secondRoot`. An empty tree is a prefix of
// every tree (with an empty proof), as the C++ verifier has it.
export async function verifyConsistency(firstSize, secondSize, firstRoot, secondRoot, proofHashes) {
  const m = BigInt(firstSize);
  const n = BigInt(secondSize);
  const oldRoot = bytesOf(firstRoot);
  const newRoot = bytesOf(secondRoot);
  const proof = proofOf(proofHashes);
  if (proof === null || m < 0n || m > n) return false;
  if (m === 0n) return proof.length === 0;
  if (m === n) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // A power-of-two old tree is a whole subtree of the new one: its root
  // starts the path instead of being sent.
  const path = (m & (m - 1n)) === 0n ? [oldRoot, ...proof] : proof;
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      [fr, sr] = await Promise.all([nodeHash(c, fr), nodeHash(c, sr)]);
      while (fn !== 0n && (fn & 1n) === 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

// --- signed tree heads (AUDIT.md, "Signed tree heads") ------------------------

// The bytes the head's Ed25519 signature covers, one field a line, each
// ending in "\n". `organization` is the id ("acme") or its resource name
// ("organizations/acme").
export function treeHeadSignedBytes(organization, head) {
  const id = String(organization).replace(/^organizations\//, "");
  return utf8.encode(
    "candor.audit.tree_head.v1\n" +
      `organizations/${id}\n` +
      `${BigInt(head.treeSize ?? 0)}\n` +
      `${toHex(bytesOf(head.rootHash))}\n` +
      `${micros(head.time)}\n`,
  );
}

// Whether `head` is signed for `organization` by `pinnedPublicKey` (32 raw
// bytes or hex; the key the client was given or first saw). A head that
// carries another key is refused even if its signature is good: a server
// could sign a rewritten log with a key of its own. Without a pinned key
// the head's own key is used (trust on first use).
export async function verifyTreeHeadSignature(organization, head, pinnedPublicKey) {
  const carried = bytesOf(head.publicKey);
  const key = pinnedPublicKey === undefined || pinnedPublicKey === null
    ? carried
    : bytesOf(pinnedPublicKey);
  const signature = bytesOf(head.signature);
  if (!equalBytes(key, carried) || key.length !== 32 || signature.length !== 64) return false;
  if (bytesOf(head.rootHash).length !== 32) return false;
  let publicKey;
  try {
    publicKey = await subtle().importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    // An old browser without Ed25519 cannot verify: say so rather than
    // call a good head forged.
    if (error?.name === "NotSupportedError") {
      throw new Error(`this browser's WebCrypto cannot verify Ed25519: ${error.message}`);
    }
    return false;
  }
  return subtle().verify({ name: "Ed25519" }, publicKey, signature,
    treeHeadSignedBytes(organization, head));
}
