#pragma once
// One page of a keyset-paginated list, for every context: the items, and the cursor of the next
// page (the id to pass as `after`), absent on the last page.
#include <cstdint>
#include <optional>
#include <vector>

namespace sdelka::core {

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next;
};

}  // namespace sdelka::core
