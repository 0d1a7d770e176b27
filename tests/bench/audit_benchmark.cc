// Benchmarks of the verifiable audit log (docs/AUDIT.md) at a million
// entries, against the real in-process server (TestServer) over a private
// MariaDB. They print numbers; nothing is asserted but that every proof and
// the full verification check out.
//
// Setup: one organization's log filled with CANDOR_BENCH_AUDIT_ENTRIES
// entries (default 1,000,000) through the repository's own append path
// (sealed, tree nodes written), 5,000 per transaction; the fill rate is
// printed.
//
//   BM_SignTreeHead         one entry appended (untimed), then
//                           GetAuditTreeHead: root from the stored right
//                           edge, Ed25519 signature, stored.
//   BM_InclusionProof       GetAuditInclusionProof of a random entry in the
//                           whole tree, checked with merkle::VerifyInclusion.
//   BM_ConsistencyProof     GetAuditConsistencyProof from a random older
//                           size to the whole tree (the integration test
//                           checks proofs; this measures them).
//   BM_FullVerification     what `candorctl audit verify` does: every entry
//                           over ListAuditEntries (pages of 1,000), the chain
//                           and every field checked client-side, the Merkle
//                           root recomputed and compared with a signed head.
//
//   build/tests/bench/candor_audit_benchmark
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/status_macros.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/merkle.h"
#include "services/transparency/transparency_repository.h"
#include "services/transparency/tree_head.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

namespace tpb = ::candor::transparency::v1;
namespace merkle = ::candor::transparency::merkle;
using Clock = std::chrono::steady_clock;
using ::candor::transparency::AuditEntryRecord;
using ::candor::transparency::TransparencyRepository;

constexpr int kFillChunk = 5000;

int64_t EntryCount() {
  const char* value = std::getenv("CANDOR_BENCH_AUDIT_ENTRIES");
  return value == nullptr ? 1000000 : std::atoll(value);
}

merkle::Hash HashOf(const std::string& bytes) {
  merkle::Hash h{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), h.size()), h.begin());
  return h;
}

struct Log {
  TestServer::Organization org;
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<tpb::TransparencyService::Stub> stub;
  int64_t size = 0;
  double fill_seconds = 0;
};

std::unique_ptr<grpc::ClientContext> Ctx(const Log& log) {
  auto context = TestServer::Context(log.org.admin_token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::minutes(10));
  return context;
}

absl::Status Append(Log& log, int64_t count) {
  TransparencyRepository repository(log.pool.get());
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(*log.pool));
  CANDOR_ASSIGN_OR_RETURN(TransparencyRepository::AuditHead head,
                          repository.LockAuditHead(tx, log.org.id));
  std::vector<AuditEntryRecord> entries(count);
  std::vector<const AuditEntryRecord*> pointers;
  std::string prev = head.hash;
  for (int64_t i = 0; i < count; ++i) {
    AuditEntryRecord& e = entries[i];
    e.organization_id = log.org.id;
    e.sequence = head.sequence + i + 1;
    e.time_us = 1700000000000000 + e.sequence;
    e.actor = "automatic";
    e.action = "decision.create";
    e.subject = absl::StrCat(log.org.name, "/posts/p", e.sequence,
                             "/decisions/d", e.sequence);
    e.details = "verdict APPROVED; ruleset default; failed rules: none";
    transparency::SealEntry(prev, &e);
    prev = e.hash;
    pointers.push_back(&e);
  }
  CANDOR_RETURN_IF_ERROR(
      repository.InsertAuditEntries(tx, log.org.id, pointers, &head));
  CANDOR_RETURN_IF_ERROR(repository.SetAuditHead(tx, log.org.id, head));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  log.size = head.sequence;
  return absl::OkStatus();
}

Log& TheLog() {
  static Log* log = [] {
    auto* l = new Log;
    TestServer& server = TestServer::Get();
    l->org = server.CreateOrganization("auditbench");
    l->stub = tpb::TransparencyService::NewStub(server.channel());
    db::PoolOptions options;
    options.connection = TestDatabase::Get().options();
    options.connection.schema = "candor_transparency";
    options.max_connections = 2;
    l->pool = std::make_unique<db::Pool>(options);
    // The head row first (the service creates it on first use).
    tpb::GetAuditTreeHeadRequest request;
    request.set_parent(l->org.name);
    tpb::AuditTreeHead head;
    l->stub->GetAuditTreeHead(Ctx(*l).get(), request, &head);
    l->size = head.tree_size();
    const auto start = Clock::now();
    while (l->size < EntryCount()) {
      const int64_t n = std::min<int64_t>(kFillChunk, EntryCount() - l->size);
      absl::Status status = Append(*l, n);
      if (!status.ok()) {
        std::fprintf(stderr, "fill failed: %s\n", status.ToString().c_str());
        std::exit(1);
      }
    }
    l->fill_seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    std::printf(
        "filled %lld entries in %.1f s (%.0f entries/s, sealed and "
        "added to the tree)\n",
        static_cast<long long>(l->size), l->fill_seconds,
        l->size / l->fill_seconds);
    return l;
  }();
  return *log;
}

tpb::AuditTreeHead GetHead(Log& log) {
  tpb::GetAuditTreeHeadRequest request;
  request.set_parent(log.org.name);
  tpb::AuditTreeHead head;
  grpc::Status status =
      log.stub->GetAuditTreeHead(Ctx(log).get(), request, &head);
  if (!status.ok()) {
    std::fprintf(stderr, "GetAuditTreeHead: %s\n",
                 status.error_message().c_str());
    std::exit(1);
  }
  return head;
}

void BM_SignTreeHead(benchmark::State& state) {
  Log& log = TheLog();
  for (auto _ : state) {
    state.PauseTiming();
    if (!Append(log, 1).ok()) state.SkipWithError("append failed");
    state.ResumeTiming();
    benchmark::DoNotOptimize(GetHead(log));
  }
  state.counters["tree_size"] = static_cast<double>(log.size);
}
BENCHMARK(BM_SignTreeHead)->Unit(benchmark::kMicrosecond)->Iterations(200);

void BM_InclusionProof(benchmark::State& state) {
  Log& log = TheLog();
  const tpb::AuditTreeHead head = GetHead(log);
  std::mt19937_64 random(9162);
  size_t hashes = 0;
  for (auto _ : state) {
    const int64_t sequence =
        1 + static_cast<int64_t>(random() % head.tree_size());
    tpb::GetAuditInclusionProofRequest request;
    request.set_parent(log.org.name);
    request.set_sequence(sequence);
    request.set_tree_size(head.tree_size());
    tpb::AuditInclusionProof proof;
    if (!log.stub->GetAuditInclusionProof(Ctx(log).get(), request, &proof)
             .ok()) {
      state.SkipWithError("proof refused");
      break;
    }
    hashes = proof.hashes_size();
    state.PauseTiming();
    // Checked as a client would, against the entry's own hash.
    TransparencyRepository repository(log.pool.get());
    auto entry = repository.ListAuditEntries(log.org.id, sequence - 1, 1);
    std::vector<merkle::Hash> path;
    for (const std::string& h : proof.hashes()) path.push_back(HashOf(h));
    if (!entry.ok() || entry->empty() ||
        !merkle::VerifyInclusion(
            sequence - 1, head.tree_size(),
            merkle::LeafHash(absl::HexStringToBytes(entry->front().hash)), path,
            HashOf(head.root_hash()))) {
      state.SkipWithError("inclusion proof did not verify");
      break;
    }
    state.ResumeTiming();
  }
  state.counters["proof_hashes"] = static_cast<double>(hashes);
  state.counters["proof_bytes"] = static_cast<double>(hashes * 32);
  state.counters["tree_size"] = static_cast<double>(head.tree_size());
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond)->Iterations(500);

void BM_ConsistencyProof(benchmark::State& state) {
  Log& log = TheLog();
  const tpb::AuditTreeHead head = GetHead(log);
  std::mt19937_64 random(6962);
  size_t hashes = 0;
  for (auto _ : state) {
    const int64_t first = 1 + static_cast<int64_t>(random() % head.tree_size());
    tpb::GetAuditConsistencyProofRequest request;
    request.set_parent(log.org.name);
    request.set_first_tree_size(first);
    request.set_second_tree_size(head.tree_size());
    tpb::AuditConsistencyProof proof;
    if (!log.stub->GetAuditConsistencyProof(Ctx(log).get(), request, &proof)
             .ok()) {
      state.SkipWithError("proof refused");
      break;
    }
    hashes = proof.hashes_size();
  }
  state.counters["proof_hashes"] = static_cast<double>(hashes);
  state.counters["tree_size"] = static_cast<double>(head.tree_size());
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond)->Iterations(500);

void BM_FullVerification(benchmark::State& state) {
  Log& log = TheLog();
  const tpb::AuditTreeHead head = GetHead(log);
  for (auto _ : state) {
    transparency::AuditLogVerifier verifier;
    std::vector<merkle::Hash> leaves;
    leaves.reserve(head.tree_size());
    std::string token;
    do {
      tpb::ListAuditEntriesRequest request;
      request.set_parent(log.org.name);
      request.set_page_size(1000);
      request.set_page_token(token);
      tpb::ListAuditEntriesResponse page;
      if (!log.stub->ListAuditEntries(Ctx(log).get(), request, &page).ok()) {
        state.SkipWithError("list failed");
        return;
      }
      for (const tpb::AuditEntry& e : page.audit_entries()) {
        if (static_cast<int64_t>(leaves.size()) == head.tree_size()) break;
        AuditEntryRecord r;
        r.organization_id = log.org.id;
        r.sequence = e.sequence();
        r.time_us = e.time().seconds() * 1000000 + e.time().nanos() / 1000;
        r.actor = e.actor();
        r.actor_digest = e.actor_digest();
        r.action = e.action();
        r.subject = e.subject();
        r.details = e.details();
        r.prev_hash = e.prev_hash();
        r.hash = e.hash();
        r.chain_version = e.chain_version();
        r.details_digest = e.details_digest();
        r.details_salt = e.details_salt();
        r.details_redacted = e.details_redacted();
        verifier.Check(r);
        leaves.push_back(
            merkle::LeafHash(absl::HexStringToBytes(verifier.last_hash())));
      }
      token = page.next_page_token();
    } while (!token.empty() &&
             static_cast<int64_t>(leaves.size()) < head.tree_size());
    verifier.Finish();
    const bool ok =
        verifier.ok() && merkle::RootOf(leaves) == HashOf(head.root_hash()) &&
        transparency::VerifyTreeHeadSignature(
            transparency::TreeHead{
                log.org.id, head.tree_size(), HashOf(head.root_hash()),
                head.time().seconds() * 1000000 + head.time().nanos() / 1000,
                head.signature(), head.public_key()},
            head.public_key());
    if (!ok) state.SkipWithError("the log did not verify");
    state.counters["entries"] = static_cast<double>(leaves.size());
  }
}
BENCHMARK(BM_FullVerification)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace candor::testing

BENCHMARK_MAIN();
