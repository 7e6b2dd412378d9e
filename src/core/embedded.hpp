#pragma once
// Files compiled into the binary by cmake/Embed.cmake (templates, assets, migrations, catalogues).
#include <string_view>
#include <vector>

namespace sdelka::core {

struct EmbeddedFile {
  std::string_view path;    // relative to the embedding base folder, '/'-separated
  std::string_view data;    // the bytes, alive for the whole program
  std::string_view sha256;  // hex digest of the bytes
};

// The file named `path` in `files`, or nullptr.
inline const EmbeddedFile* find_embedded(const std::vector<EmbeddedFile>& files, std::string_view path) {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

}  // namespace sdelka::core
