#pragma once
// The connections of a room (or of one shard of it), each with what the owner needs to
// know of it. Joins and leaves are O(1): a leaver's slot is taken by the last member, so
// the order of the list is not the order of joining. Not thread-safe: each owner keeps
// it on one thread or strand.
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/Peer.hpp"

namespace yst {

template <class Info>
class MemberList {
 public:
  struct Member {
    std::shared_ptr<Peer> peer;
    Info info;
  };

  void add(std::shared_ptr<Peer> peer, Info info) {
    index_[peer.get()] = members_.size();
    members_.push_back(Member{std::move(peer), std::move(info)});
  }

  // The member that left, or nothing when the peer was not one.
  std::optional<Member> remove(const Peer* peer) {
    auto it = index_.find(peer);
    if (it == index_.end()) return std::nullopt;
    const size_t i = it->second;
    index_.erase(it);
    Member gone = std::move(members_[i]);
    if (i + 1 != members_.size()) {
      members_[i] = std::move(members_.back());
      index_[members_[i].peer.get()] = i;
    }
    members_.pop_back();
    return gone;
  }

  bool contains(const Peer* peer) const { return index_.count(peer) != 0; }
  size_t size() const { return members_.size(); }
  const Member& operator[](size_t i) const { return members_[i]; }
  auto begin() const { return members_.begin(); }
  auto end() const { return members_.end(); }

  void clear() {
    members_.clear();
    index_.clear();
  }

 private:
  std::vector<Member> members_;
  std::unordered_map<const Peer*, size_t> index_;
};

}  // namespace yst
