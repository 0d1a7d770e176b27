// The audit log, verified in this browser (docs/AUDIT.md): every entry's
// hash and link recomputed with WebCrypto, the entries' Merkle root
// compared with the signed tree head, the head's Ed25519 signature checked
// with the key this browser pinned on its first visit, and the head saved
// then (localStorage) proved to be a prefix of today's log: the root of
// its entries recomputed and the server's consistency proof checked. The
// new head is saved only when everything holds.
import {
  equalBytes,
  fromHex,
  merkleRoot,
  toHex,
  verifyConsistency,
  verifyEntries,
  verifyTreeHeadSignature,
} from "./audit.js";
import { $, describeError, el, formatTime, listAll } from "./ui.js";

// Entries listed under the verdict; the broken one is always shown too.
const SHOWN = 50;

const headKey = (orgName) => `candor.audit.head.${orgName}`;

function loadSavedHead(orgName) {
  const json = localStorage.getItem(headKey(orgName));
  return json ? JSON.parse(json) : null;
}

function saveHead(orgName, head) {
  localStorage.setItem(headKey(orgName), JSON.stringify({
    treeSize: Number(head.treeSize),
    rootHash: toHex(head.rootHash),
    publicKey: toHex(head.publicKey),
    time: formatTime(head.time),
  }));
}

// What is wrong with `head` and the saved head, given how many entries
// were listed and the hashes of those whose chain held; [] when nothing is.
async function headProblems(session, head, listed, leafHashes, saved) {
  const problems = [];
  const size = Number(head.treeSize);
  const pinned = saved ? fromHex(saved.publicKey) : null;
  if (pinned && !equalBytes(pinned, head.publicKey)) {
    problems.push("The tree head is signed by another key than the one this browser pinned.");
  } else if (!(await verifyTreeHeadSignature(session.orgName, head, pinned))) {
    problems.push("The tree head's signature does not verify.");
  }
  if (listed < size) {
    problems.push(`The head signs ${size} entries, but the server listed ${listed}.`);
    return problems;
  }
  // A chain that broke before the head's size is reported with its entry;
  // there is no root to compare.
  if (leafHashes.length < size) return problems;
  if (!equalBytes(await merkleRoot(leafHashes, size), head.rootHash)) {
    problems.push("The entries do not add up to the signed root hash.");
  }
  if (!saved) return problems;
  if (saved.treeSize > size) {
    problems.push(`The log shrank: this browser saw ${saved.treeSize} entries (${saved.time}); the head now signs ${size}.`);
    return problems;
  }
  const savedRoot = fromHex(saved.rootHash);
  if (!equalBytes(await merkleRoot(leafHashes, saved.treeSize), savedRoot)) {
    problems.push(`The first ${saved.treeSize} entries changed since this browser saved their head (${saved.time}).`);
  }
  if (saved.treeSize < size) {
    const proof = await session.clients.transparency.getAuditConsistencyProof({
      parent: session.orgName,
      firstTreeSize: BigInt(saved.treeSize),
      secondTreeSize: head.treeSize,
    });
    if (!(await verifyConsistency(saved.treeSize, size, savedRoot, head.rootHash, proof.hashes))) {
      problems.push(`The server cannot prove that today's log extends the one saved ${saved.time}.`);
    }
  }
  return problems;
}

function entryItem(entry, problem) {
  return el(
    "li",
    { className: `entry${problem ? " broken" : ""}`, "data-sequence": String(entry.sequence) },
    el("p", {}, el("strong", {}, `#${entry.sequence} ${entry.action}`), ` · ${formatTime(entry.time)}`),
    el("p", {}, `${entry.subject} · by ${entry.actor}`),
    entry.detailsRedacted ? el("p", { className: "help" }, "Details erased with the person.") : null,
    entry.details ? el("p", { className: "help details" }, entry.details) : null,
    problem ? el("p", { className: "error" }, `Broken: ${problem}`) : null,
  );
}

export async function verifyAuditLog(session) {
  const summary = $("audit-summary");
  summary.textContent = "Checking every entry…";
  $("audit-summary").className = "";
  try {
    const { transparency } = session.clients;
    // The head first: entries listed after it cover at least its size.
    const head = await transparency.getAuditTreeHead({ parent: session.orgName });
    const entries = await listAll((pageToken) => transparency.listAuditEntries({
      parent: session.orgName,
      pageSize: 1000,
      pageToken,
    }), "auditEntries");
    const chain = await verifyEntries(entries);
    const saved = loadSavedHead(session.orgName);
    const problems = await headProblems(session, head, entries.length, chain.leafHashes, saved);
    const key = toHex(head.publicKey).slice(0, 16);
    if (chain.ok && problems.length === 0) {
      saveHead(session.orgName, head);
      summary.textContent =
        `Verified in this browser: ${entries.length} entries, every hash and link recomputed; ` +
        `the head signed at ${head.treeSize} entries (key ${key}…) matches` +
        (saved ? ` and extends the one saved ${saved.time}.` : "; saved to check the next visit against.");
      summary.className = "verified";
    } else {
      const lines = chain.ok ? [] : [`Broken at entry #${chain.firstBadSequence}: ${chain.problem}`];
      summary.textContent = [...lines, ...problems].join(" ");
      summary.className = "broken";
    }
    const bad = chain.ok ? 0n : BigInt(chain.firstBadSequence);
    const shown = entries.slice(-SHOWN).reverse();
    const badEntry = entries.find((entry) => entry.sequence === bad);
    if (badEntry && !shown.includes(badEntry)) shown.push(badEntry);
    $("audit-list").replaceChildren(
      ...shown.map((entry) => entryItem(entry, entry === badEntry ? chain.problem : "")),
    );
  } catch (error) {
    summary.textContent = describeError(error);
    summary.className = "broken";
  }
}
