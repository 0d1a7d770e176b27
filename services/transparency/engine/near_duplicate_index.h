// An in-memory near-duplicate index of one organization's posts, for the
// no_coordination rule: "which other authors posted nearly the same text
// recently?".
//
// Each post is kept as its shingle set (shingles.h). A query computes the
// MinHash signature of the new post, collects candidates whose band keys
// match in any of 42 bands (minhash.h says why 42 x 3), and verifies every
// candidate by the exact Jaccard of the two shingle sets, so a reported post
// always has Jaccard >= the threshold; recall at J = 0.5 is about 0.996.
//
// Memory is laid out for a million posts in well under a gigabyte:
//   - shingle sets: one arena of uint32 with one offset per post (4 bytes a
//     shingle, ~4 per word of text), not a vector per post;
//   - bands: per band, entries sorted by key in flat arrays, found through a
//     bucket directory on the key's top bits (up to 2^16 buckets); an entry
//     stores only the key bits the bucket does not give (16 low bits, plus 8
//     middle bits while the index is small) and the post number: 6 bytes, so
//     42 bands cost ~252 bytes a post;
//   - posts added since the last merge wait in a small ordered map per band
//     and are merged into the flat arrays when they reach 1/8 of them;
//   - ids, authors (interned) and times in flat arrays.
// stats() reports the bytes actually held.
//
// Removal marks a post dead (queries skip it) and the space is reclaimed
// when dead posts reach a quarter of the live ones. Posts older than the
// longest window a rule uses need not stay: RemoveBefore drops them, which
// bounds memory by an organization's posting rate, not its history.
//
// Results are deterministic: sorted by Jaccard (highest first), then post id.
//
// Thread-safety: const methods may run concurrently with each other; Add,
// Remove, RemoveBefore and Compact need exclusive access (the service holds
// a reader-writer lock per organization).
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_NEAR_DUPLICATE_INDEX_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_NEAR_DUPLICATE_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/transparency/engine/minhash.h"

namespace candor::transparency {

struct SimilarPost {
  std::string post_id;
  std::string author_id;
  int64_t time_us = 0;
  double jaccard = 0.0;

  bool operator==(const SimilarPost& o) const {
    return post_id == o.post_id && author_id == o.author_id &&
           time_us == o.time_us && jaccard == o.jaccard;
  }
  // For test failure messages.
  friend std::ostream& operator<<(std::ostream& os, const SimilarPost& s) {
    return os << s.post_id << " by " << s.author_id << " J=" << s.jaccard;
  }
};

// What one query did, for tests and benchmarks.
struct QueryStats {
  size_t candidates = 0;  // distinct posts taken from the band buckets
  size_t verified = 0;    // candidates whose exact Jaccard was computed
  size_t hot_bands = 0;   // bands whose bucket held more than kMaxPerBand
};

// Bounds on one query's work (see FindSimilar).
inline constexpr size_t kMaxPerBand = 32;
inline constexpr size_t kMaxVerified = 64;

struct IndexStats {
  size_t posts = 0;          // live posts
  size_t dead_posts = 0;     // removed, space not yet reclaimed
  size_t shingles = 0;       // stored shingle values (live and dead)
  size_t pending_posts = 0;  // posts whose band entries are not merged yet
  size_t shingle_bytes = 0;
  size_t band_bytes = 0;  // flat arrays, directories and pending maps
  size_t post_bytes = 0;  // ids, authors, times, offsets, id lookup
  size_t total_bytes = 0;
};

class NearDuplicateIndex {
 public:
  NearDuplicateIndex();
  ~NearDuplicateIndex();
  NearDuplicateIndex(const NearDuplicateIndex&) = delete;
  NearDuplicateIndex& operator=(const NearDuplicateIndex&) = delete;
  NearDuplicateIndex(NearDuplicateIndex&&) = delete;
  NearDuplicateIndex& operator=(NearDuplicateIndex&&) = delete;

  // Indexes a post's shingle set (sorted, no duplicates: a ShingleSet).
  // INVALID_ARGUMENT for an empty post or author id or an unsorted set;
  // ALREADY_EXISTS when post_id is indexed. A post with no shingles is kept
  // but never similar to anything.
  absl::Status Add(absl::string_view post_id, absl::string_view author_id,
                   int64_t time_us, absl::Span<const uint32_t> shingles);

  // NOT_FOUND when post_id is not indexed.
  absl::Status Remove(absl::string_view post_id);
  // Removes every post older than time_us; returns how many.
  size_t RemoveBefore(int64_t time_us);

  bool Contains(absl::string_view post_id) const;
  // The stored shingle set of a post; empty when it is not indexed. Valid
  // until the next non-const call.
  absl::Span<const uint32_t> StoredShingles(absl::string_view post_id) const;

  // Makes room for `posts` more posts with `shingles` more shingles in all,
  // so loading a known corpus at start allocates once.
  void Reserve(size_t posts, size_t shingles);

  // Posts by authors other than `exclude_author`, posted at or after
  // `since_us`, whose exact Jaccard with `shingles` is >= threshold. Sorted
  // by Jaccard descending, then post id. The work is bounded (kMaxPerBand,
  // kMaxVerified): under text shared by very many posts, only the
  // candidates sharing the most bands are checked.
  std::vector<SimilarPost> FindSimilar(absl::Span<const uint32_t> shingles,
                                       absl::string_view exclude_author,
                                       int64_t since_us, double threshold,
                                       QueryStats* stats = nullptr) const;

  // The same answer by computing the exact Jaccard against every stored
  // post: the baseline the benchmark compares with, and a test oracle.
  std::vector<SimilarPost> FindSimilarByLinearScan(
      absl::Span<const uint32_t> shingles, absl::string_view exclude_author,
      int64_t since_us, double threshold) const;

  // Merges pending band entries and reclaims dead posts now.
  void Compact();

  size_t size() const { return live_; }
  IndexStats stats() const;

 private:
  // One LSH band: entries (key, post) sorted by key then post.
  struct Band {
    uint32_t bucket_bits = 0;  // 0 while the flat part is empty
    std::vector<uint32_t> bucket_begin;
    std::vector<uint16_t> low;  // key bits 0-15
    std::vector<uint8_t> mid;   // key bits 16..31-bucket_bits, when < 16 bits
    std::vector<uint32_t> post;
    absl::btree_multimap<uint32_t, uint32_t> pending;

    // Appends the newest `max` posts whose band key is `key`; true when
    // there were more.
    bool Lookup(uint32_t key, size_t max, std::vector<uint32_t>* out) const;
    // Rewrites the flat arrays from sorted (key, post) entries.
    void Assign(const std::vector<std::pair<uint32_t, uint32_t>>& entries);
    // The flat entries as sorted (key, post).
    void AppendEntries(std::vector<std::pair<uint32_t, uint32_t>>* out) const;
  };

  // Post ids are looked up through a set of post numbers hashed by the id
  // they name: 4 bytes a post instead of a copy of every id.
  struct IdHash {
    using is_transparent = void;
    const NearDuplicateIndex* index;
    size_t operator()(uint32_t post) const;
    size_t operator()(absl::string_view id) const;
  };
  struct IdEq {
    using is_transparent = void;
    const NearDuplicateIndex* index;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, absl::string_view b) const;
    bool operator()(absl::string_view a, uint32_t b) const {
      return (*this)(b, a);
    }
  };

  static constexpr uint32_t kDead = 0xFFFFFFFFu;

  absl::string_view PostId(uint32_t post) const;
  absl::Span<const uint32_t> Shingles(uint32_t post) const;
  bool Eligible(uint32_t post, uint32_t excluded_author,
                int64_t since_us) const;
  SimilarPost Describe(uint32_t post, double jaccard) const;
  uint32_t AuthorNumber(absl::string_view author_id) const;
  void MarkDead(uint32_t post);
  void MaybeReclaim();
  // Merges pending entries into the flat arrays, dropping dead posts; with
  // `renumber`, also maps post numbers through it (kDead: drop).
  void RebuildBands(const std::vector<uint32_t>* renumber);
  static void SortResults(std::vector<SimilarPost>* results);

  // Per post, indexed by post number (order of Add).
  std::string ids_;
  std::vector<uint32_t> id_begin_{0};       // size posts + 1
  std::vector<uint32_t> shingle_begin_{0};  // size posts + 1
  std::vector<uint32_t> arena_;
  std::vector<uint32_t> author_;  // kDead once removed
  std::vector<int64_t> time_us_;

  std::vector<std::string> authors_;
  absl::flat_hash_map<std::string, uint32_t> author_numbers_;
  absl::flat_hash_set<uint32_t, IdHash, IdEq> id_set_;

  std::array<Band, kBands> bands_;
  size_t merged_posts_ = 0;   // posts whose entries are in the flat arrays
  size_t pending_posts_ = 0;  // posts whose entries are in `pending`
  size_t live_ = 0;
  size_t dead_ = 0;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_NEAR_DUPLICATE_INDEX_H_
