#include "server/RoomShard.hpp"

namespace yst {

namespace {
// A broadcast is written in slices of this many connections, each slice's writes issued
// before the next slice is queued. All ten thousand at once would keep ten thousand
// write operations allocated together, which glibc gives back to the kernel and
// faults in again on every event (measured: a third of the server's CPU).
constexpr size_t kDeliveriesPerSlice = 64;
}  // namespace

void RoomShard::add(std::shared_ptr<Peer> peer, Role role) {
  enqueue(Op{Kind::add, std::move(peer), nullptr, role});
}

void RoomShard::remove(std::shared_ptr<Peer> peer) { enqueue(Op{Kind::remove, std::move(peer), nullptr}); }

void RoomShard::send(std::shared_ptr<Peer> peer, Frame frame, bool counted) {
  Op op{Kind::send, std::move(peer), std::move(frame)};
  op.counted = counted;
  enqueue(std::move(op));
}

void RoomShard::refuse(std::shared_ptr<Peer> peer) { enqueue(Op{Kind::refuse, std::move(peer), nullptr}); }

void RoomShard::broadcast(Frame frame, Audience to, int64_t seq) {
  Op op{Kind::broadcast, nullptr, std::move(frame)};
  op.to = to;
  op.seq = seq;
  enqueue(std::move(op));
}

void RoomShard::enqueue(Op op) {
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(op));
    if (drain_posted_) return;  // a pass is queued or under way and will take it
    drain_posted_ = true;
  }
  post_drain();
}

void RoomShard::post_drain() {
  net::post(ioc_, [self = shared_from_this()] { self->drain(); });
}

void RoomShard::deliver(Peer& peer, const Frame& frame, bool counted) {
  if (peer.deliver(frame, counted)) to_flush_.push_back(&peer);
}

void RoomShard::flush_slice() {
  for (Peer* p : to_flush_) p->flush();
  to_flush_.clear();
  delivered_in_slice_ = 0;
}

void RoomShard::drain() {
  if (draining_.empty()) {
    std::lock_guard lock(mutex_);
    draining_.swap(inbox_);  // drain_posted_ stays set until the pass has taken everything
  }
  for (; next_op_ < draining_.size(); ++next_op_) {
    Op& op = draining_[next_op_];
    switch (op.kind) {
      case Kind::add:
        members_.add(op.peer, is_staff(op.role));
        break;
      case Kind::remove:
        members_.remove(op.peer.get());  // op.peer keeps it alive until the pass ends
        break;
      case Kind::send:
        deliver(*op.peer, op.frame, op.counted);
        ++delivered_in_slice_;
        break;
      case Kind::refuse:
        op.peer->join_refused();
        break;
      case Kind::broadcast: {
        // The broadcasts queued together (a commit's events) go to each connection in
        // turn, all of them, so that its one write carries them all: connection by
        // connection, not event by event. Nothing else is among them, so no connection
        // joins or leaves halfway and every one gets the same events, in order.
        size_t run_end = next_op_ + 1;
        while (run_end < draining_.size() && draining_[run_end].kind == Kind::broadcast) ++run_end;
        if (timeline_ && next_member_ == 0) {
          const int64_t now = Timeline::now_us();
          for (size_t k = next_op_; k < run_end; ++k)
            if (draining_[k].seq) {
              timeline_->handed(session_, draining_[k].seq, thread_, now);
              written_seqs_.push_back(draining_[k].seq);
            }
        }
        for (; next_member_ < members_.size(); ++next_member_) {
          if (delivered_in_slice_ >= kDeliveriesPerSlice) return continue_later();
          const auto& m = members_[next_member_];
          for (size_t k = next_op_; k < run_end; ++k)
            if (reaches(draining_[k].to, m.info)) deliver(*m.peer, draining_[k].frame, true);
          ++delivered_in_slice_;
        }
        next_member_ = 0;
        next_op_ = run_end - 1;
        break;
      }
    }
    if (delivered_in_slice_ >= kDeliveriesPerSlice && next_op_ + 1 < draining_.size()) {
      ++next_op_;
      return continue_later();
    }
  }
  flush_slice();
  if (timeline_ && !written_seqs_.empty()) {
    timeline_->written(session_, written_seqs_, thread_, Timeline::now_us());
    written_seqs_.clear();
  }
  next_op_ = 0;
  draining_.clear();  // only now: the ops' references keep removed peers alive until here
  if (draining_.capacity() > 64) draining_.shrink_to_fit();  // after a join burst's history
  {
    std::lock_guard lock(mutex_);
    if (inbox_.empty()) {
      drain_posted_ = false;
      return;
    }
  }
  post_drain();
}

void RoomShard::continue_later() {
  // Written before going on: the writes of this slice complete (and free their memory)
  // before the next slice starts, and other connections' reads get a turn in between.
  flush_slice();
  post_drain();
}

void RoomShard::forget_members() {
  members_.clear();
  to_flush_.clear();
  draining_.clear();
  next_op_ = next_member_ = 0;
  std::lock_guard lock(mutex_);
  inbox_.clear();
}

}  // namespace yst
