#pragma once
// `sdelka import companies|persons`, `sdelka export companies|persons`, `sdelka demo`: plain
// functions called by the CLI wiring (cli_clients.inc). Each returns the exit status (2 for bad
// arguments).
#include <cstdint>
#include <string>

#include "app/platform.hpp"

namespace sdelka::clients { enum class ClientType; }

namespace sdelka::app {

struct TransferArgs {
  std::string file, on_duplicate = "skip", report, owner, q, segment, region;
  long long companies = 0, persons = 0;
  unsigned long long seed = 1;
};

int cmd_import(Config c, const TransferArgs& a, clients::ClientType type);
int cmd_export(Config c, const TransferArgs& a, clients::ClientType type);
int cmd_demo(Config c, const TransferArgs& a);

}  // namespace sdelka::app
