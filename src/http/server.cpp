// The only translation unit that includes RESTinio. It parses HTTP on io_threads, hands each
// request to a worker pool (so that database work and password hashing never run on an I/O
// thread), and writes the response back from the worker.
#include <utility>  // Boost/Asio under g++ 12 with C++20 wants this first.

#include <restinio/all.hpp>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "http/server.hpp"

#include <nlohmann/json.hpp>

namespace sdelka::http {
namespace {

using traits_t = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;

class WorkerPool {
 public:
  WorkerPool(int n, std::size_t max_queue) : max_queue_(max_queue) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~WorkerPool() { stop(); }
  // Queues a job; false (and nothing queued) when max_queue jobs are already waiting.
  bool post(std::function<void()> job) {
    {
      std::lock_guard g(mu_);
      if (q_.size() >= max_queue_) return false;
      q_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
  }
  void stop() {
    {
      std::lock_guard g(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return stopped_ || !q_.empty(); });
        if (q_.empty()) return;
        job = std::move(q_.front());
        q_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
  std::vector<std::thread> threads_;
  std::size_t max_queue_;
  bool stopped_ = false;
};

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

Request convert(const restinio::request_handle_t& rq) {
  Request r;
  const auto& h = rq->header();
  r.method = std::string(h.method().c_str());
  r.path = url_decode(h.path(), false);
  r.query_string = std::string(h.query());
  for (const auto& f : h) {
    std::string name(f.name());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = rq->body();
  r.remote_ip = rq->remote_endpoint().address().to_string();
  return r;
}

void send(const restinio::request_handle_t& rq, Response&& resp, bool head, bool close) {
  // No header is sent whose name is not a token or whose value holds CR, LF or NUL (response
  // splitting): the whole response becomes a 500 and the attempt is logged.
  for (const auto& [k, v] : resp.headers) {
    if (header_name_ok(k) && header_value_ok(v)) continue;
    spdlog::error("{{\"event\":\"header_refused\",\"header\":\"{}\"}}", header_name_ok(k) ? k : std::string("?"));
    resp = Response::text(500, "internal error\n");
    close = true;
    break;
  }
  auto out = rq->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)}, reason(resp.status)});
  for (auto& [k, v] : resp.headers) out.append_header(k, v);
  if (close) out.connection_close();
  if (!head) out.set_body(std::move(resp.body));
  out.done();
}

}  // namespace

int run_server(const ServerOptions& opts, Dispatch dispatch, const std::function<void(std::uint16_t)>& on_ready) {
  std::atomic<bool> draining{false};
  std::atomic<int> in_flight{0};
  WorkerPool workers(opts.workers, opts.max_queue);
  std::atomic<std::uint64_t> shed{0};

  auto handler = [&](restinio::request_handle_t rq) -> restinio::request_handling_status_t {
    // A request that arrives after SIGTERM is refused at once; those accepted before it are
    // queued and still answered.
    const bool refuse = draining.load();
    in_flight.fetch_add(1);
    const bool queued = workers.post([&, rq, refuse] {
      bool head = rq->header().method() == restinio::http_method_head();
      if (refuse) {
        Response r = Response::json(503, {{"type", "about:blank"}, {"title", "Shutting down"}, {"status", 503}});
        r.headers.clear();
        r.set("Content-Type", "application/problem+json");
        r.set("Retry-After", "1");
        send(rq, std::move(r), head, true);
        in_flight.fetch_sub(1);
        return;
      }
      try {
        Request req = convert(rq);
        Response resp = dispatch(req);
        send(rq, std::move(resp), head, false);
      } catch (const std::exception& e) {
        spdlog::error("{{\"event\":\"handler_crash\",\"error\":\"{}\"}}", e.what());
        try {
          send(rq, Response::text(500, "internal error\n"), head, true);
        } catch (...) {
        }
      }
      in_flight.fetch_sub(1);
    });
    if (!queued) {
      // Load shedding: every worker is busy and the queue is full. Answered from the I/O thread.
      if (shed.fetch_add(1) % 100 == 0)
        spdlog::warn("{{\"event\":\"load_shed\",\"max_queue\":{},\"shed_total\":{}}}", opts.max_queue, shed.load());
      Response r = Response::json(503, {{"type", "about:blank"}, {"title", "Overloaded"}, {"status", 503}});
      r.headers.clear();
      r.set("Content-Type", "application/problem+json");
      r.set("Retry-After", "1");
      send(rq, std::move(r), rq->header().method() == restinio::http_method_head(), false);
      in_flight.fetch_sub(1);
    }
    return restinio::request_accepted();
  };

  auto limits = restinio::incoming_http_msg_limits_t{}
                    .max_url_size(16 * 1024)
                    .max_field_name_size(1024)
                    .max_field_value_size(16 * 1024)
                    .max_field_count(128)
                    .max_body_size(opts.max_body);

  restinio::http_server_t<traits_t> server{
      restinio::own_io_context(),
      restinio::server_settings_t<traits_t>{}
          .port(opts.port)
          .address(opts.host)
          .incoming_http_msg_limits(limits)
          .read_next_http_message_timelimit(opts.read_timeout)
          .handle_request_timeout(opts.handle_timeout)
          .write_http_response_timelimit(std::chrono::seconds(60))
          .max_pipelined_requests(16)
          .request_handler(handler)};

  try {
    server.open_sync();
  } catch (const std::exception& e) {
    spdlog::error("{{\"event\":\"listen_failed\",\"address\":\"{}:{}\",\"error\":\"{}\"}}", opts.host, opts.port,
                  e.what());
    workers.stop();
    return 1;
  }
  const std::uint16_t port = opts.port;
  // Signals: stop taking new work, drain, then close.
  asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  asio::steady_timer drain_timer(server.io_context());
  auto drain_deadline = std::chrono::steady_clock::now();
  std::function<void()> poll_drain = [&] {
    if (in_flight.load() == 0 || std::chrono::steady_clock::now() > drain_deadline) {
      server.close_async([&] { server.io_context().stop(); }, [&](std::exception_ptr) { server.io_context().stop(); });
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](const asio::error_code&) { poll_drain(); });
  };
  signals.async_wait([&](const asio::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("{{\"event\":\"shutdown\",\"signal\":{},\"in_flight\":{}}}", sig, in_flight.load());
    draining.store(true);
    drain_deadline = std::chrono::steady_clock::now() + opts.drain_timeout;
    poll_drain();
  });

  if (on_ready) on_ready(port);
  std::vector<std::thread> io;
  for (int i = 1; i < opts.io_threads; ++i) io.emplace_back([&] { server.io_context().run(); });
  server.io_context().run();
  for (auto& t : io) t.join();
  workers.stop();
  return 0;
}

}  // namespace sdelka::http
