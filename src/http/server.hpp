#pragma once
// The HTTP server. RESTinio is included only by server.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "http/http.hpp"

namespace sdelka::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 1;       // threads that parse HTTP and write responses
  int workers = 4;          // threads that run handlers (database work happens here)
  std::size_t max_body = 1u << 20;  // hard cap, checked while reading: a larger body closes the connection
  std::size_t max_queue = 1024;      // requests waiting for a worker; past it: 503 + Retry-After at once
  // Time to wait for and read the next request (idle keep-alive and slow headers alike).
  std::chrono::seconds read_timeout{20};
  std::chrono::seconds handle_timeout{120};  // time a handler may take
  std::chrono::seconds drain_timeout{30};    // on SIGTERM, how long in-flight requests may finish
};

// Full request pipeline: takes a parsed request, returns the response. Runs on a worker thread.
using Dispatch = std::function<Response(Request&)>;

// Binds, calls on_ready(actual_port) and serves until SIGINT or SIGTERM; then stops accepting
// work, lets in-flight requests finish (up to drain_timeout), closes connections and returns 0.
// Returns non-zero (after logging) when the address cannot be bound.
int run_server(const ServerOptions& opts, Dispatch dispatch, const std::function<void(std::uint16_t)>& on_ready);

}  // namespace sdelka::http
