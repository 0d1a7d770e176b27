#include "services/transparency/engine/near_duplicate_index.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/transparency/engine/hash.h"
#include "services/transparency/engine/shingles.h"
#include "tests/support/status_matchers.h"

namespace candor::transparency {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;

// A deterministic generator (fixed seed; the same on every platform, unlike
// std:: distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

// 2000 pronounceable pseudo-words from a fixed seed.
std::vector<std::string> WordList() {
  static const char* kSyllables[] = {
      "ka", "lo",  "mi",  "ten", "ra", "vo", "su", "den", "pri", "ma",
      "go", "sel", "tur", "ne",  "bi", "on", "ca", "fe",  "lu",  "zor"};
  Rng rng(42);
  std::set<std::string> seen;
  std::vector<std::string> words;
  while (words.size() < 2000) {
    std::string w;
    const size_t syllables = 1 + rng.Below(3);
    for (size_t s = 0; s < syllables; ++s) w += kSyllables[rng.Below(20)];
    if (seen.insert(w).second) words.push_back(w);
  }
  return words;
}

std::string Script(Rng& rng, const std::vector<std::string>& words, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(words[rng.Below(words.size())]);
  return absl::StrJoin(out, " ");
}

// One light edit of docs/RULES.md's study: punctuation, a swapped or added
// word, or a hashtag.
std::string LightEdit(Rng& rng, const std::vector<std::string>& words,
                      const std::string& text) {
  std::vector<std::string> w = absl::StrSplit(text, ' ');
  const size_t at = rng.Below(w.size());
  switch (rng.Below(5)) {
    case 0:  // punctuation
      w[at] += (rng.Below(2) == 0) ? "," : "!";
      break;
    case 1:  // a word swapped for another
      w[at] = words[rng.Below(words.size())];
      break;
    case 2:  // two neighbours swapped
      if (at + 1 < w.size()) std::swap(w[at], w[at + 1]);
      break;
    case 3:  // an added word
      w.insert(w.begin() + static_cast<long>(at),
               words[rng.Below(words.size())]);
      break;
    default:  // a hashtag
      w.push_back("#" + words[rng.Below(words.size())]);
      break;
  }
  return absl::StrJoin(w, " ");
}

TEST(NearDuplicateIndexTest, AddValidatesAndRejectsDuplicates) {
  NearDuplicateIndex index;
  EXPECT_THAT(index.Add("", "a", 0, {1, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(index.Add("p", "", 0, {1, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(index.Add("p", "a", 0, {2, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(index.Add("p", "a", 0, {2, 2}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(index.Add("p", "a", 0, {1, 2}).ok());
  EXPECT_THAT(index.Add("p", "b", 0, {3}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_TRUE(index.Add("empty", "b", 0, {}).ok());
  EXPECT_TRUE(index.Contains("p"));
  EXPECT_EQ(index.size(), 2u);
  EXPECT_THAT(index.Remove("nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(index.Remove("p").ok());
  EXPECT_FALSE(index.Contains("p"));
  EXPECT_THAT(index.Remove("p"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(index.Add("p", "a", 0, {1, 2}).ok());  // may come back
}

TEST(NearDuplicateIndexTest, FindsOtherAuthorsNearDuplicatesInTheWindow) {
  const std::string script =
      "Thrilled to share that our team just launched the new analytics "
      "dashboard which gives every customer real time insight into usage";
  NearDuplicateIndex index;
  const int64_t now = 100 * kDay;
  // Differs by punctuation, case and hyphens only: identical shingles.
  ASSERT_TRUE(
      index
          .Add("p1", "bob", now - kDay,
               ShingleSetOf(
                   "THRILLED to share that our team just launched the new "
                   "analytics dashboard, which gives every customer "
                   "real-time insight into usage!"))
          .ok());
  // One word changed.
  ASSERT_TRUE(
      index
          .Add("p2", "carol", now - 2 * kDay,
               ShingleSetOf(
                   "Thrilled to share that our team just launched the new "
                   "analytics dashboard which gives every client real "
                   "time insight into usage"))
          .ok());
  // Same author as the query: never counted.
  ASSERT_TRUE(index.Add("p3", "ada", now - kDay, ShingleSetOf(script)).ok());
  // Too old.
  ASSERT_TRUE(
      index.Add("p4", "dan", now - 40 * kDay, ShingleSetOf(script)).ok());
  // Unrelated.
  ASSERT_TRUE(
      index
          .Add("p5", "erin", now - kDay,
               ShingleSetOf("Had a great time at the offsite with the sales "
                            "folks, thanks for organizing"))
          .ok());

  QueryStats stats;
  const std::vector<SimilarPost> similar = index.FindSimilar(
      ShingleSetOf(script), "ada", now - 30 * kDay, 0.5, &stats);
  ASSERT_THAT(similar, SizeIs(2));
  EXPECT_EQ(similar[0].post_id, "p1");
  EXPECT_EQ(similar[0].author_id, "bob");
  EXPECT_DOUBLE_EQ(similar[0].jaccard, 1.0);
  EXPECT_EQ(similar[1].post_id, "p2");
  EXPECT_GE(similar[1].jaccard, 0.5);
  EXPECT_LT(similar[1].jaccard, 1.0);
  EXPECT_GE(stats.candidates, 2u);
  EXPECT_EQ(similar, index.FindSimilarByLinearScan(ShingleSetOf(script), "ada",
                                                   now - 30 * kDay, 0.5));
  // A stricter threshold keeps only the exact copy.
  EXPECT_THAT(
      index.FindSimilar(ShingleSetOf(script), "ada", now - 30 * kDay, 0.95),
      ElementsAre(Field(&SimilarPost::post_id, "p1")));
  EXPECT_THAT(index.FindSimilar({}, "ada", 0, 0.5), IsEmpty());
}

TEST(NearDuplicateIndexTest, EqualScoresAreOrderedByPostId) {
  NearDuplicateIndex index;
  const ShingleSet set =
      ShingleSetOf("the very same words in every single post");
  for (const char* id : {"p9", "p1", "p5"})
    ASSERT_TRUE(index.Add(id, id, 0, set).ok());
  std::vector<std::string> ids;
  for (const SimilarPost& s : index.FindSimilar(set, "someone", 0, 0.5)) {
    ids.push_back(s.post_id);
  }
  EXPECT_THAT(ids, ElementsAre("p1", "p5", "p9"));
}

// Many adds (past the merge of pending entries), removals (past the
// reclaiming of dead posts) and RemoveBefore: answers always equal the
// linear scan's.
TEST(NearDuplicateIndexTest, AgreesWithLinearScanThroughMergesAndRemovals) {
  const std::vector<std::string> words = WordList();
  Rng rng(7);
  NearDuplicateIndex index;
  std::vector<std::string> texts;
  constexpr int kPosts = 6000;
  for (int i = 0; i < kPosts; ++i) {
    // Families of 4: a script and three edited copies.
    std::string text = (i % 4 == 0) ? Script(rng, words, 30 + rng.Below(40))
                                    : LightEdit(rng, words, texts[i - i % 4]);
    ASSERT_TRUE(index
                    .Add(absl::StrCat("p", i), absl::StrCat("a", i % 97), i,
                         ShingleSetOf(text))
                    .ok());
    texts.push_back(std::move(text));
  }
  EXPECT_LT(index.stats().pending_posts,
            size_t{kPosts});  // merged at least once
  auto check = [&](int step) {
    for (int i = 0; i < kPosts; i += step) {
      const ShingleSet q = ShingleSetOf(texts[i]);
      const auto fast = index.FindSimilar(q, absl::StrCat("a", i % 97), 0, 0.5);
      const auto slow =
          index.FindSimilarByLinearScan(q, absl::StrCat("a", i % 97), 0, 0.5);
      // LSH may miss a pair the scan finds (recall < 1), never the reverse.
      for (const SimilarPost& s : fast) {
        EXPECT_NE(std::find(slow.begin(), slow.end(), s), slow.end())
            << s.post_id;
      }
      EXPECT_GE(fast.size() + 1, slow.size()) << i;
    }
  };
  check(37);
  for (int i = 0; i < kPosts; i += 3)
    ASSERT_TRUE(index.Remove(absl::StrCat("p", i)).ok());
  EXPECT_LT(index.stats().dead_posts, size_t{kPosts / 3});  // some reclaimed
  EXPECT_EQ(index.size(), size_t{kPosts - kPosts / 3});
  EXPECT_TRUE(index.Contains("p1"));
  EXPECT_FALSE(index.Contains("p3"));
  for (const SimilarPost& s :
       index.FindSimilar(ShingleSetOf(texts[0]), "x", 0, 0.3)) {
    EXPECT_NE(s.post_id, "p0");
  }
  check(41);
  EXPECT_EQ(index.RemoveBefore(3000), size_t{2000});
  EXPECT_EQ(index.size(), size_t{2000});
  index.Compact();
  EXPECT_EQ(index.stats().pending_posts, 0u);
  for (const SimilarPost& s :
       index.FindSimilar(ShingleSetOf(texts[3001]), "x", 0, 0.5)) {
    EXPECT_GE(s.time_us, 3000);
  }
  check(43);
}

// docs/RULES.md's measurement, synthetically: 300 scripts of 40-100 words, each
// copied 3-6 times with 1-3 light edits, by different authors.
TEST(NearDuplicateIndexTest, RecallOfLightlyEditedCopiesAtHalfResemblance) {
  const std::vector<std::string> words = WordList();
  Rng rng(2024);
  std::vector<ShingleSet> sets;
  std::vector<int> family;
  for (int f = 0; f < 300; ++f) {
    const std::string script = Script(rng, words, 40 + rng.Below(61));
    sets.push_back(ShingleSetOf(script));
    family.push_back(f);
    const size_t copies = 3 + rng.Below(4);
    for (size_t c = 0; c < copies; ++c) {
      std::string copy = script;
      const size_t edits = 1 + rng.Below(3);
      for (size_t e = 0; e < edits; ++e) copy = LightEdit(rng, words, copy);
      sets.push_back(ShingleSetOf(copy));
      family.push_back(f);
    }
  }
  NearDuplicateIndex index;
  for (size_t i = 0; i < sets.size(); ++i) {
    ASSERT_TRUE(
        index.Add(absl::StrCat("p", i), absl::StrCat("author", i), 0, sets[i])
            .ok());
  }
  constexpr double kThreshold = 0.5;
  // Truth: every pair (any family) with exact Jaccard >= 0.5.
  std::set<std::pair<size_t, size_t>> truth;
  for (size_t i = 0; i < sets.size(); ++i) {
    for (size_t j = i + 1; j < sets.size(); ++j) {
      if (Jaccard(sets[i], sets[j]) >= kThreshold) truth.insert({i, j});
    }
  }
  std::set<std::pair<size_t, size_t>> found;
  for (size_t i = 0; i < sets.size(); ++i) {
    for (const SimilarPost& s :
         index.FindSimilar(sets[i], absl::StrCat("author", i), 0, kThreshold)) {
      const size_t j = std::stoul(s.post_id.substr(1));
      EXPECT_GE(Jaccard(sets[i], sets[j]), kThreshold);
      EXPECT_EQ(family[i], family[j]);
      found.insert({std::min(i, j), std::max(i, j)});
    }
  }
  size_t hit = 0;
  for (const auto& pair : truth) hit += found.count(pair);
  EXPECT_EQ(found.size(), hit) << "a reported pair below the threshold";
  ASSERT_GT(truth.size(), 1500u);
  const double recall =
      static_cast<double>(hit) / static_cast<double>(truth.size());
  RecordProperty("pairs", static_cast<int>(truth.size()));
  RecordProperty("recall_permille", static_cast<int>(recall * 1000));
  EXPECT_GE(recall, 0.99) << hit << " of " << truth.size();
}

TEST(NearDuplicateIndexTest, StatsCountWhatIsHeld) {
  NearDuplicateIndex index;
  index.Reserve(10, 100);
  ASSERT_TRUE(
      index.Add("p1", "a", 0, ShingleSetOf("one two three four five")).ok());
  EXPECT_EQ(std::vector<uint32_t>(index.StoredShingles("p1").begin(),
                                  index.StoredShingles("p1").end()),
            ShingleSetOf("one two three four five"));
  EXPECT_TRUE(index.StoredShingles("p2").empty());
  const IndexStats s = index.stats();
  EXPECT_EQ(s.posts, 1u);
  EXPECT_EQ(s.shingles, 3u);
  EXPECT_EQ(s.pending_posts, 1u);
  EXPECT_EQ(s.total_bytes, s.shingle_bytes + s.band_bytes + s.post_bytes);
  EXPECT_GT(s.band_bytes, 0u);
}

}  // namespace
}  // namespace candor::transparency
