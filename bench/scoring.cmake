# Scorecard engine at 1,000,000 applicants (issue 5): bench_scoring in the build root.
if(TARGET benchmark::benchmark)
  add_executable(bench_scoring ${CMAKE_CURRENT_SOURCE_DIR}/bench_scoring.cpp)
  target_link_libraries(bench_scoring PRIVATE sdelka_scoring benchmark::benchmark)
  target_compile_definitions(bench_scoring PRIVATE SDELKA_SHARED_DATA="${SDELKA_SHARED_DATA}")
  sdelka_warnings(bench_scoring)
endif()
