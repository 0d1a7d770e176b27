// Deterministic synthetic content for benchmarks: the same seed and index
// always give the same person or text, so a dataset and the load run against
// it are repeatable, and the load generator can recreate what the data
// generator wrote without reading it back.
//
// Text is word salad over a 20,000-word invented vocabulary with Zipf-like
// frequencies and log-uniform lengths of 50-3,000 characters (most posts are
// short), and near-duplicate families: every 20th post is a light edit of one
// of the 500 before it, as coordinated copy-paste would be.
#ifndef CANDOR_TESTS_BENCH_SYNTHETIC_H_
#define CANDOR_TESTS_BENCH_SYNTHETIC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace candor::bench {

// splitmix64-based generator: fast, seedable, good enough for load shapes.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  size_t Below(size_t n);  // uniform in [0, n); n > 0
  double Unit();           // uniform in [0, 1)

 private:
  uint64_t state_;
};

// Text of about `chars` characters.
std::string GenerateText(Rng& rng, size_t chars);

// A post length: log-uniform over 50-3,000 characters.
size_t PostLength(Rng& rng);

// One small edit: a word replaced, inserted, swapped, punctuated or a
// hashtag appended.
std::string LightEdit(Rng& rng, const std::string& text);

// Post `index` of the corpus of `seed` (near-duplicate families as above).
std::string CorpusText(uint64_t seed, uint64_t index);

// Post `index` as an employee of `company` would write it in their own
// words: CorpusText plus a disclosure of the employment connection that the
// shipped default ruleset accepts, within the LinkedIn length limit.
std::string DisclosedPostText(uint64_t seed, uint64_t index,
                              absl::string_view company);

// Staff member `index` of an organization of `seed`: unique employee_id
// and email (at `email_domain`), a display name, one of 20 departments,
// a title and a location. Index 0 is the organization's first admin.
struct SyntheticStaff {
  std::string employee_id;
  std::string email;
  std::string display_name;
  std::string department;
  std::string title;
  std::string location;
};
SyntheticStaff StaffAt(uint64_t seed, uint64_t index,
                       absl::string_view email_domain);

// The department of staff member `index` (as in StaffAt), so a scenario can
// pick a story audience without generating the whole person.
std::string DepartmentAt(uint64_t seed, uint64_t index);

}  // namespace candor::bench

#endif  // CANDOR_TESTS_BENCH_SYNTHETIC_H_
