// Benchmarks of the transparency engine (Google Benchmark). They print
// numbers; nothing here asserts on time.
//
//   BM_Evaluate            the default ruleset on a 600-character LinkedIn
//                          post, with a 10,000-post index for no_coordination
//   BM_NearDuplicateQuery  the whole near-duplicate check of one post
//                          (normalize, shingle, signature, band lookups,
//                          exact check of candidates) over 1,000,000 posts;
//                          p50/p99/max per check as counters
//   BM_LinearScanExact     the same answer by exact Jaccard against every
//                          stored shingle set
//   BM_LinearScanSignatures  comparing 128-hash MinHash signatures with
//                          every stored signature
//
// The corpus is synthetic and fixed-seed (tests/bench/synthetic.h, seed 0):
// lengths log-uniform over 50-3000 characters, words drawn Zipf-like from a
// 20,000-word vocabulary (so common word triples recur as in real text),
// every 20th post an edited copy of an earlier one (near-duplicate families).
// CANDOR_BENCH_POSTS overrides the corpus size (default 1,000,000).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/hash.h"
#include "services/transparency/engine/minhash.h"
#include "services/transparency/engine/near_duplicate_index.h"
#include "services/transparency/engine/rules.h"
#include "services/transparency/engine/shingles.h"
#include "tests/bench/synthetic.h"

namespace candor::transparency {
namespace {

using Clock = std::chrono::steady_clock;

// The synthetic text (tests/bench/synthetic.h) of seed 0, which is the
// corpus these numbers were first measured on.
using bench::GenerateText;
using bench::LightEdit;
using bench::PostLength;
using bench::Rng;

constexpr uint64_t kSeed = 0;

// Every real post carries the disclosure the rules require, so every post of
// an organization shares a few shingles: the index must stay fast under that
// boilerplate (it crowds some band buckets with a large part of the corpus).
constexpr char kDisclosure[] = "I work at Bench Company. ";

std::string CorpusText(uint64_t i) {
  return absl::StrCat(kDisclosure, bench::CorpusText(kSeed, i));
}

// A post that is in no near-duplicate family (as CorpusText's base posts).
std::string BaseText(uint64_t k) {
  Rng rng(k);
  return absl::StrCat(kDisclosure, GenerateText(rng, PostLength(rng)));
}

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

struct Corpus {
  size_t posts = 0;
  double build_seconds = 0;
  size_t rss_after_index = 0;
  NearDuplicateIndex index;
  std::vector<MinHashSignature> signatures;  // for the signature scan only
  std::vector<std::string> queries;
};

size_t CorpusSize() {
  const char* env = std::getenv("CANDOR_BENCH_POSTS");
  return env != nullptr ? static_cast<size_t>(std::strtoull(env, nullptr, 10))
                        : 1000000;
}

Corpus& BigCorpus() {
  static Corpus* corpus = [] {
    auto* c = new Corpus;
    c->posts = CorpusSize();
    const auto start = Clock::now();
    for (size_t i = 0; i < c->posts; ++i) {
      const ShingleSet set = ShingleSetOf(CorpusText(i));
      const absl::Status s =
          c->index.Add(absl::StrCat("p", i), absl::StrCat("a", i % 5000),
                       static_cast<int64_t>(i), set);
      if (!s.ok()) std::abort();
    }
    c->index.Compact();
    c->build_seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    c->rss_after_index = ResidentBytes();
    // The baseline's signatures, from the stored sets.
    c->signatures.reserve(c->posts);
    for (size_t i = 0; i < c->posts; ++i) {
      c->signatures.push_back(
          ComputeSignature(c->index.StoredShingles(absl::StrCat("p", i))));
    }
    // Queries: half edited copies of indexed posts, half new posts.
    Rng rng(99);
    for (size_t q = 0; q < 2000; ++q) {
      if (q % 2 == 0) {
        std::string text = CorpusText(rng.Below(c->posts));
        const size_t edits = 1 + rng.Below(3);
        for (size_t e = 0; e < edits; ++e) text = LightEdit(rng, text);
        c->queries.push_back(std::move(text));
      } else {
        c->queries.push_back(BaseText(uint64_t{1} << 40 | q));
      }
    }
    return c;
  }();
  return *corpus;
}

void AddIndexCounters(benchmark::State& state, const Corpus& c) {
  const IndexStats s = c.index.stats();
  state.counters["posts"] = static_cast<double>(s.posts);
  state.counters["shingles_per_post"] =
      static_cast<double>(s.shingles) / static_cast<double>(s.posts);
  state.counters["bytes_per_post"] =
      static_cast<double>(s.total_bytes) / static_cast<double>(s.posts);
  state.counters["shingle_B_per_post"] =
      static_cast<double>(s.shingle_bytes) / static_cast<double>(s.posts);
  state.counters["band_B_per_post"] =
      static_cast<double>(s.band_bytes) / static_cast<double>(s.posts);
  state.counters["other_B_per_post"] =
      static_cast<double>(s.post_bytes) / static_cast<double>(s.posts);
  state.counters["index_MiB"] = static_cast<double>(s.total_bytes) / (1 << 20);
  state.counters["rss_after_index_MiB"] =
      static_cast<double>(c.rss_after_index) / (1 << 20);
  state.counters["build_s"] = c.build_seconds;
}

struct Summary {
  double query_p50_us = 0, query_p99_us = 0, exact_scan_us = 0,
         signature_scan_us = 0;
};
Summary& Results() {
  static Summary s;
  return s;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1,
                    static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void BM_NearDuplicateQuery(benchmark::State& state) {
  Corpus& c = BigCorpus();
  std::vector<double> micros;
  micros.reserve(static_cast<size_t>(state.max_iterations));
  size_t q = 0, candidates = 0, found = 0;
  for (auto _ : state) {
    const std::string& text = c.queries[q++ % c.queries.size()];
    const auto t0 = Clock::now();
    const ShingleSet set = ShingleSetOf(text);
    QueryStats stats;
    const auto similar = c.index.FindSimilar(set, "nobody", 0, 0.5, &stats);
    const auto t1 = Clock::now();
    benchmark::DoNotOptimize(similar.data());
    micros.push_back(
        std::chrono::duration<double, std::micro>(t1 - t0).count());
    candidates += stats.candidates;
    found += similar.size();
  }
  const double n = static_cast<double>(micros.size());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["max_us"] = Percentile(micros, 1.0);
  state.counters["candidates_avg"] = static_cast<double>(candidates) / n;
  state.counters["found_avg"] = static_cast<double>(found) / n;
  AddIndexCounters(state, c);
  Results().query_p50_us = Percentile(micros, 0.50);
  Results().query_p99_us = Percentile(micros, 0.99);
}
BENCHMARK(BM_NearDuplicateQuery)
    ->Iterations(20000)
    ->Unit(benchmark::kMicrosecond);

void BM_LinearScanExact(benchmark::State& state) {
  Corpus& c = BigCorpus();
  size_t q = 0, found = 0;
  double total_us = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const ShingleSet set = ShingleSetOf(c.queries[q++ % c.queries.size()]);
    const auto similar = c.index.FindSimilarByLinearScan(set, "nobody", 0, 0.5);
    total_us +=
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    found += similar.size();
  }
  state.counters["found_avg"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
  Results().exact_scan_us = total_us / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LinearScanExact)->Iterations(6)->Unit(benchmark::kMillisecond);

void BM_LinearScanSignatures(benchmark::State& state) {
  Corpus& c = BigCorpus();
  size_t q = 0, found = 0;
  double total_us = 0;
  constexpr size_t kAgree = kSignatureSize / 2;  // estimated J >= 0.5
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const MinHashSignature sig =
        ComputeSignature(ShingleSetOf(c.queries[q++ % c.queries.size()]));
    std::vector<uint32_t> hits;
    for (size_t p = 0; p < c.signatures.size(); ++p) {
      const MinHashSignature& other = c.signatures[p];
      size_t same = 0;
      for (size_t i = 0; i < kSignatureSize; ++i) same += sig[i] == other[i];
      if (same >= kAgree) hits.push_back(static_cast<uint32_t>(p));
    }
    total_us +=
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    found += hits.size();
  }
  state.counters["found_avg"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
  Results().signature_scan_us =
      total_us / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LinearScanSignatures)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond);

// --- evaluation
// -----------------------------------------------------------------

void BM_Evaluate(benchmark::State& state) {
  static NearDuplicateIndex* index = [] {
    auto* idx = new NearDuplicateIndex;
    for (uint64_t i = 0; i < 10000; ++i) {
      if (!idx->Add(absl::StrCat("p", i), absl::StrCat("a", i % 500),
                    static_cast<int64_t>(i), ShingleSetOf(CorpusText(i)))
               .ok()) {
        std::abort();
      }
    }
    return idx;
  }();
  const Ruleset ruleset = DefaultRuleset();
  PostInput post;
  post.network = Network::kLinkedIn;
  Rng rng(5);
  post.text =
      "I work at Acme Corp, and I am proud of what we shipped this week. " +
      GenerateText(rng, 540);
  post.text.resize(600);
  post.link_url = "https://acme.example/news/offline";
  post.author = {"ada", true, true, {"@ada"}};
  post.story = {
      "offline",
      "Acme Corp releases offline mode for its mobile app, so customers can "
      "keep working without a connection.",
      {"Offline mode syncs automatically when you reconnect",
       "Available today on every plan"},
      "https://acme.example/news/offline",
      true};
  EvaluationContext context{"acme", "Acme Corp", int64_t{1700000000} * 1000000,
                            3, index};
  for (auto _ : state) {
    Evaluation e = Evaluate(ruleset, post, context);
    benchmark::DoNotOptimize(e.results.data());
  }
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMicrosecond);

// --- parts
// ------------------------------------------------------------------------

void BM_ShingleSetOf3000Chars(benchmark::State& state) {
  Rng rng(11);
  const std::string text = GenerateText(rng, 3000);
  for (auto _ : state) benchmark::DoNotOptimize(ShingleSetOf(text).data());
}
BENCHMARK(BM_ShingleSetOf3000Chars)->Unit(benchmark::kMicrosecond);

void BM_Tokenize3000Chars(benchmark::State& state) {
  Rng rng(11);
  const std::string text = GenerateText(rng, 3000);
  for (auto _ : state) benchmark::DoNotOptimize(Tokenize(text).data());
}
BENCHMARK(BM_Tokenize3000Chars)->Unit(benchmark::kMicrosecond);

void BM_Sort500(benchmark::State& state) {
  std::vector<uint32_t> set;
  for (uint32_t i = 0; i < 500; ++i)
    set.push_back(static_cast<uint32_t>(Mix64(i)));
  for (auto _ : state) benchmark::DoNotOptimize(MakeShingleSet(set).data());
}
BENCHMARK(BM_Sort500)->Unit(benchmark::kMicrosecond);

void BM_Signature500Shingles(benchmark::State& state) {
  std::vector<uint32_t> set;
  for (uint32_t i = 0; i < 500; ++i)
    set.push_back(static_cast<uint32_t>(Mix64(i)));
  set = MakeShingleSet(set);
  for (auto _ : state) benchmark::DoNotOptimize(ComputeSignature(set).data());
}
BENCHMARK(BM_Signature500Shingles)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace candor::transparency

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const auto& r = candor::transparency::Results();
  if (r.query_p99_us > 0) {
    std::printf(
        "\nnear-duplicate check: p50 %.1f us, p99 %.1f us (target p99 < 100 "
        "us)\n",
        r.query_p50_us, r.query_p99_us);
    if (r.exact_scan_us > 0) {
      std::printf(
          "exact linear scan: %.0f us per check: LSH p50 is %.0fx faster\n",
          r.exact_scan_us, r.exact_scan_us / r.query_p50_us);
    }
    if (r.signature_scan_us > 0) {
      std::printf(
          "signature linear scan: %.0f us per check: LSH p50 is %.0fx faster, "
          "p99 "
          "%.0fx (target >= 100x)\n",
          r.signature_scan_us, r.signature_scan_us / r.query_p50_us,
          r.signature_scan_us / r.query_p99_us);
    }
  }
  return 0;
}
