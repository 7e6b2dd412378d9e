// libFuzzer harness: the CSV reader (sdelka::tabular::open_rows on a text file): encoding detection
// (BOM, UTF-8 check, uchardet, iconv), delimiter detection and "sep=" hints, libcsv parsing in
// chunks, row numbering and limits. The input is the file's bytes. One input in two is read with
// the detection, the others with the options an import preview lets the user force (chosen by the
// input's size, so that each input is read one way, the same on every run).
#include <iconv.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_tabular.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // glibc loads an iconv module (dlopen) on iconv_open and unloads it on the last iconv_close: keep
  // one descriptor of each common encoding open so that the modules stay loaded, which saves a
  // dlopen/dlclose per input (speed) and keeps the loader's allocations out of libFuzzer's
  // per-input leak check. The reader's own descriptors are opened and closed as in production.
  // (A plain array: it stays reachable for the leak check at exit, after static destructors.)
  static iconv_t kept[16];
  std::size_t n = 0;
  for (const char* from : {"WINDOWS-1251", "KOI8-R", "IBM866", "UTF-16LE", "UTF-16BE", "MAC-CYRILLIC", "ISO-8859-5",
                           "WINDOWS-1252", "ISO-8859-1", "UTF-8"})
    kept[n++] = iconv_open("UTF-8", from);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemFile file("csv");
  const std::string& path = file.write(data, size);
  sdelka::tabular::ReadOptions options;
  switch (size % 10) {
    case 5: options.encoding = "windows-1251"; break;
    case 6: options.encoding = "UTF-8"; options.delimiter = ','; break;
    case 7: options.encoding = "koi8-r"; options.delimiter = '\t'; break;
    case 8: options.encoding = "ibm866"; options.delimiter = ';'; break;
    case 9: options.delimiter = '|'; break;
    default: break;  // detect both
  }
  fuzz::read_all(path, options);
  return 0;
}
