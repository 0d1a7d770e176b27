#include "services/transparency/engine/shingles.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/transparency/engine/hash.h"
#include "services/transparency/engine/minhash.h"
#include "tests/support/status_matchers.h"

namespace candor::transparency {
namespace {

// ShingleSetOf("candor keeps promises"), pinned.
constexpr uint32_t kGoldenShingle = 2647991122u;

TEST(ShinglesTest, NormalizationMakesPunctuationAndCaseIrrelevant) {
  EXPECT_EQ(ShingleSetOf("Hello, World! Great   day."),
            ShingleSetOf("hello world great day"));
  EXPECT_EQ(ShingleSetOf("ΚΑΛΗ ΜΕΡΑ ΣΑΣ φίλοι"),
            ShingleSetOf("καλη μερα σας φίλοι"));
  EXPECT_EQ(ShingleSetOf("Launch #Cloud day"),
            ShingleSetOf("launch cloud day"));
  EXPECT_EQ(ShingleSetOf("see https://a.example/x now"),
            ShingleSetOf("see http://b.example now"));
  EXPECT_NE(ShingleSetOf("a b c"), ShingleSetOf("a c b"));
}

TEST(ShinglesTest, CountsAndShortTexts) {
  EXPECT_EQ(ShingleSetOf("one two three four five").size(), 3u);
  EXPECT_EQ(ShingleSetOf("one two").size(), 1u);
  EXPECT_EQ(ShingleSetOf("one").size(), 1u);
  EXPECT_NE(ShingleSetOf("one two"), ShingleSetOf("two one"));
  EXPECT_TRUE(ShingleSetOf("").empty());
  EXPECT_TRUE(ShingleSetOf(" ... !! 🚀").empty());
  // Repeated shingles count once.
  EXPECT_EQ(ShingleSetOf("a b c a b c").size(), 3u);

  const std::vector<Token> tokens = Tokenize("one two three four");
  const std::vector<ShingleAt> at = ShinglesOf(tokens);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[1].first_token, 1u);
  EXPECT_EQ(at[1].token_count, 3u);
  EXPECT_EQ(MakeShingleSet({at[0].hash, at[1].hash}), ShingleSetOf(tokens));
}

TEST(ShinglesTest, HashesAreFixedAcrossProcesses) {
  // Stored shingle sets depend on these values: they must never change.
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Mix64(1), 6238072747940578789ULL);
  const ShingleSet set = ShingleSetOf("Candor keeps promises");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0], ShingleSetOf("candor keeps promises")[0]);
  EXPECT_EQ(set[0], kGoldenShingle);
}

TEST(ShinglesTest, JaccardAndContainment) {
  const ShingleSet a = {1, 2, 3, 4};
  const ShingleSet b = {3, 4, 5, 6, 7, 8};
  EXPECT_EQ(IntersectionSize(a, b), 2u);
  EXPECT_DOUBLE_EQ(Jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(Jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(a, {}), 0.0);
  EXPECT_DOUBLE_EQ(Containment(a, b), 0.5);
  EXPECT_DOUBLE_EQ(Containment(b, a), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(Containment({}, a), 0.0);
}

TEST(ShinglesTest, ContainmentStaysHighWhenACopyAddsItsOwnSentence) {
  const std::string script =
      "Our new offline mode lets every customer keep working on a plane, in a "
      "tunnel or anywhere the network drops, and it syncs the moment you are "
      "back";
  const ShingleSet s = ShingleSetOf(script);
  const ShingleSet copy = ShingleSetOf(
      script +
      ". Honestly I tried it on my commute this morning and loved it.");
  EXPECT_GT(Containment(s, copy), 0.95);
  EXPECT_LT(Jaccard(s, copy), 0.7);
}

TEST(ShingleEncodingTest, RoundTrips) {
  for (const ShingleSet& set :
       {ShingleSet{}, ShingleSet{0}, ShingleSet{7, 0xFFFFFFFFu},
        ShingleSetOf("the quick brown fox jumps over the lazy dog again")}) {
    const std::string bytes = EncodeShingleSet(set);
    const absl::StatusOr<ShingleSet> back = DecodeShingleSet(bytes);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, set);
  }
  ShingleSet many;
  for (uint32_t i = 0; i < 500; ++i)
    many.push_back(static_cast<uint32_t>(Mix64(i)));
  many = MakeShingleSet(many);
  EXPECT_LE(EncodeShingleSet(many).size(), 4 * many.size() + 3);
}

TEST(ShingleEncodingTest, RejectsCorruptBytes) {
  const std::string good = EncodeShingleSet({5, 9, 300});
  EXPECT_THAT(DecodeShingleSet(""), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeShingleSet("\x02\x00"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeShingleSet(good.substr(0, good.size() - 1)),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeShingleSet(good + "x"),
              StatusIs(absl::StatusCode::kDataLoss));
  // Count 2, values 5 then a zero gap: not ascending.
  EXPECT_THAT(DecodeShingleSet(std::string("\x01\x02\x05\x00", 4)),
              StatusIs(absl::StatusCode::kDataLoss));
  // A varint longer than 32 bits.
  EXPECT_THAT(DecodeShingleSet("\x01\x01\xff\xff\xff\xff\x7f"),
              StatusIs(absl::StatusCode::kDataLoss));
}

// Random sets with a known Jaccard: `common` shared values and `own` values
// in each set only.
void MakePair(uint64_t seed, int common, int own, ShingleSet* a,
              ShingleSet* b) {
  std::vector<uint32_t> x, y;
  uint64_t s = seed * 1000003;
  for (int i = 0; i < common; ++i) {
    const auto v = static_cast<uint32_t>(Mix64(++s));
    x.push_back(v);
    y.push_back(v);
  }
  for (int i = 0; i < own; ++i) x.push_back(static_cast<uint32_t>(Mix64(++s)));
  for (int i = 0; i < own; ++i) y.push_back(static_cast<uint32_t>(Mix64(++s)));
  *a = MakeShingleSet(x);
  *b = MakeShingleSet(y);
}

TEST(MinHashTest, EmptyAndIdenticalSets) {
  const MinHashSignature empty = ComputeSignature({});
  for (const uint32_t v : empty) EXPECT_EQ(v, 0xFFFFFFFFu);
  const ShingleSet s = ShingleSetOf("a few words make a set of shingles here");
  EXPECT_DOUBLE_EQ(EstimateJaccard(ComputeSignature(s), ComputeSignature(s)),
                   1.0);
  const MinHashSignature sig = ComputeSignature(s);
  EXPECT_NE(BandKey(sig, 0), BandKey(sig, 1));
  EXPECT_EQ(BandKey(sig, 5), BandKey(ComputeSignature(s), 5));
}

TEST(MinHashTest, EstimatesJaccardWithoutBias) {
  // J = 100 / (100 + 2 * 50) = 0.5; the estimate's standard error over 128
  // positions is 0.044, so the mean over 200 pairs is within ~0.003.
  double sum = 0;
  double worst = 0;
  constexpr int kPairs = 200;
  for (int i = 0; i < kPairs; ++i) {
    ShingleSet a, b;
    MakePair(i, 100, 50, &a, &b);
    ASSERT_DOUBLE_EQ(Jaccard(a, b), 0.5);
    const double estimate =
        EstimateJaccard(ComputeSignature(a), ComputeSignature(b));
    sum += estimate;
    worst = std::max(worst, std::abs(estimate - 0.5));
  }
  EXPECT_NEAR(sum / kPairs, 0.5, 0.015);
  EXPECT_LT(worst, 0.2);
}

TEST(MinHashTest, UnrelatedSetsRarelyShareABand) {
  int sharing = 0;
  for (int i = 0; i < 500; ++i) {
    ShingleSet a, b;
    MakePair(i + 7777, 0, 80, &a, &b);
    const MinHashSignature sa = ComputeSignature(a), sb = ComputeSignature(b);
    for (size_t band = 0; band < kBands; ++band) {
      if (BandKey(sa, band) == BandKey(sb, band)) {
        ++sharing;
        break;
      }
    }
  }
  EXPECT_LE(sharing, 2);
}

}  // namespace
}  // namespace candor::transparency
