#pragma once
// The figures a room shows besides its events: who is online (presence), the peak
// audience, upvote counts and vote tallies. They change far more often than anyone needs
// to see them, so the room notes what changed and sends the latest values on a tick:
// staff on every tick, the audience spaced out as it grows, presence at most once a
// second. No timer here: the room runs the tick while pending() says there is more to send.
// Used on the room's strand only.
#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "server/Peer.hpp"
#include "server/RoomShard.hpp"
#include "session/Session.hpp"

namespace yst {

class LiveFigures {
 public:
  static constexpr std::chrono::milliseconds kTick{200};  // live figures at most 5 times a second

  // `participant` matters for staff only: the host page shows who of them is connected.
  void joined(Role role, const std::string& participant = {});
  void left(Role role, const std::string& participant = {});
  void question_changed(const std::string& question_id) { questions_for_staff_.insert(question_id); }
  void point_changed(const std::string& point_id) { points_for_staff_.insert(point_id); }

  // In a cluster, the connections to other nodes: counted in online() and
  // staff_online() like this node's own.
  void set_remote(const std::array<int, kRoleCount>& online, const std::vector<std::string>& staff);
  int online(Role role) const { return online_[static_cast<int>(role)] + remote_online_[static_cast<int>(role)]; }
  int local_online(Role role) const { return online_[static_cast<int>(role)]; }
  std::vector<std::string> local_staff() const;
  json online_json() const;
  // The staff participants with at least one connection, by id (extension of presence).
  json staff_online_json() const;
  std::vector<std::string> staff_online() const;
  int peak_audience() const { return peak_audience_; }
  // Start-up: the peak storage holds.
  void restore_peak_audience(int peak) { peak_audience_ = peak_audience_stored_ = peak; }
  // The peak to store with the end of the session; from now on it counts as stored.
  int take_peak_audience_for_end() { return peak_audience_stored_ = peak_audience_; }

  using Broadcast = std::function<void(const Frame&, Audience)>;
  // Sends what is due on this tick, reading the figures from `committed`. Returns the
  // peak audience when it rose since it was last stored and is due to be stored now.
  std::optional<int> tick(const Session& committed, const Broadcast& broadcast);
  // Something waits for a later tick.
  bool pending() const {
    return presence_dirty_ || !questions_for_staff_.empty() || !points_for_staff_.empty() ||
           !questions_for_audience_.empty() || !points_for_audience_.empty();
  }

 private:
  void send_figures(const Session& committed, const std::set<std::string>& questions,
                    const std::set<std::string>& points, Audience to, const Broadcast& broadcast) const;

  int ticks_ = 0;
  std::array<int, kRoleCount> online_{};
  std::map<std::string, int> staff_connections_;  // participant id → open connections
  std::array<int, kRoleCount> remote_online_{};
  std::set<std::string> remote_staff_;
  bool presence_dirty_ = false;
  int peak_audience_ = 0;
  int peak_audience_stored_ = 0;
  std::set<std::string> questions_for_staff_;  // changed since the last tick
  std::set<std::string> points_for_staff_;
  std::set<std::string> questions_for_audience_;  // changed since the audience last saw them
  std::set<std::string> points_for_audience_;
  int last_audience_figures_tick_ = 0;
};

}  // namespace yst
