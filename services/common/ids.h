// Server-chosen resource ids. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_IDS_H_
#define CANDOR_SERVICES_COMMON_IDS_H_

#include <string>

namespace candor {

// A new 16-character id of lowercase letters and digits: 48 bits of
// milliseconds then 32 random bits, so ids sort by creation time (keyset
// pages list oldest first) and do not collide in practice.
std::string NewResourceId();

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_IDS_H_
