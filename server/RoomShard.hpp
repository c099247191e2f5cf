#pragma once
// The connections of one room that live on one I/O thread.
//
// The room (on its strand) hands everything it sends to a connection or to its audience
// to the shard of the thread that connection runs on, through an inbox; that thread takes
// the inbox in one go and writes to its connections itself. So a broadcast to ten
// thousand phones on two threads costs two posts, not ten thousand, and the connections'
// queues are only ever touched by their own thread. Everything the room sends to one
// shard keeps its order: a welcome before the events after it, an event before the ack
// of the request that made it.
#include <memory>
#include <mutex>
#include <vector>

#include "server/MemberList.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "server/Timeline.hpp"
#include "session/Types.hpp"

namespace yst {

enum class Audience { everyone, staff, audience };
inline bool reaches(Audience to, bool staff) {
  return to == Audience::everyone || (to == Audience::staff) == staff;
}

class RoomShard : public std::enable_shared_from_this<RoomShard> {
 public:
  // `thread`, `session` and `timeline` only stamp the --timeline (null: off).
  explicit RoomShard(net::io_context& ioc, size_t thread = 0, std::string session = {}, Timeline* timeline = nullptr)
      : ioc_(ioc), thread_(thread), session_(std::move(session)), timeline_(timeline) {}

  // From the room's strand; applied on the shard's thread, in this order.
  void add(std::shared_ptr<Peer> peer, Role role);
  void remove(std::shared_ptr<Peer> peer);
  void send(std::shared_ptr<Peer> peer, Frame frame, bool counted = true);
  void refuse(std::shared_ptr<Peer> peer);  // peer->join_refused() after what was sent before
  void broadcast(Frame frame, Audience to, int64_t seq = 0);
  // Only once no thread runs the shard any more (the end of Server::run).
  void forget_members();

 private:
  enum class Kind { add, remove, send, refuse, broadcast };
  struct Op {
    Kind kind;
    std::shared_ptr<Peer> peer;  // add, remove, send, refuse
    Frame frame;                 // send, broadcast
    Role role = Role::audience;  // add
    Audience to = Audience::everyone;
    bool counted = true;
    int64_t seq = 0;  // broadcast of an event: for the timeline
  };
  void enqueue(Op op);
  void post_drain();
  void drain();
  void continue_later();
  size_t run_end_from(size_t first) const;  // a run: broadcasts, with the sends among them
  void deliver(Peer& peer, const Frame& frame, bool counted);
  void flush_slice();

  net::io_context& ioc_;
  const size_t thread_;
  const std::string session_;
  Timeline* const timeline_;
  std::vector<int64_t> written_seqs_;  // this pass's events, for the timeline
  std::mutex mutex_;  // guards inbox_ and drain_posted_; never held while delivering
  std::vector<Op> inbox_;
  bool drain_posted_ = false;

  // The shard's thread only. A pass takes the whole inbox into draining_ and may run
  // over several handlers (slices); next_op_/next_member_ say where it stands.
  std::vector<Op> draining_;
  size_t next_op_ = 0;
  size_t next_member_ = 0;
  bool run_begun_ = false;  // the current run's answers to non-members went out
  size_t delivered_in_slice_ = 0;
  // Staff first in every pass: the host and the speakers see their events and acks before
  // the phones, whose delivery takes the rest of the pass. Each with whether it is staff.
  MemberList<bool> staff_, audience_;
  size_t member_count() const { return staff_.size() + audience_.size(); }
  const MemberList<bool>::Member& member(size_t i) const {
    return i < staff_.size() ? staff_[i] : audience_[i - staff_.size()];
  }
  bool is_member(const Peer* peer) const { return staff_.contains(peer) || audience_.contains(peer); }
  std::vector<Peer*> to_flush_;
};

}  // namespace yst
