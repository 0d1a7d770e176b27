// SHA-256 as lowercase hex: migration checksums, idempotency fingerprints,
// pseudonyms, the audit chain and tracking-visit hashes all use this one
// function. Here in candor_db so the database layer and every service can
// call it. Thread-safe.
#ifndef CANDOR_DB_SHA256_H_
#define CANDOR_DB_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace candor::db {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

}  // namespace candor::db

#endif  // CANDOR_DB_SHA256_H_
