#include "tests/bench/synthetic.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace candor::bench {
namespace {

uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const std::vector<std::string>& Vocabulary() {
  static const std::vector<std::string> words = [] {
    static const char* kSyllables[] = {
        "ka",  "lo",  "mi", "ten", "ra", "vo", "su", "den", "pri", "ma", "go",
        "sel", "tur", "ne", "bi",  "on", "ca", "fe", "lu",  "zor", "e",  "a"};
    constexpr size_t kSyllableCount =
        sizeof(kSyllables) / sizeof(kSyllables[0]);
    Rng rng(1);
    std::set<std::string> seen;
    std::vector<std::string> out;
    while (out.size() < 20000) {
      std::string word;
      const size_t n = 1 + rng.Below(4);
      for (size_t s = 0; s < n; ++s)
        word += kSyllables[rng.Below(kSyllableCount)];
      if (seen.insert(word).second) out.push_back(std::move(word));
    }
    return out;
  }();
  return words;
}

std::string BaseText(uint64_t seed, uint64_t k) {
  Rng rng(seed * 0x100000001b3ULL + k);
  return GenerateText(rng, PostLength(rng));
}

constexpr const char* kDepartments[] = {
    "Engineering",  "Sales",     "Marketing", "Support",    "Finance",
    "People",       "Legal",     "Design",    "Research",   "Operations",
    "Product",      "Security",  "Data",      "Facilities", "Procurement",
    "Partnerships", "Education", "Quality",   "Logistics",  "Communications"};
constexpr const char* kTitles[] = {"Engineer",    "Senior Engineer", "Manager",
                                   "Analyst",     "Specialist",      "Director",
                                   "Coordinator", "Designer"};
constexpr const char* kLocations[] = {
    "Berlin", "Lisbon", "Toronto", "Austin", "Singapore", "Nairobi", "Remote"};
constexpr const char* kGiven[] = {"Ada",   "Bo",    "Chidi", "Dana", "Emil",
                                  "Farah", "Goran", "Hana",  "Ivo",  "Jun",
                                  "Kemal", "Lea",   "Mina",  "Noor", "Otto",
                                  "Priya", "Quinn", "Rosa",  "Sami", "Tove"};
constexpr const char* kFamily[] = {
    "Abe",    "Berg",   "Costa",  "Diallo",   "Eriksen", "Fox",    "Garcia",
    "Horvat", "Ito",    "Jensen", "Kowalski", "Li",      "Moreau", "Nakamura",
    "Okafor", "Petrov", "Quist",  "Rossi",    "Silva",   "Tanaka"};

template <typename T, size_t N>
const T& Pick(const T (&items)[N], uint64_t x) {
  return items[x % N];
}

}  // namespace

Rng::Rng(uint64_t seed) : state_(Mix64(seed ^ 0x5eed)) {}
uint64_t Rng::Next() { return Mix64(state_ += 0x9e3779b97f4a7c15ULL); }
size_t Rng::Below(size_t n) { return static_cast<size_t>(Next() % n); }
double Rng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

std::string GenerateText(Rng& rng, size_t chars) {
  const std::vector<std::string>& vocab = Vocabulary();
  const double log_v = std::log(static_cast<double>(vocab.size()));
  std::string text;
  text.reserve(chars + 16);
  while (text.size() < chars) {
    // exp(U * ln V) - 1 makes low ranks (common words) far more likely.
    const auto rank = static_cast<size_t>(std::exp(rng.Unit() * log_v)) - 1;
    if (!text.empty()) text += ' ';
    text += vocab[std::min(rank, vocab.size() - 1)];
    if (rng.Below(12) == 0) text += rng.Below(2) == 0 ? "," : ".";
  }
  return text;
}

size_t PostLength(Rng& rng) {
  return static_cast<size_t>(50.0 * std::exp(rng.Unit() * std::log(60.0)));
}

std::string LightEdit(Rng& rng, const std::string& text) {
  std::vector<std::string> w = absl::StrSplit(text, ' ');
  const size_t at = rng.Below(w.size());
  const std::vector<std::string>& vocab = Vocabulary();
  switch (rng.Below(5)) {
    case 0:
      w[at] += "!";
      break;
    case 1:
      w[at] = vocab[rng.Below(vocab.size())];
      break;
    case 2:
      if (at + 1 < w.size()) std::swap(w[at], w[at + 1]);
      break;
    case 3:
      w.insert(w.begin() + static_cast<long>(at),
               vocab[rng.Below(vocab.size())]);
      break;
    default:
      w.push_back("#" + vocab[rng.Below(vocab.size())]);
      break;
  }
  return absl::StrJoin(w, " ");
}

std::string CorpusText(uint64_t seed, uint64_t index) {
  if (index % 20 != 19 || index < 600) return BaseText(seed, index);
  Rng rng(seed * 31 + index * 7 + 3);
  std::string text = BaseText(seed, index - 1 - rng.Below(500));
  const size_t edits = 1 + rng.Below(3);
  for (size_t e = 0; e < edits; ++e) text = LightEdit(rng, text);
  return text;
}

std::string DisclosedPostText(uint64_t seed, uint64_t index,
                              absl::string_view company) {
  // The disclosure leads, so it is visible before any feed cuts the post off,
  // and the body stays within LinkedIn's 3,000 characters.
  std::string text = absl::StrCat("I work at ", company, ". ");
  std::string body = CorpusText(seed, index);
  const size_t room = 3000 - text.size();
  if (body.size() > room) body.resize(body.rfind(' ', room));
  text += body;
  return text;
}

SyntheticStaff StaffAt(uint64_t seed, uint64_t index,
                       absl::string_view email_domain) {
  const uint64_t h = Mix64(seed * 0x9e3779b97f4a7c15ULL + index);
  SyntheticStaff staff;
  staff.employee_id = absl::StrCat("E", index + 1);
  const std::string given = Pick(kGiven, h);
  const std::string family = Pick(kFamily, h >> 8);
  staff.display_name = absl::StrCat(given, " ", family);
  staff.email = absl::StrCat(absl::AsciiStrToLower(given), ".",
                             absl::AsciiStrToLower(family), ".", index + 1, "@",
                             email_domain);
  staff.department = DepartmentAt(seed, index);
  staff.title = Pick(kTitles, h >> 24);
  staff.location = Pick(kLocations, h >> 32);
  return staff;
}

std::string DepartmentAt(uint64_t seed, uint64_t index) {
  return Pick(kDepartments,
              Mix64(seed ^ (index * 0xff51afd7ed558ccdULL)) >> 16);
}

}  // namespace candor::bench
