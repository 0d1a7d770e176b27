// Splits a fuzz input into a few parameters: single bytes and fields
// separated by NUL bytes, so one flat input (and one seed file) can drive a
// function with several arguments. Reading past the end gives 0 and "".
#ifndef CANDOR_TESTS_FUZZ_FUZZ_INPUT_H_
#define CANDOR_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace candor::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }

  // Up to the next NUL (consumed) or the end.
  std::string Field() {
    const size_t nul = rest_.find('\0');
    const std::string field(rest_.substr(0, nul));
    rest_.remove_prefix(nul == std::string_view::npos ? rest_.size() : nul + 1);
    return field;
  }

  std::string Rest() {
    const std::string rest(rest_);
    rest_ = {};
    return rest;
  }

 private:
  std::string_view rest_;
};

}  // namespace candor::fuzz

#endif  // CANDOR_TESTS_FUZZ_FUZZ_INPUT_H_
