# filled in by its owner: target_sources(sdelka PRIVATE ...) and target_link_libraries(sdelka PRIVATE ...)
