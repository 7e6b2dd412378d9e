# Credit scorecard engine (issue 5): binning, WOE/IV, logistic regression, points, model file, reports.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_library(LIBCSV_LIBRARY NAMES csv REQUIRED)
find_path(LIBCSV_INCLUDE_DIR NAMES csv.h REQUIRED)

add_library(sdelka_scoring STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_table.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_binning.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_logit.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_metrics.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_file.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/scorecard_report.cpp
)
target_include_directories(sdelka_scoring PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_include_directories(sdelka_scoring PRIVATE ${LIBCSV_INCLUDE_DIR})
target_link_libraries(sdelka_scoring
  PUBLIC sdelka_core Eigen3::Eigen
  PRIVATE nlohmann_json::nlohmann_json PkgConfig::SODIUM ${LIBCSV_LIBRARY})
sdelka_warnings(sdelka_scoring)
