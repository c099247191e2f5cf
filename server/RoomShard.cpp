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
        (is_staff(op.role) ? staff_ : audience_).add(op.peer, is_staff(op.role));
        break;
      case Kind::remove:
        // op.peer keeps it alive until the pass ends.
        if (!staff_.remove(op.peer.get())) audience_.remove(op.peer.get());
        break;
      case Kind::send:
        deliver(*op.peer, op.frame, op.counted);
        ++delivered_in_slice_;
        break;
      case Kind::refuse:
        op.peer->join_refused();
        break;
      case Kind::broadcast: {
        // The broadcasts queued together (a commit's events, and the commits after it
        // when they queued up) go to each connection in turn, all of them, so that its
        // one write carries them all: connection by connection, not event by event. The
        // acks and answers queued among them join the run, each delivered to its own
        // connection at its place: otherwise the speaker's shard would write every
        // commit on its own (events, acks, events, acks...). No join or leave is among
        // them, so every member gets the same events, in order.
        const size_t run_end = run_end_from(next_op_);
        if (!run_begun_) {
          run_begun_ = true;  // a slice may end before the first member: this part is done once
          // Whoever is not a member gets no broadcast: its answers only keep their order.
          for (size_t k = next_op_; k < run_end; ++k)
            if (draining_[k].kind == Kind::send && !is_member(draining_[k].peer.get())) {
              deliver(*draining_[k].peer, draining_[k].frame, draining_[k].counted);
              ++delivered_in_slice_;
            }
          if (timeline_) {
            const int64_t now = Timeline::now_us();
            for (size_t k = next_op_; k < run_end; ++k)
              if (draining_[k].kind == Kind::broadcast && draining_[k].seq) {
                timeline_->handed(session_, draining_[k].seq, thread_, now);
                written_seqs_.push_back(draining_[k].seq);
              }
          }
        }
        for (; next_member_ < member_count(); ++next_member_) {
          if (delivered_in_slice_ >= kDeliveriesPerSlice) return continue_later();
          const auto& m = member(next_member_);
          for (size_t k = next_op_; k < run_end; ++k) {
            const Op& o = draining_[k];
            if (o.kind == Kind::broadcast ? reaches(o.to, m.info) : o.peer == m.peer) deliver(*m.peer, o.frame, o.counted);
          }
          ++delivered_in_slice_;
        }
        next_member_ = 0;
        run_begun_ = false;
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

size_t RoomShard::run_end_from(size_t first) const {
  // Sends are looked at by every member of the run's pass: a few acks, not a join burst.
  constexpr size_t kMostSendsInRun = 16;
  size_t end = first + 1, sends = 0;
  for (; end < draining_.size(); ++end) {
    const Kind k = draining_[end].kind;
    if (k == Kind::send && sends < kMostSendsInRun) {
      ++sends;
      continue;
    }
    if (k != Kind::broadcast) break;
  }
  return end;
}

void RoomShard::continue_later() {
  // Written before going on: the writes of this slice complete (and free their memory)
  // before the next slice starts, and other connections' reads get a turn in between.
  flush_slice();
  post_drain();
}

void RoomShard::forget_members() {
  staff_.clear();
  audience_.clear();
  to_flush_.clear();
  draining_.clear();
  next_op_ = next_member_ = 0;
  run_begun_ = false;
  std::lock_guard lock(mutex_);
  inbox_.clear();
}

}  // namespace yst
