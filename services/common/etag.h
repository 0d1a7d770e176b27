// Etags (AIP-154) for resources that keep a version counter bumped by every
// change. Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_COMMON_ETAG_H_
#define CANDOR_SERVICES_COMMON_ETAG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace candor {

// The etag of a resource at `version`: "\"7\"".
std::string EtagOf(int64_t version);

// OK when the client sent no etag or the current one; ABORTED naming etag
// otherwise (the read-modify-write must start again). `what` names the
// resource ("staff member").
absl::Status CheckEtag(absl::string_view sent, int64_t current_version,
                       absl::string_view what);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_ETAG_H_
