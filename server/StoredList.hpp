#pragma once
// A small list the server keeps whole in memory (the year's plan, the roster, the topics
// the public proposed: tens to thousands of rows), each change stored through the writer
// before anyone sees it. T has a string `id`.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "session/Types.hpp"
#include "storage/Writer.hpp"

namespace yst {

template <class T>
class StoredList {
 public:
  using Done = std::function<void(std::optional<Error>, T)>;
  using Edit = std::function<std::optional<Error>(T&)>;
  using Write = std::function<void(Store&, const T&)>;

  void load(std::vector<T> items) {
    std::lock_guard lock(mutex_);
    items_ = std::move(items);
  }
  std::vector<T> items() const {
    std::lock_guard lock(mutex_);
    return items_;
  }
  std::optional<T> item(const std::string& id) const {
    std::lock_guard lock(mutex_);
    for (const auto& i : items_)
      if (i.id == id) return i;
    return std::nullopt;
  }

  // Changes the item in place under the lock, so that concurrent changes all count (a
  // device's support of a topic): the change is seen before it is stored, and the caller
  // stores it. The item after the change, or the refusal.
  std::variant<T, Error> mutate(const std::string& id, const Edit& change, const char* what) {
    std::lock_guard lock(mutex_);
    for (auto& i : items_)
      if (i.id == id) {
        T changed = i;
        if (auto refused = change(changed)) return *refused;
        i = changed;
        return changed;
      }
    return Error{ErrorCode::not_found, std::string("no ") + what + " " + id};
  }

  // Both complete on the writer thread after the commit; `what` names the row in errors.
  void create(Writer& writer, T item, Write write, const char* what, Done done) {
    writer.submit([item, write](Store& store) { write(store, item); },
                  [this, item, what, done = std::move(done)](bool ok) {
                    if (!ok) return done(Error{ErrorCode::unavailable, std::string("could not store the ") + what}, {});
                    {
                      std::lock_guard lock(mutex_);
                      items_.push_back(item);
                    }
                    done(std::nullopt, item);
                  });
  }
  void edit(Writer& writer, const std::string& id, Edit edit, Write write, const char* what, Done done) {
    auto current = item(id);
    if (!current) return done(Error{ErrorCode::not_found, std::string("no ") + what + " " + id}, {});
    T changed = *current;
    if (auto refused = edit(changed)) return done(*refused, {});
    writer.submit([changed, write](Store& store) { write(store, changed); },
                  [this, changed, what, done = std::move(done)](bool ok) {
                    if (!ok) return done(Error{ErrorCode::unavailable, std::string("could not store the ") + what}, {});
                    {
                      std::lock_guard lock(mutex_);
                      for (auto& i : items_)
                        if (i.id == changed.id) i = changed;
                    }
                    done(std::nullopt, changed);
                  });
  }

 private:
  mutable std::mutex mutex_;  // guards items_; never held across I/O
  std::vector<T> items_;
};

}  // namespace yst
