#pragma once
// `sdelka import companies`, `sdelka export companies`, `sdelka demo`: plain functions called
// by the CLI wiring (cli_clients.inc). Each returns the exit status (2 for bad arguments).
#include <cstdint>
#include <string>

#include "app/platform.hpp"

namespace sdelka::app {

struct TransferArgs {
  std::string file, on_duplicate = "skip", report, owner, q, segment, region;
  long long companies = 0, persons = 0;
  unsigned long long seed = 1;
};

int cmd_import_companies(Config c, const TransferArgs& a);
int cmd_export_companies(Config c, const TransferArgs& a);
int cmd_demo(Config c, const TransferArgs& a);

}  // namespace sdelka::app
