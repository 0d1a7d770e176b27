// The web client's audit verifier (app/audit.js) against a real candord:
// an employee lists the organization's audit log and checks it, the signed
// tree head and the server's proofs on their own machine, as docs/AUDIT.md
// says a client can, trusting nothing the server says about validity; and
// copies of the entries edited in memory must fail at the right entry.
// Steps run in order and build on one another. Run from clients/web:
//
//   tests/support/with-candord BUILD_DIR node --test test/audit.test.js
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, test } from "node:test";

import {
  actorDigest,
  detailsDigest,
  entryHash,
  fromHex,
  merkleRoot,
  toHex,
  treeHeadSignedBytes,
  verifyConsistency,
  verifyEntries,
  verifyInclusion,
  verifyTreeHeadSignature,
} from "../app/audit.js";
import { AdvocacyService } from "../gen/candor/advocacy/v1/advocacy_pb.js";
import { Network } from "../gen/candor/common/v1/network_pb.js";
import { PrivacyService } from "../gen/candor/privacy/v1/privacy_pb.js";
import { StaffMember_Role, StaffService } from "../gen/candor/staff/v1/staff_pb.js";
import { TransparencyService } from "../gen/candor/transparency/v1/transparency_pb.js";
import {
  clientFor,
  makeOrgWithEmployee,
  mint,
  startGateway,
  stopGateway,
} from "./support.js";

// Node 18 defines globalThis.crypto only with a flag; audit.js, written for
// browsers too, takes WebCrypto from there (when it first hashes).
if (!globalThis.crypto) globalThis.crypto = crypto.webcrypto;

let gateway;
let org;
let orgId;
let people;
let transparency; // as the employee
const state = {};

function need(key, what) {
  if (state[key] === undefined) {
    throw new Error(`needs ${what}, which an earlier step did not produce`);
  }
  return state[key];
}

// The server's consistency proof that `head` extends the older head
// `older` verifies.
async function assertProvedExtension(older, head) {
  const proof = await transparency.getAuditConsistencyProof({
    parent: org,
    firstTreeSize: older.treeSize,
    secondTreeSize: head.treeSize,
  });
  assert.equal(
    await verifyConsistency(older.treeSize, head.treeSize, older.rootHash, head.rootHash, proof.hashes),
    true,
  );
}

// Every entry of the log, following the pages (small ones, so there are
// several).
async function listAll() {
  const entries = [];
  let pageToken = "";
  do {
    const page = await transparency.listAuditEntries({ parent: org, pageSize: 4, pageToken });
    entries.push(...page.auditEntries);
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
  return entries;
}

async function headNow() {
  return transparency.getAuditTreeHead({ parent: org });
}

// A post by the employee, submitted: its decision is audited.
async function submitPost(text) {
  const advocacy = clientFor(gateway.baseUrl, AdvocacyService, people.employeeToken);
  const post = await advocacy.createPost({
    parent: org,
    post: { network: Network.LINKEDIN, text },
  });
  const submitted = await advocacy.submitPost({ name: post.name });
  assert.ok(submitted.decision, "no decision");
}

// Copies of `entries` (plain objects) with `change` applied to the one at
// `sequence`.
function edited(entries, sequence, change) {
  return entries.map((e) => (e.sequence === BigInt(sequence) ? { ...e, ...change } : { ...e }));
}

// The log re-hashed from `from` on, as an operator who rewrites it would.
async function rehashed(entries, from) {
  const out = entries.map((e) => ({ ...e }));
  for (let i = from - 1; i < out.length; i++) {
    if (i > 0) out[i].prevHash = out[i - 1].hash;
    out[i].hash = await entryHash(out[i]);
  }
  return out;
}

// Everything a client checks about the log now; resolves to { entries,
// head, result }.
async function verifyLogNow() {
  const head = await headNow();
  const entries = await listAll();
  const result = await verifyEntries(entries);
  assert.equal(result.ok, true, `entry ${result.firstBadSequence}: ${result.problem}`);
  const server = await transparency.verifyAuditLog({ parent: org });
  assert.deepEqual(
    [result.ok, BigInt(result.checked), result.firstBadSequence, result.problem],
    [server.ok, server.entriesChecked, server.firstBadSequence, server.problem],
  );
  assert.ok(result.leafHashes.length >= Number(head.treeSize));
  for (let i = 0; i < entries.length; i++) {
    assert.equal(toHex(result.leafHashes[i]), entries[i].hash);
  }
  assert.deepEqual(await merkleRoot(result.leafHashes, head.treeSize), head.rootHash);
  assert.equal(await verifyTreeHeadSignature(org, head, state.pinnedKey), true);
  return { entries, head, result };
}

before(async () => {
  gateway = await startGateway();
  people = await makeOrgWithEmployee(gateway.baseUrl, "audit");
  org = people.org;
  orgId = people.orgId;
  transparency = clientFor(gateway.baseUrl, TransparencyService, people.employeeToken);
});

after(() => stopGateway(gateway));

test("offline: empty tree, hex, a version-1 log with a legacy pseudonym", async () => {
  const empty = await merkleRoot([]);
  assert.equal(toHex(empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.deepEqual(fromHex(toHex(Uint8Array.of(0, 15, 255))), Uint8Array.of(0, 15, 255));
  assert.throws(() => fromHex("abc"));

  // Version 1 hashes the details themselves; an actor erased before
  // declarations existed shows "erased-" + 12 hex digits of its digest.
  const digest = await actorDigest("organizations/o/staffMembers/old");
  const v1 = {
    sequence: 1n,
    time: { seconds: 1700000000n, nanos: 123456789 },
    actor: `erased-${digest.slice(0, 12)}`,
    actorDigest: digest,
    action: "staff.deactivate",
    subject: "organizations/o/staffMembers/someone",
    details: "reason: moved on",
    prevHash: "0".repeat(64),
    chainVersion: 1,
  };
  v1.hash = await entryHash(v1);
  const salt = "00112233445566778899aabbccddeeff";
  const v2 = {
    sequence: 2,
    time: { seconds: 1700000001, nanos: 0 },
    actor: "automatic",
    actorDigest: await actorDigest("automatic"),
    action: "decision.create",
    subject: "organizations/o/posts/p/decisions/d",
    details: "verdict APPROVED",
    detailsSalt: salt,
    detailsDigest: await detailsDigest(salt, "verdict APPROVED"),
    prevHash: v1.hash,
    chainVersion: 2,
  };
  v2.hash = await entryHash(v2);
  const ok = await verifyEntries([v1, v2]);
  assert.equal(ok.ok, true, ok.problem);
  assert.equal(ok.checked, 2);

  // A legacy pseudonym in a version-2 entry is not accepted, nor a
  // redacted version-1 entry.
  const legacyV2 = await rehashed([v1, { ...v2, actor: `erased-${v2.actorDigest.slice(0, 12)}` }], 2);
  assert.deepEqual(await problemOf(legacyV2), [2n, "actor does not match actor_digest"]);
  assert.deepEqual(await problemOf([{ ...v1, detailsRedacted: true }, v2]),
    [1n, "a version-1 entry cannot be redacted"]);
  assert.deepEqual(await problemOf([v1, { ...v2, chainVersion: 3 }]), [2n, "unknown chain_version"]);
});

async function problemOf(entries) {
  const result = await verifyEntries(entries);
  assert.equal(result.ok, false);
  return [result.firstBadSequence, result.problem];
}

test("the head before any post verifies (the empty tree's, as the log is empty)", async () => {
  const head = await headNow();
  state.pinnedKey = head.publicKey; // trust on first use, as the app does
  state.initialSize = head.treeSize;
  const { leafHashes } = await verifyEntries(await listAll());
  assert.deepEqual(await merkleRoot(leafHashes, head.treeSize), head.rootHash);
  if (head.treeSize === 0n) assert.deepEqual(await merkleRoot([]), head.rootHash);
  assert.equal(await verifyTreeHeadSignature(org, head, state.pinnedKey), true);
});

test("decisions on posts are audited, and a head is saved", async () => {
  await submitPost(`#ad Proud of my team this week: we shipped the payments dashboard. ${crypto.randomUUID()}`);
  // The decision (and the default ruleset's publication, on first use).
  state.savedHead = await headNow();
  assert.ok(state.savedHead.treeSize >= 2n, `${state.savedHead.treeSize} entries`);
  await submitPost(`#ad Our new office opens next month, come and see it. ${crypto.randomUUID()}`);
  state.midHead = await headNow();
  await submitPost(`Best quarter ever, buy our stock now! ${crypto.randomUUID()}`);
  await submitPost(`#ad We are hiring engineers in Lisbon: ask me about it. ${crypto.randomUUID()}`);
  await submitPost(`#ad Five years at this company today, and still learning. ${crypto.randomUUID()}`);
});

test("the log verifies on the client as on the server; the root is the signed head's", async () => {
  const { entries, head, result } = await verifyLogNow();
  assert.equal(BigInt(entries.length), head.treeSize);
  assert.equal(result.checked, entries.length);
  assert.deepEqual(entries.map((e) => e.sequence), entries.map((_, i) => BigInt(i + 1)));
  const decisions = entries.filter((e) => e.action === "decision.create" && e.sequence > state.initialSize);
  assert.equal(decisions.length, 5);
  state.entries = entries;
  state.head = head;
  state.leafHashes = result.leafHashes;
});

test("the head's signature: its own key, another key, other bytes", async () => {
  const head = need("head", "the verified log");
  assert.equal(await verifyTreeHeadSignature(org, head), true);
  assert.equal(await verifyTreeHeadSignature(orgId, head, head.publicKey), true);
  assert.equal(await verifyTreeHeadSignature(org, head, toHex(head.publicKey)), true);
  const text = new TextDecoder().decode(treeHeadSignedBytes(org, head));
  const micros = head.time.seconds * 1000000n + BigInt(Math.trunc(head.time.nanos / 1000));
  assert.equal(
    text,
    `candor.audit.tree_head.v1\n${org}\n${head.treeSize}\n${toHex(head.rootHash)}\n${micros}\n`,
  );

  const other = await globalThis.crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const otherKey = new Uint8Array(await globalThis.crypto.subtle.exportKey("raw", other.publicKey));
  // Pinned another key: refused, whether the head carries its own key or
  // claims the pinned one.
  assert.equal(await verifyTreeHeadSignature(org, head, otherKey), false);
  assert.equal(await verifyTreeHeadSignature(org, { ...head, publicKey: otherKey }, otherKey), false);
  // A head signed by another key (the operator's own) is refused with the
  // pinned key, though its signature is good for the key it carries.
  const forged = { ...head, treeSize: 5n, publicKey: otherKey };
  forged.signature = new Uint8Array(await globalThis.crypto.subtle.sign(
    { name: "Ed25519" }, other.privateKey, treeHeadSignedBytes(org, forged)));
  assert.equal(await verifyTreeHeadSignature(org, forged), true);
  assert.equal(await verifyTreeHeadSignature(org, forged, state.pinnedKey), false);
  // Any signed field changed.
  assert.equal(await verifyTreeHeadSignature(org, { ...head, treeSize: head.treeSize + 1n }), false);
  assert.equal(await verifyTreeHeadSignature(`${org}x`, head), false);
  const root = Uint8Array.from(head.rootHash);
  root[0] ^= 1;
  assert.equal(await verifyTreeHeadSignature(org, { ...head, rootHash: root }), false);
  assert.equal(
    await verifyTreeHeadSignature(org, { ...head, time: { ...head.time, nanos: head.time.nanos + 1000 } }),
    false,
  );
  // The head GetAuditTreeHead keeps for a size verifies too.
  const saved = await transparency.getAuditTreeHead({ parent: org, treeSize: state.savedHead.treeSize });
  assert.deepEqual(saved.rootHash, need("savedHead", "a saved head").rootHash);
  assert.equal(await verifyTreeHeadSignature(org, saved, state.pinnedKey), true);
});

test("inclusion proofs verify for every entry, and not for another entry", async () => {
  const head = need("head", "the verified log");
  const leaves = state.leafHashes;
  const n = Number(head.treeSize);
  for (let sequence = 1; sequence <= n; sequence++) {
    const proof = await transparency.getAuditInclusionProof({
      parent: org,
      sequence: BigInt(sequence),
      treeSize: head.treeSize,
    });
    const i = sequence - 1;
    assert.equal(
      await verifyInclusion(i, head.treeSize, leaves[i], head.rootHash, proof.hashes),
      true,
      `entry ${sequence}`,
    );
    // Another entry's hash, this entry's hash at another index, a wrong
    // root, a shortened proof.
    const other = leaves[(i + 1) % n];
    assert.equal(await verifyInclusion(i, head.treeSize, other, head.rootHash, proof.hashes), false);
    assert.equal(await verifyInclusion((i + 1) % n, head.treeSize, leaves[i], head.rootHash, proof.hashes), false);
    assert.equal(await verifyInclusion(i, head.treeSize, leaves[i], state.savedHead.rootHash, proof.hashes), false);
    assert.equal(await verifyInclusion(i, head.treeSize, leaves[i], head.rootHash, proof.hashes.slice(1)), false);
  }
  // An entry under an older head, with the hex hash the entry shows.
  const saved = state.savedHead;
  const last = saved.treeSize;
  const proof = await transparency.getAuditInclusionProof({ parent: org, sequence: last, treeSize: last });
  const hex = state.entries[Number(last) - 1].hash;
  assert.equal(await verifyInclusion(last - 1n, last, hex, saved.rootHash, proof.hashes), true);
  assert.equal(await verifyInclusion(last - 1n, last, leaves[Number(last)], saved.rootHash, proof.hashes), false);
});

test("consistency proofs verify from every older size, and not against a wrong old root", async () => {
  const head = need("head", "the verified log");
  const leaves = state.leafHashes;
  for (let m = 1n; m <= head.treeSize; m++) {
    const proof = await transparency.getAuditConsistencyProof({
      parent: org,
      firstTreeSize: m,
      secondTreeSize: head.treeSize,
    });
    const oldRoot = await merkleRoot(leaves, m);
    assert.equal(
      await verifyConsistency(m, head.treeSize, oldRoot, head.rootHash, proof.hashes),
      true,
      `from ${m}`,
    );
    const wrong = Uint8Array.from(oldRoot);
    wrong[31] ^= 1;
    assert.equal(await verifyConsistency(m, head.treeSize, wrong, head.rootHash, proof.hashes), false);
    if (m < head.treeSize) {
      assert.equal(await verifyConsistency(m, head.treeSize, oldRoot, wrong, proof.hashes), false);
      assert.equal(await verifyConsistency(m, head.treeSize, oldRoot, head.rootHash, []), false);
      const longer = [...proof.hashes, oldRoot];
      assert.equal(await verifyConsistency(m, head.treeSize, oldRoot, head.rootHash, longer), false);
    }
  }
  // The saved heads: their roots are what the client recomputes for their
  // prefixes, and the server's proofs from them verify.
  for (const saved of [state.savedHead, state.midHead]) {
    assert.deepEqual(await merkleRoot(leaves, saved.treeSize), saved.rootHash);
    await assertProvedExtension(saved, head);
  }
});

test("copies edited in memory fail at the edited entry", async () => {
  const entries = need("entries", "the verified log");
  // Four decisions, and the entry shown for a sequence.
  const [a, b, c, d] = entries.filter((e) => e.action === "decision.create").map((e) => e.sequence);
  const at = (sequence) => entries[Number(sequence) - 1];
  // An actor edited (no erasure declares it): the forged "who approved this".
  assert.deepEqual(
    await problemOf(edited(entries, b, { actor: `${org}/staffMembers/lena` })),
    [b, "actor does not match actor_digest"],
  );
  // A pseudonym-shaped actor with no declaration.
  assert.deepEqual(
    await problemOf(edited(entries, a, { actor: "erased-0123456789abcdef" })),
    [a, "actor does not match actor_digest"],
  );
  assert.deepEqual(
    await problemOf(edited(entries, c, { details: `${at(c).details}; by a reviewer` })),
    [c, "details do not match details_digest"],
  );
  // Details blanked as an erasure would, with no erasure.
  assert.deepEqual(
    await problemOf(edited(entries, d, { details: "", detailsSalt: "", detailsRedacted: true })),
    [d, "details redacted without an erasure entry"],
  );
  assert.deepEqual(
    await problemOf(edited(entries, d, { detailsRedacted: true })),
    [d, "redacted entry still shows details"],
  );
  assert.deepEqual(
    await problemOf(edited(entries, b, { hash: at(b).hash.replace(/^./, (ch) => (ch === "0" ? "1" : "0")) })),
    [b, "hash does not match the entry"],
  );
  assert.deepEqual(
    await problemOf(edited(entries, c, { time: { ...at(c).time, seconds: at(c).time.seconds - 60n } })),
    [c, "hash does not match the entry"],
  );
  // An edited entry re-hashed alone breaks the next link.
  const subjectEdited = edited(entries, a, { subject: `${org}/posts/other` });
  subjectEdited[Number(a) - 1].hash = await entryHash(subjectEdited[Number(a) - 1]);
  assert.deepEqual(await problemOf(subjectEdited), [a + 1n, "prev_hash does not link to the previous entry"]);
  // A removed entry, and a reordered pair.
  assert.deepEqual(
    await problemOf(entries.filter((e) => e.sequence !== b)),
    [b, `sequence ${b + 1n} where ${b} was expected`],
  );
  assert.deepEqual(
    await problemOf([entries[1], entries[0], ...entries.slice(2)]),
    [1n, "sequence 2 where 1 was expected"],
  );
  // The originals were not touched.
  assert.equal((await verifyEntries(entries)).ok, true);
});

test("a rewrite that recomputes every hash passes the chain but not a saved head", async () => {
  const entries = need("entries", "the verified log");
  const saved = need("savedHead", "a saved head");
  // The last entry the saved head covers, edited, and every hash from it on
  // recomputed.
  const edit = Number(saved.treeSize);
  const rewritten = await rehashed(edited(entries, edit, { subject: `${org}/posts/other/decisions/x` }), edit);
  const result = await verifyEntries(rewritten);
  assert.equal(result.ok, true, result.problem);
  // AUDIT.md, "Why a saved head catches a rewrite".
  const prefixRoot = await merkleRoot(result.leafHashes, saved.treeSize);
  assert.notDeepEqual(prefixRoot, saved.rootHash);
  const newRoot = await merkleRoot(result.leafHashes);
  const proof = await transparency.getAuditConsistencyProof({
    parent: org,
    firstTreeSize: saved.treeSize,
    secondTreeSize: BigInt(rewritten.length),
  });
  assert.equal(
    await verifyConsistency(saved.treeSize, BigInt(rewritten.length), saved.rootHash, newRoot, proof.hashes),
    false,
  );
});

test("an erasure's pseudonym and redactions verify because it declares them", async () => {
  const admin = clientFor(gateway.baseUrl, StaffService, people.adminToken);
  const earlier = need("head", "the verified log");
  // Mia, an admin, deactivates Noa: an entry Mia is the actor of. Then
  // she is deactivated (an entry about her, with a reason) and erased.
  const mia = await admin.createStaffMember({
    parent: org,
    staffMemberId: "mia",
    staffMember: { employeeId: "E-2", displayName: "Mia Mayer", email: `mia@${orgId}.example` },
  });
  await admin.updateStaffMember({
    staffMember: { name: mia.name, roles: [StaffMember_Role.EMPLOYEE, StaffMember_Role.ADMIN] },
    updateMask: { paths: ["roles"] },
  });
  const noa = await admin.createStaffMember({
    parent: org,
    staffMemberId: "noa",
    staffMember: { employeeId: "E-3", displayName: "Noa Novak", email: `noa@${orgId}.example` },
  });
  const miaAdmin = clientFor(gateway.baseUrl, StaffService,
    mint(["--org", orgId, "--subject", "mia", "--role", "admin", "--role", "employee"]));
  await miaAdmin.deactivateStaffMember({ name: noa.name, reason: "moved to a partner company" });
  await admin.deactivateStaffMember({ name: mia.name, reason: "asked to leave the programme" });
  // Nothing reads the log before the erasure: Mia's events are still
  // pending, and the staff service's erasure renames her in them first.
  const privacy = clientFor(gateway.baseUrl, PrivacyService, people.adminToken);
  await privacy.eraseStaffMember({ staffMember: mia.name });

  const { entries, head, result } = await verifyLogNow();
  const miaDigest = await actorDigest(mia.name);
  const declaration = entries.find((e) => e.action === "audit.erase" && e.subject === mia.name);
  assert.ok(declaration, "no audit.erase entry");
  const pseudonym = /^pseudonym: (.*)$/m.exec(declaration.details)[1];
  assert.match(pseudonym, /^erased-[0-9a-f]{16}$/);
  assert.match(declaration.details, new RegExp(`^actor_digest: ${miaDigest}$`, "m"));
  const shown = entries.filter((e) => e.actorDigest === miaDigest);
  assert.ok(shown.length >= 1, "no entry Mia acted in");
  // Not even her pending events show the staff service's pseudonym, which
  // anyone who knows her name could compute.
  const computable = entries.filter((e) => /^erased-[0-9a-f]{12}$/.test(e.actor));
  assert.deepEqual(computable.map((e) => e.sequence), []);
  for (const e of shown) assert.equal(e.actor, pseudonym);
  const redacted = entries.filter((e) => e.detailsRedacted);
  assert.ok(redacted.length >= 1, "no redacted entry");
  for (const e of redacted) {
    assert.equal(e.subject, mia.name);
    assert.ok(e.sequence < declaration.sequence);
  }
  // Erasure changed what entries show, not what they hash: the log still
  // extends the head from before it.
  await assertProvedExtension(earlier, head);
  assert.deepEqual(await merkleRoot(result.leafHashes, earlier.treeSize), earlier.rootHash);

  // Without the declaration (the log as of just before it), the first
  // pseudonym or redaction fails; the lowest sequence is reported.
  const undeclared = entries.slice(0, Number(declaration.sequence) - 1);
  const firstShown = [...shown, ...redacted].reduce((a, e) => (e.sequence < a ? e.sequence : a), declaration.sequence);
  const [bad, problem] = await problemOf(undeclared);
  assert.equal(bad, firstShown);
  assert.match(problem, /^(actor does not match actor_digest|details redacted without an erasure entry)$/);
  // A declaration of another pseudonym does not cover this one (its
  // details edited and the log re-hashed from it, as a rewriter would).
  const otherPseudonym = declaration.details.replace(pseudonym, "erased-ffffffffffffffff");
  const salted = await detailsDigest(declaration.detailsSalt, otherPseudonym);
  const forgedDeclaration = await rehashed(
    edited(entries, declaration.sequence, { details: otherPseudonym, detailsDigest: salted }),
    Number(declaration.sequence),
  );
  assert.deepEqual(await problemOf(forgedDeclaration), [shown[0].sequence, "actor does not match actor_digest"]);
  // The pseudonym is accepted only before the declaration: an entry after
  // it that shows the pseudonym (appended and chained, as a rewriter
  // would) fails.
  const last = entries.at(-1);
  const appended = { ...entries[1], sequence: last.sequence + 1n, prevHash: last.hash,
    actor: pseudonym, actorDigest: miaDigest };
  appended.hash = await entryHash(appended);
  assert.deepEqual(await problemOf([...entries, appended]), [appended.sequence, "actor does not match actor_digest"]);
});
