// Statement text for multi-row INSERTs: `group` (a row's placeholders, such
// as "(?, ?, ?)") repeated `rows` times, comma-separated. Only constant
// placeholder fragments go into SQL text; values are always bound.
#ifndef CANDOR_DB_SQL_TEXT_H_
#define CANDOR_DB_SQL_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace candor::db {

inline std::string RepeatedRows(absl::string_view group, size_t rows) {
  std::string out;
  out.reserve(rows * (group.size() + 2));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) out += ", ";
    out.append(group.data(), group.size());
  }
  return out;
}

}  // namespace candor::db

#endif  // CANDOR_DB_SQL_TEXT_H_
