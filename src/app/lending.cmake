# `sdelka loan …` and `sdelka words …` (wiring in cli_loan.inc, work in cmd_loan.cpp).
target_sources(sdelka PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cmd_loan.cpp)
target_link_libraries(sdelka PRIVATE sdelka_lending nlohmann_json::nlohmann_json)
