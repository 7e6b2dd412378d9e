# `sdelka score …` (issue 5): CLI wiring in cli_score.inc, the work in cmd_score.cpp.
target_sources(sdelka PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_score.cpp)
target_link_libraries(sdelka PRIVATE sdelka_scoring)
