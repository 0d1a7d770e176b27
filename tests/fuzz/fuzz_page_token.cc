// Page tokens come back from clients, so Decode must take any bytes:
// garbage is INVALID_ARGUMENT, never a crash, and only Encode's own tokens
// (same key, same query) decode, to the cursor they were made from.
//
// Input: key NUL query NUL cursor NUL token (each may be empty). The key is
// the input's, so tokens in seeds can be made to decode.
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/common/page_token.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  candor::fuzz::FuzzInput input(data, size);
  const std::string key = input.Field();
  const std::string query = input.Field();
  const std::string cursor = input.Field();
  const std::string token = input.Rest();
  const candor::PageTokenCodec codec(key);

  // Whatever the client sends: decodes or is INVALID_ARGUMENT.
  absl::StatusOr<std::string> decoded = codec.Decode(query, token);
  FUZZ_CHECK(decoded.ok() ||
             decoded.status().code() == absl::StatusCode::kInvalidArgument);

  // Round trip, within the size Decode accepts (cursors are short keys).
  const std::string encoded = codec.Encode(query, cursor);
  if (encoded.size() <= 1024) {
    absl::StatusOr<std::string> back = codec.Decode(query, encoded);
    FUZZ_CHECK(back.ok() && *back == cursor);
    // Bound to the query: another query does not accept it.
    FUZZ_CHECK(!codec.Decode(query + "x", encoded).ok());
    // Bound to the key.
    FUZZ_CHECK(!candor::PageTokenCodec(key + "x").Decode(query, encoded).ok());
  }

  // page_size comes from the client too.
  const int page_size =
      static_cast<int>(static_cast<int8_t>(cursor.empty() ? 0 : cursor[0])) *
      20;
  absl::StatusOr<candor::PageRequest> page =
      codec.StartPage(query, page_size, token);
  if (page.ok()) {
    FUZZ_CHECK(page->size >= 1 && page->size <= candor::kMaxPageSize);
    FUZZ_CHECK(page->query == query);
    FUZZ_CHECK(token.empty() ? page->cursor.empty() : page->cursor == *decoded);
  } else {
    FUZZ_CHECK(page.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
