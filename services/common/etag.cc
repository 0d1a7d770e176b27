#include "services/common/etag.h"

#include "absl/strings/str_cat.h"

namespace candor {

std::string EtagOf(int64_t version) {
  return absl::StrCat("\"", version, "\"");
}

absl::Status CheckEtag(absl::string_view sent, int64_t current_version,
                       absl::string_view what) {
  if (sent.empty() || sent == EtagOf(current_version)) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(
      "etag: the ", what, " changed since it was read; read it again"));
}

}  // namespace candor
