#pragma once
// Helpers shared by the harnesses: invariant checks that abort (a crash libFuzzer saves with its
// input) and an in-memory file for the readers that take a path.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.hpp"

// An invariant that must hold for every input: prints what broke and aborts.
#define FUZZ_CHECK(cond)                                                                        \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);         \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace fuzz {

// A file holding the bytes of the current input, for the readers that take a path (open_rows stats
// and opens it like any file). It lives in $FUZZ_TMPDIR (scripts/fuzz.sh points it at a temp
// directory of its own, on tmpfs where there is one), else /dev/shm, else $TMPDIR or /tmp, is
// rewritten in place for each input (no new file, no page freed and allocated again) and is removed
// at a normal exit.
class MemFile {
 public:
  explicit MemFile(const char* name) {
    std::string dir;
    if (const char* d = std::getenv("FUZZ_TMPDIR"); d && *d) dir = d;
    else if (access("/dev/shm", W_OK) == 0) dir = "/dev/shm";
    else if (const char* t = std::getenv("TMPDIR"); t && *t) dir = t;
    else dir = "/tmp";
    path_ = dir + "/sdelka-" + name + "-" + std::to_string(getpid());
    fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      std::perror(path_.c_str());
      std::abort();
    }
    static std::string* to_remove = nullptr;  // one file per process
    to_remove = new std::string(path_);
    std::atexit([] { unlink(to_remove->c_str()); });
  }
  // Replaces the file's contents with `data`.
  const std::string& write(const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = pwrite(fd_, p + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    if (ftruncate(fd_, static_cast<off_t>(size)) != 0) std::abort();
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

inline bool utf8(std::string_view s) { return sdelka::core::valid_utf8(s); }

// True when every byte of s is an ASCII digit (true for "").
inline bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace fuzz
