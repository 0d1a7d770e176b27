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
#include "clients/cli/audit_verify.h"
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
  const merkle::Hash root = cli::TreeHeadOf(head).value().root_hash;
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
    const std::vector<merkle::Hash> path =
        cli::HashesOf(proof.hashes()).value_or(std::vector<merkle::Hash>{});
    if (!entry.ok() || entry->empty() ||
        !merkle::VerifyInclusion(
            sequence - 1, head.tree_size(),
            merkle::LeafHash(absl::HexStringToBytes(entry->front().hash)), path,
            root)) {
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
    // Exactly candorctl's check (clients/cli/audit_verify.h), with the key
    // pinned from the head.
    cli::AuditHeads heads;
    heads.organization_id = log.org.id;
    heads.head = cli::TreeHeadOf(head).value();
    heads.pinned_key = head.public_key();
    cli::AuditLogCheck check(head.tree_size());
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
        check.Add(cli::AuditEntryRecordOf(e));
      }
      token = page.next_page_token();
    } while (!token.empty() && check.wants_more());
    const cli::AuditVerifyResult result = check.Finish(heads);
    if (!result.ok()) state.SkipWithError("the log did not verify");
    state.counters["entries"] = static_cast<double>(result.entries_checked);
  }
}
BENCHMARK(BM_FullVerification)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace candor::testing

BENCHMARK_MAIN();
