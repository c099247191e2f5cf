#pragma once
// Group commit for the SQL stores: the jobs run in order in one transaction, each inside
// a savepoint of its own, so a job that throws is undone alone and the others commit.
// Says for each job whether it is now durable (none is when the commit itself fails).
#include <span>
#include <vector>

#include <spdlog/spdlog.h>

#include "storage/Store.hpp"

namespace yst {

// The statements that differ between SQL dialects.
struct GroupCommitSql {
  const char* begin;        // "BEGIN IMMEDIATE", "BEGIN"
  const char* savepoint;    // "SAVEPOINT job"
  const char* release;      // "RELEASE job", "RELEASE SAVEPOINT job"
  const char* rollback_to;  // undoes the savepoint's job and releases it
};

// `exec` runs one statement and throws when it fails; `in_transaction` is true while the
// jobs run, so the store's own writes join the transaction instead of opening one.
template <class Exec>
std::vector<bool> group_commit(std::span<const Store::Job> jobs, Store& store, const GroupCommitSql& sql, Exec&& exec,
                               bool& in_transaction) {
  std::vector<bool> ok(jobs.size(), false);
  try {
    exec(sql.begin);
    in_transaction = true;
    for (size_t i = 0; i < jobs.size(); ++i) {
      exec(sql.savepoint);
      try {
        if (jobs[i]) jobs[i](store);
        exec(sql.release);
        ok[i] = true;
      } catch (const std::exception& e) {
        spdlog::error("storage job failed: {}", e.what());
        exec(sql.rollback_to);
      }
    }
    in_transaction = false;
    exec("COMMIT");
    store.set_commit_failure({});
  } catch (const std::exception& e) {
    in_transaction = false;
    spdlog::error("storage commit failed: {}", e.what());
    store.set_commit_failure(e.what());
    ok.assign(jobs.size(), false);
    try {
      exec("ROLLBACK");
    } catch (...) {  // no transaction (or no connection) left to roll back
    }
  }
  return ok;
}

}  // namespace yst
