// "host:port" listen addresses of Candor's small HTTP endpoints (tracking
// links, health), as flags give them.
#ifndef CANDOR_SERVICES_COMMON_HOST_PORT_H_
#define CANDOR_SERVICES_COMMON_HOST_PORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor {

struct HostPort {
  std::string host;  // without the brackets of "[::1]:80"
  int port = 0;      // 0: the kernel picks one
};

// INVALID_ARGUMENT naming `field` unless `address` is "host:port" with a
// port from 0 to 65535.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view field,
                                       absl::string_view address);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_HOST_PORT_H_
