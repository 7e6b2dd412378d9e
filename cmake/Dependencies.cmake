# Every external library comes from Debian 12 packages installed by scripts/deps.sh.
# Order matters: fmt before restinio (RESTinio's config expects fmt::fmt to exist).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(CLI11 REQUIRED CONFIG)
find_package(tomlplusplus REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark QUIET)
