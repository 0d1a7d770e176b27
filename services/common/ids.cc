#include "services/common/ids.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/time/clock.h"

namespace candor {

std::string NewResourceId() {
  // Crockford's base32 alphabet, lowercase: no i, l, o, u.
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  thread_local absl::BitGen bits;
  const uint64_t millis =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  const uint64_t random = absl::Uniform<uint32_t>(bits);
  // 80 bits: 48 of time, 32 of randomness, 16 groups of 5 bits.
  const uint64_t high = millis & 0xFFFFFFFFFFFFull;  // 48 bits
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    const int bit = (15 - i) * 5;  // position from the least significant end
    uint64_t chunk;
    if (bit + 5 <= 32) {
      chunk = random >> bit;
    } else if (bit >= 32) {
      chunk = high >> (bit - 32);
    } else {  // straddles the two parts
      chunk = (random >> bit) | (high << (32 - bit));
    }
    id[i] = kAlphabet[chunk & 31];
  }
  return id;
}

}  // namespace candor
