// sdelka — the one binary. The only translation unit that includes CLI11.
#include <utility>  // Boost 1.74 Asio under g++ 12 / C++20 wants this first.

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <string>

namespace sdelka::app {
// What a parsed subcommand runs; returns the process exit status.
using Action = std::function<int()>;
}  // namespace sdelka::app

// Each command group wires its options here (these files are included by main.cpp only).
#include "app/cli_loan.inc"
#include "app/cli_score.inc"
#include "app/cli_platform.inc"
#include "app/cli_clients.inc"

int main(int argc, char** argv) {
  using namespace sdelka::app;
  CLI::App app{"Sdelka — CRM with a credit desk"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sdelka 0.1.0");
  Action action;
  register_loan_commands(app, action);
  register_score_commands(app, action);
  register_platform_commands(app, action);
  register_clients_commands(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "sdelka: " << e.what() << '\n';
    return 2;
  }
  if (!action) return 0;
  try {
    return action();
  } catch (const std::exception& e) {
    std::cerr << "sdelka: " << e.what() << '\n';
    return 1;
  }
}
