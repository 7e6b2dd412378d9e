# bench_lending: the lending engine (issue 4). Lands in the build root; bench/run.sh runs every bench_*.
if(TARGET benchmark::benchmark)
  add_executable(bench_lending ${CMAKE_CURRENT_SOURCE_DIR}/lending_bench.cpp)
  target_link_libraries(bench_lending PRIVATE sdelka_lending benchmark::benchmark)
  sdelka_warnings(bench_lending)
endif()
