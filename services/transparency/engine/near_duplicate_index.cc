#include "services/transparency/engine/near_duplicate_index.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/transparency/engine/hash.h"
#include "services/transparency/engine/shingles.h"

namespace candor::transparency {
namespace {

using Entry = std::pair<uint32_t, uint32_t>;  // (band key, post)

// Pending entries are merged when they reach 1/8 of the flat ones (at
// least this many posts): a merge rewrites the flat arrays, so merging
// geometrically keeps the cost per added post constant.
constexpr size_t kMinPendingPosts = 4096;
// Dead posts are reclaimed when they reach a quarter of the live ones.
constexpr size_t kMinDeadPosts = 64;

constexpr uint32_t kMinBucketBits = 8;
constexpr uint32_t kMaxBucketBits = 16;

uint32_t BucketBitsFor(size_t entries) {
  // About 8 entries a bucket: one or two cache lines of low bits to scan.
  uint32_t bits = kMinBucketBits;
  while (bits < kMaxBucketBits && (size_t{1} << bits) * 8 < entries) ++bits;
  return bits;
}

template <typename T>
size_t CapacityBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

// --- Band -----------------------------------------------------------------

bool NearDuplicateIndex::Band::Lookup(uint32_t key, size_t max,
                                      std::vector<uint32_t>* out) const {
  // Newest first: pending entries were added after the flat ones were
  // merged, and equal keys are sorted by post number (the order of adding),
  // so both are walked from their end, and the walk stops at `max`.
  size_t taken = 0;
  const auto range = pending.equal_range(key);
  for (auto it = range.second; it != range.first;) {
    --it;
    if (taken == max) return true;
    out->push_back(it->second);
    ++taken;
  }
  if (bucket_bits == 0) return false;
  const uint32_t bucket = key >> (32 - bucket_bits);
  const auto lo = static_cast<uint16_t>(key);
  const uint32_t begin = bucket_begin[bucket];
  const auto md =
      static_cast<uint8_t>((key >> 16) & ((1u << (16 - bucket_bits)) - 1));
  for (uint32_t i = bucket_begin[bucket + 1]; i > begin;) {
    --i;
    if (low[i] != lo || (!mid.empty() && mid[i] != md)) continue;
    if (taken == max) return true;
    out->push_back(post[i]);
    ++taken;
  }
  return false;
}

void NearDuplicateIndex::Band::Assign(const std::vector<Entry>& entries) {
  const size_t n = entries.size();
  // Fresh vectors, so capacity left by a larger past does not linger.
  std::vector<uint32_t> new_begin;
  std::vector<uint16_t> new_low(n);
  std::vector<uint8_t> new_mid;
  std::vector<uint32_t> new_post(n);
  bucket_bits = n == 0 ? 0 : BucketBitsFor(n);
  if (n != 0) {
    const uint32_t shift = 32 - bucket_bits;
    new_begin.assign((size_t{1} << bucket_bits) + 1, 0);
    if (bucket_bits < 16) new_mid.resize(n);
    const uint32_t mid_mask = (1u << (16 - bucket_bits)) - 1;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t key = entries[i].first;
      ++new_begin[(key >> shift) + 1];
      new_low[i] = static_cast<uint16_t>(key);
      if (!new_mid.empty())
        new_mid[i] = static_cast<uint8_t>((key >> 16) & mid_mask);
      new_post[i] = entries[i].second;
    }
    for (size_t b = 1; b < new_begin.size(); ++b)
      new_begin[b] += new_begin[b - 1];
  }
  bucket_begin.swap(new_begin);
  low.swap(new_low);
  mid.swap(new_mid);
  post.swap(new_post);
}

void NearDuplicateIndex::Band::AppendEntries(std::vector<Entry>* out) const {
  if (bucket_bits == 0) return;
  const uint32_t shift = 32 - bucket_bits;
  const size_t buckets = bucket_begin.size() - 1;
  for (size_t b = 0; b < buckets; ++b) {
    const uint32_t high = static_cast<uint32_t>(b) << shift;
    for (uint32_t i = bucket_begin[b]; i < bucket_begin[b + 1]; ++i) {
      const uint32_t middle =
          mid.empty() ? 0 : static_cast<uint32_t>(mid[i]) << 16;
      out->emplace_back(high | middle | low[i], post[i]);
    }
  }
}

// --- Id lookup ------------------------------------------------------------

size_t NearDuplicateIndex::IdHash::operator()(uint32_t post) const {
  return (*this)(index->PostId(post));
}

size_t NearDuplicateIndex::IdHash::operator()(absl::string_view id) const {
  return static_cast<size_t>(Mix64(Fnv1a64(id)));
}

bool NearDuplicateIndex::IdEq::operator()(uint32_t a,
                                          absl::string_view b) const {
  return index->PostId(a) == b;
}

// --- Index ----------------------------------------------------------------

NearDuplicateIndex::NearDuplicateIndex()
    : id_set_(0, IdHash{this}, IdEq{this}) {}

NearDuplicateIndex::~NearDuplicateIndex() = default;

absl::string_view NearDuplicateIndex::PostId(uint32_t post) const {
  return absl::string_view(ids_).substr(id_begin_[post],
                                        id_begin_[post + 1] - id_begin_[post]);
}

absl::Span<const uint32_t> NearDuplicateIndex::Shingles(uint32_t post) const {
  return absl::MakeConstSpan(arena_.data() + shingle_begin_[post],
                             shingle_begin_[post + 1] - shingle_begin_[post]);
}

uint32_t NearDuplicateIndex::AuthorNumber(absl::string_view author_id) const {
  const auto it = author_numbers_.find(author_id);
  return it == author_numbers_.end() ? kDead : it->second;
}

absl::Status NearDuplicateIndex::Add(absl::string_view post_id,
                                     absl::string_view author_id,
                                     int64_t time_us,
                                     absl::Span<const uint32_t> shingles) {
  if (post_id.empty()) return absl::InvalidArgumentError("post_id is empty");
  if (author_id.empty())
    return absl::InvalidArgumentError("author_id is empty");
  for (size_t i = 1; i < shingles.size(); ++i) {
    if (shingles[i - 1] >= shingles[i]) {
      return absl::InvalidArgumentError("shingles are not a sorted set");
    }
  }
  if (id_set_.find(post_id) != id_set_.end()) {
    return absl::AlreadyExistsError(
        absl::StrCat("post ", post_id, " is indexed"));
  }
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  if (arena_.size() + shingles.size() > kMax ||
      ids_.size() + post_id.size() > kMax || author_.size() + 1 >= kMax) {
    return absl::ResourceExhaustedError("near-duplicate index is full");
  }

  const auto post = static_cast<uint32_t>(author_.size());
  ids_.append(post_id.data(), post_id.size());
  id_begin_.push_back(static_cast<uint32_t>(ids_.size()));
  if (arena_.capacity() - arena_.size() < shingles.size()) {
    // Grow by a quarter, not the library's doubling: the arena is most of
    // the index, and doubling would leave up to half of it unused.
    arena_.reserve(std::max(arena_.size() + shingles.size(),
                            arena_.size() + arena_.size() / 4));
  }
  arena_.insert(arena_.end(), shingles.begin(), shingles.end());
  shingle_begin_.push_back(static_cast<uint32_t>(arena_.size()));
  uint32_t author = AuthorNumber(author_id);
  if (author == kDead) {
    author = static_cast<uint32_t>(authors_.size());
    authors_.emplace_back(author_id);
    author_numbers_.emplace(std::string(author_id), author);
  }
  author_.push_back(author);
  time_us_.push_back(time_us);
  id_set_.insert(post);
  ++live_;

  // An empty set has the all-ones signature: it would collide with every
  // other empty post, and resembles nothing anyway.
  if (!shingles.empty()) {
    const MinHashSignature signature = ComputeSignature(shingles);
    for (size_t b = 0; b < kBands; ++b) {
      bands_[b].pending.emplace(BandKey(signature, b), post);
    }
  }
  ++pending_posts_;
  if (pending_posts_ >= std::max(kMinPendingPosts, merged_posts_ / 8)) {
    RebuildBands(nullptr);
  }
  return absl::OkStatus();
}

void NearDuplicateIndex::MarkDead(uint32_t post) {
  author_[post] = kDead;
  --live_;
  ++dead_;
}

absl::Status NearDuplicateIndex::Remove(absl::string_view post_id) {
  const auto it = id_set_.find(post_id);
  if (it == id_set_.end()) {
    return absl::NotFoundError(
        absl::StrCat("post ", post_id, " is not indexed"));
  }
  const uint32_t post = *it;
  id_set_.erase(it);
  MarkDead(post);
  MaybeReclaim();
  return absl::OkStatus();
}

size_t NearDuplicateIndex::RemoveBefore(int64_t time_us) {
  size_t removed = 0;
  for (uint32_t post = 0; post < author_.size(); ++post) {
    if (author_[post] == kDead || time_us_[post] >= time_us) continue;
    id_set_.erase(post);
    MarkDead(post);
    ++removed;
  }
  MaybeReclaim();
  return removed;
}

bool NearDuplicateIndex::Contains(absl::string_view post_id) const {
  return id_set_.find(post_id) != id_set_.end();
}

absl::Span<const uint32_t> NearDuplicateIndex::StoredShingles(
    absl::string_view post_id) const {
  const auto it = id_set_.find(post_id);
  if (it == id_set_.end()) return {};
  return Shingles(*it);
}

void NearDuplicateIndex::Reserve(size_t posts, size_t shingles) {
  arena_.reserve(arena_.size() + shingles);
  const size_t n = author_.size() + posts;
  id_begin_.reserve(n + 1);
  shingle_begin_.reserve(n + 1);
  author_.reserve(n);
  time_us_.reserve(n);
  id_set_.reserve(live_ + posts);
}

void NearDuplicateIndex::MaybeReclaim() {
  if (dead_ >= kMinDeadPosts && dead_ * 4 >= live_) Compact();
}

void NearDuplicateIndex::RebuildBands(const std::vector<uint32_t>* renumber) {
  std::vector<Entry> flat;
  std::vector<Entry> pending;
  std::vector<Entry> merged;
  auto keep = [&](Entry& e) {
    if (renumber != nullptr) {
      e.second = (*renumber)[e.second];
      return e.second != kDead;
    }
    return author_[e.second] != kDead;
  };
  for (Band& band : bands_) {
    flat.clear();
    flat.reserve(band.post.size());
    band.AppendEntries(&flat);
    flat.erase(std::remove_if(flat.begin(), flat.end(),
                              [&](Entry& e) { return !keep(e); }),
               flat.end());
    pending.clear();
    pending.reserve(band.pending.size());
    for (const auto& [key, post] : band.pending) {
      Entry e{key, post};
      if (keep(e)) pending.push_back(e);
    }
    band.pending.clear();
    // Both runs are sorted by (key, post): flat by construction, pending by
    // key with equal keys in insertion (= post) order; renumbering keeps
    // the order of posts.
    merged.clear();
    merged.reserve(flat.size() + pending.size());
    std::merge(flat.begin(), flat.end(), pending.begin(), pending.end(),
               std::back_inserter(merged));
    band.Assign(merged);
  }
  merged_posts_ = live_;
  pending_posts_ = 0;
}

void NearDuplicateIndex::Compact() {
  if (dead_ == 0) {
    if (pending_posts_ != 0) RebuildBands(nullptr);
    return;
  }
  const size_t posts = author_.size();
  std::vector<uint32_t> renumber(posts, kDead);
  uint32_t next = 0;
  for (size_t p = 0; p < posts; ++p) {
    if (author_[p] != kDead) renumber[p] = next++;
  }
  RebuildBands(&renumber);

  std::string ids;
  std::vector<uint32_t> id_begin{0};
  std::vector<uint32_t> shingle_begin{0};
  std::vector<uint32_t> arena;
  std::vector<uint32_t> author;
  std::vector<int64_t> time_us;
  size_t id_bytes = 0, shingles = 0;
  for (uint32_t p = 0; p < posts; ++p) {
    if (author_[p] == kDead) continue;
    id_bytes += PostId(p).size();
    shingles += Shingles(p).size();
  }
  ids.reserve(id_bytes);
  id_begin.reserve(live_ + 1);
  shingle_begin.reserve(live_ + 1);
  arena.reserve(shingles);
  author.reserve(live_);
  time_us.reserve(live_);
  for (uint32_t p = 0; p < posts; ++p) {
    if (author_[p] == kDead) continue;
    const absl::string_view id = PostId(p);
    ids.append(id.data(), id.size());
    id_begin.push_back(static_cast<uint32_t>(ids.size()));
    const auto set = Shingles(p);
    arena.insert(arena.end(), set.begin(), set.end());
    shingle_begin.push_back(static_cast<uint32_t>(arena.size()));
    author.push_back(author_[p]);
    time_us.push_back(time_us_[p]);
  }
  id_set_.clear();
  ids_.swap(ids);
  id_begin_.swap(id_begin);
  shingle_begin_.swap(shingle_begin);
  arena_.swap(arena);
  author_.swap(author);
  time_us_.swap(time_us);
  id_set_.reserve(live_);
  for (uint32_t p = 0; p < live_; ++p) id_set_.insert(p);
  dead_ = 0;
}

bool NearDuplicateIndex::Eligible(uint32_t post, uint32_t excluded_author,
                                  int64_t since_us) const {
  const uint32_t author = author_[post];
  return author != kDead && author != excluded_author &&
         time_us_[post] >= since_us;
}

SimilarPost NearDuplicateIndex::Describe(uint32_t post, double jaccard) const {
  return {std::string(PostId(post)), authors_[author_[post]], time_us_[post],
          jaccard};
}

void NearDuplicateIndex::SortResults(std::vector<SimilarPost>* results) {
  std::sort(results->begin(), results->end(),
            [](const SimilarPost& a, const SimilarPost& b) {
              if (a.jaccard != b.jaccard) return a.jaccard > b.jaccard;
              return a.post_id < b.post_id;
            });
}

std::vector<SimilarPost> NearDuplicateIndex::FindSimilar(
    absl::Span<const uint32_t> shingles, absl::string_view exclude_author,
    int64_t since_us, double threshold, QueryStats* stats) const {
  std::vector<SimilarPost> results;
  if (stats != nullptr) *stats = QueryStats{};
  if (shingles.empty()) return results;
  const MinHashSignature signature = ComputeSignature(shingles);
  // The 42 lookups are independent cache misses (directory, then entries):
  // prefetching each step for all bands first lets them overlap instead of
  // waiting for one miss after another.
  std::array<uint32_t, kBands> keys;
  for (size_t b = 0; b < kBands; ++b) {
    keys[b] = BandKey(signature, b);
    const Band& band = bands_[b];
    if (band.bucket_bits != 0) {
      __builtin_prefetch(
          &band.bucket_begin[keys[b] >> (32 - band.bucket_bits)]);
    }
  }
  for (size_t b = 0; b < kBands; ++b) {
    const Band& band = bands_[b];
    if (band.bucket_bits == 0) continue;
    // Lookup walks a bucket from its end.
    const uint32_t end =
        band.bucket_begin[(keys[b] >> (32 - band.bucket_bits)) + 1];
    if (end > 0) {
      __builtin_prefetch(&band.low[end - 1]);
      __builtin_prefetch(&band.post[end - 1]);
      if (!band.mid.empty()) __builtin_prefetch(&band.mid[end - 1]);
    }
  }
  // Bounded work per query. Text every post shares (the disclosure each
  // post must carry, a company hashtag) makes some band buckets hold a large
  // part of the organization; exact checks of all of them cost milliseconds
  // and find nothing. So each band contributes at most its kMaxPerBand most
  // recently added posts, and at most kMaxVerified candidates are checked
  // exactly, those sharing the most bands first: a copy matches in most of
  // the 42 bands, a post that only shares boilerplate in a few. A campaign
  // of many copies is still found (far more than max_similar_authors of
  // them rank first); what can be missed is one loose resemblance hidden
  // among thousands of boilerplate matches.
  std::vector<uint32_t> candidates;
  candidates.reserve(256);
  size_t hot_bands = 0;
  for (size_t b = 0; b < kBands; ++b) {
    if (bands_[b].Lookup(keys[b], kMaxPerBand, &candidates)) ++hot_bands;
  }
  std::sort(candidates.begin(), candidates.end());
  // (bands shared, post), distinct posts; most bands first.
  std::vector<std::pair<uint32_t, uint32_t>> ranked;
  ranked.reserve(candidates.size());
  for (size_t i = 0; i < candidates.size();) {
    size_t j = i;
    while (j < candidates.size() && candidates[j] == candidates[i]) ++j;
    ranked.emplace_back(static_cast<uint32_t>(j - i), candidates[i]);
    i = j;
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a > b; });
  const uint32_t excluded = AuthorNumber(exclude_author);
  size_t verified = 0;
  for (const auto& [bands_shared, post] : ranked) {
    if (verified == kMaxVerified) break;
    if (!Eligible(post, excluded, since_us)) continue;
    ++verified;
    const double jaccard = Jaccard(Shingles(post), shingles);
    if (jaccard >= threshold) results.push_back(Describe(post, jaccard));
  }
  if (stats != nullptr) {
    stats->candidates = ranked.size();
    stats->verified = verified;
    stats->hot_bands = hot_bands;
  }
  SortResults(&results);
  return results;
}

std::vector<SimilarPost> NearDuplicateIndex::FindSimilarByLinearScan(
    absl::Span<const uint32_t> shingles, absl::string_view exclude_author,
    int64_t since_us, double threshold) const {
  std::vector<SimilarPost> results;
  if (shingles.empty()) return results;
  const uint32_t excluded = AuthorNumber(exclude_author);
  for (uint32_t post = 0; post < author_.size(); ++post) {
    if (!Eligible(post, excluded, since_us)) continue;
    const double jaccard = Jaccard(Shingles(post), shingles);
    if (jaccard >= threshold) results.push_back(Describe(post, jaccard));
  }
  SortResults(&results);
  return results;
}

IndexStats NearDuplicateIndex::stats() const {
  IndexStats s;
  s.posts = live_;
  s.dead_posts = dead_;
  s.shingles = arena_.size();
  s.pending_posts = pending_posts_;
  s.shingle_bytes = CapacityBytes(arena_);
  for (const Band& band : bands_) {
    s.band_bytes += CapacityBytes(band.bucket_begin) + CapacityBytes(band.low) +
                    CapacityBytes(band.mid) + CapacityBytes(band.post);
    // A btree node holds ~30 (key, post) pairs of 8 bytes at ~70% fill.
    s.band_bytes += band.pending.size() * 12;
  }
  s.post_bytes = ids_.capacity() + CapacityBytes(id_begin_) +
                 CapacityBytes(shingle_begin_) + CapacityBytes(author_) +
                 CapacityBytes(time_us_) +
                 id_set_.capacity() * (sizeof(uint32_t) + 1);
  for (const std::string& a : authors_)
    s.post_bytes += sizeof(a) + a.capacity() + 8;
  s.total_bytes = s.shingle_bytes + s.band_bytes + s.post_bytes;
  return s;
}

}  // namespace candor::transparency
