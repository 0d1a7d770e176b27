#include "services/common/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace candor {
namespace {

constexpr char kVersion = 1;
constexpr size_t kMacBytes = 16;  // truncated HMAC-SHA256; 128 bits suffice
constexpr size_t kMaxTokenBytes = 1024;

}  // namespace

std::string PageTokenCodec::Mac(absl::string_view query,
                                absl::string_view cursor) const {
  // Length-prefix the query so (query, cursor) pairs cannot collide.
  const std::string message =
      absl::StrCat(std::string(1, kVersion), query.size(), ":", query, cursor);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &digest_len);
  return std::string(reinterpret_cast<const char*>(digest), kMacBytes);
}

std::string PageTokenCodec::Encode(absl::string_view query,
                                   absl::string_view cursor) const {
  std::string raw =
      absl::StrCat(std::string(1, kVersion), cursor, Mac(query, cursor));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> PageTokenCodec::Decode(
    absl::string_view query, absl::string_view token) const {
  const auto invalid = [] {
    return InvalidField("page_token",
                        "not a token from this list call with the same "
                        "parent and filter");
  };
  if (token.size() > kMaxTokenBytes) return invalid();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 1 + kMacBytes ||
      raw[0] != kVersion) {
    return invalid();
  }
  std::string cursor = raw.substr(1, raw.size() - 1 - kMacBytes);
  const std::string expected = Mac(query, cursor);
  if (CRYPTO_memcmp(expected.data(), raw.data() + raw.size() - kMacBytes,
                    kMacBytes) != 0) {
    return invalid();
  }
  return cursor;
}

absl::StatusOr<PageRequest> PageTokenCodec::StartPage(
    std::string query, int page_size, absl::string_view page_token,
    int default_size, int max_size) const {
  PageRequest page;
  absl::Status size =
      CheckPageSize(page_size, default_size, max_size, &page.size);
  if (!size.ok()) return size;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> cursor = Decode(query, page_token);
    if (!cursor.ok()) return cursor.status();
    page.cursor = *std::move(cursor);
  }
  page.query = std::move(query);
  return page;
}

}  // namespace candor
