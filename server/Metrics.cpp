#include "server/Metrics.hpp"

#include <sstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "storage/SqliteStore.hpp"
#include "storage/Writer.hpp"

namespace yst {

size_t ShardedCounter::slot() {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return mine;
}

std::string Metrics::render(const Writer& writer) const {
  std::ostringstream o;
  auto metric = [&](const char* type, const char* name, const char* help, auto v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << v << '\n';
  };
  auto counter = [&](const char* name, const char* help, uint64_t v) { metric("counter", name, help, v); };
  auto gauge = [&](const char* name, const char* help, int64_t v) { metric("gauge", name, help, v); };
  o << "# HELP yishiting_connections WebSocket connections joined to a session, by role\n"
       "# TYPE yishiting_connections gauge\n";
  for (Role r : kAllRoles)
    o << "yishiting_connections{role=\"" << to_string(r) << "\"} " << connections_by_role[static_cast<int>(r)].load()
      << '\n';
  gauge("yishiting_connections_open", "open WebSocket connections", connections_open.load());
  gauge("yishiting_history_events", "events the rooms keep in memory for resumes", history_events.load());
  gauge("yishiting_history_bytes", "bytes of the wire frames of those events", history_bytes.load());
  // RSS alone cannot tell data that grows from memory the allocator holds but does not
  // use; these two can (docs/reliability.md, "One hour").
#if defined(__GLIBC__)
  const struct mallinfo2 heap = mallinfo2();
  gauge("yishiting_heap_in_use_bytes", "heap bytes in use (malloc)", static_cast<int64_t>(heap.uordblks + heap.hblkhd));
  gauge("yishiting_heap_free_bytes", "heap bytes free but still held by the allocator",
        static_cast<int64_t>(heap.fordblks));
#endif
  gauge("yishiting_sqlite_memory_bytes", "heap bytes SQLite holds (page caches, statements)", sqlite_memory_bytes());
  counter("yishiting_resumes_from_store_total", "resumes from further back than the rooms keep, read from the store",
          resumes_from_store.load());
  counter("yishiting_connections_total", "WebSocket connections accepted", connections_total.load());
  counter("yishiting_connections_refused_total", "connections refused by limits", connections_refused.load());
  counter("yishiting_events_total", "events committed", events.load());
  counter("yishiting_deliveries_total", "frames queued to connections for broadcast", deliveries.load());
  counter("yishiting_frames_out_total", "WebSocket frames written", frames_out.load());
  counter("yishiting_writes_out_total", "WebSocket writes, each carrying every frame queued for its connection",
          writes_out.load());
  counter("yishiting_bytes_out_total", "WebSocket payload bytes written", bytes_out.load());
  counter("yishiting_requests_total", "client requests", requests.load());
  counter("yishiting_request_errors_total", "client requests answered with an error", request_errors.load());
  counter("yishiting_rate_limited_total", "requests refused by the per-connection rate limit", rate_limited.load());
  counter("yishiting_slow_client_disconnects_total", "connections closed because their queue was full",
          slow_client_disconnects.load());
  counter("yishiting_flood_disconnects_total", "connections closed for flooding", flood_disconnects.load());
  counter("yishiting_http_requests_total", "HTTP requests", http_requests.load());
  counter("yishiting_wrong_tokens_total", "tokens presented that belong to no one", wrong_tokens.load());
  counter("yishiting_token_lockouts_total", "client addresses locked out after too many wrong tokens",
          token_lockouts.load());

  const auto& s = writer.stats();
  counter("yishiting_storage_commits_total", "SQLite transactions committed", s.commits.load());
  counter("yishiting_storage_jobs_total", "storage jobs", s.jobs.load());
  counter("yishiting_storage_failed_jobs_total", "storage jobs that failed", s.failed_jobs.load());
  {
    const char* les[] = {"1", "4", "16", "64", "256", "+Inf"};
    o << "# HELP yishiting_storage_batch_size jobs per SQLite transaction\n"
         "# TYPE yishiting_storage_batch_size histogram\n";
    uint64_t cum = 0;
    for (int i = 0; i < 6; ++i) {
      cum += s.batch_buckets[i].load();
      o << "yishiting_storage_batch_size_bucket{le=\"" << les[i] << "\"} " << cum << '\n';
    }
    o << "yishiting_storage_batch_size_sum " << s.jobs.load() << "\nyishiting_storage_batch_size_count " << cum
      << '\n';
  }
  {
    const char* les[] = {"0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "+Inf"};
    o << "# HELP yishiting_storage_commit_seconds time to run and commit one transaction\n"
         "# TYPE yishiting_storage_commit_seconds histogram\n";
    uint64_t cum = 0;
    for (int i = 0; i < 8; ++i) {
      cum += s.latency_buckets[i].load();
      o << "yishiting_storage_commit_seconds_bucket{le=\"" << les[i] << "\"} " << cum << '\n';
    }
    o << "yishiting_storage_commit_seconds_sum " << static_cast<double>(s.latency_us_sum.load()) / 1e6
      << "\nyishiting_storage_commit_seconds_count " << cum << '\n';
  }
  return o.str();
}

}  // namespace yst
