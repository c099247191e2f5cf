#include "server/LiveFigures.hpp"

#include <algorithm>

namespace yst {

namespace {
constexpr int kTicksPerPresence = 5;          // presence at most once a second
constexpr int kAudiencePerFigureTick = 1000;  // audience connections per tick between their live figures

Frame upvotes_frame(const std::string& question_id, const Question& q) {
  return make_frame(json{{"type", "upvotes"}, {"question", question_id}, {"count", q.upvotes()}}.dump());
}
Frame tally_frame(const std::string& point_id, const Point& p, const Settings& settings) {
  return make_frame(json{{"type", "tally"}, {"point", point_id}, {"tally", p.tally.to_json(settings)}}.dump());
}
}  // namespace

void LiveFigures::joined(Role role, const std::string& participant) {
  ++online_[static_cast<int>(role)];
  if (is_staff(role) && !participant.empty()) ++staff_connections_[participant];
  if (role == Role::audience && online(role) > peak_audience_) peak_audience_ = online(role);
  presence_dirty_ = true;
}

void LiveFigures::left(Role role, const std::string& participant) {
  --online_[static_cast<int>(role)];
  if (auto it = staff_connections_.find(participant); is_staff(role) && it != staff_connections_.end())
    if (--it->second <= 0) staff_connections_.erase(it);
  presence_dirty_ = true;
}

json LiveFigures::online_json() const {
  json o = json::object();
  for (Role r : kAllRoles) o[std::string(to_string(r))] = online(r);
  return o;
}

void LiveFigures::set_remote(const std::array<int, kRoleCount>& online, const std::vector<std::string>& staff) {
  std::set<std::string> staff_set(staff.begin(), staff.end());
  if (online == remote_online_ && staff_set == remote_staff_) return;
  remote_online_ = online;
  remote_staff_ = std::move(staff_set);
  peak_audience_ = std::max(peak_audience_, this->online(Role::audience));
  presence_dirty_ = true;
}

std::vector<std::string> LiveFigures::local_staff() const {
  std::vector<std::string> ids;
  for (const auto& [participant, connections] : staff_connections_) ids.push_back(participant);
  return ids;
}

std::vector<std::string> LiveFigures::staff_online() const {
  std::set<std::string> ids(remote_staff_);
  for (const auto& [participant, connections] : staff_connections_) ids.insert(participant);
  return {ids.begin(), ids.end()};
}

json LiveFigures::staff_online_json() const { return json(staff_online()); }

void LiveFigures::send_figures(const Session& committed, const std::set<std::string>& questions,
                               const std::set<std::string>& points, Audience to, const Broadcast& broadcast) const {
  for (const auto& qid : questions) {
    const Question* q = committed.question(qid);
    // A question still in moderation has no audience.
    if (q && (to != Audience::audience || q->made_public)) broadcast(upvotes_frame(qid, *q), to);
  }
  for (const auto& pid : points)
    if (const Point* p = committed.point(pid)) broadcast(tally_frame(pid, *p, committed.info().settings), to);
}

std::optional<int> LiveFigures::tick(const Session& committed, const Broadcast& broadcast) {
  ++ticks_;
  send_figures(committed, questions_for_staff_, points_for_staff_, Audience::staff, broadcast);
  questions_for_audience_.merge(questions_for_staff_);
  points_for_audience_.merge(points_for_staff_);
  questions_for_staff_.clear();
  points_for_staff_.clear();

  // The audience's figures are spaced out as it grows (5 a second up to 1999 phones,
  // then one tick in audience/1000, at least once a second), so a figure costs at most
  // about 5000 sends a second: with 5000 phones a storm of votes would otherwise make
  // 10 000 sends every 200 ms.
  const int audience_every = std::clamp(online(Role::audience) / kAudiencePerFigureTick, 1, kTicksPerPresence);
  if (ticks_ - last_audience_figures_tick_ >= audience_every) {
    send_figures(committed, questions_for_audience_, points_for_audience_, Audience::audience, broadcast);
    if (!questions_for_audience_.empty() || !points_for_audience_.empty()) last_audience_figures_tick_ = ticks_;
    questions_for_audience_.clear();
    points_for_audience_.clear();
  }

  if (ticks_ % kTicksPerPresence != 0 || !presence_dirty_) return std::nullopt;
  presence_dirty_ = false;
  // Staff also learn who of them is connected; the phones need only the counts.
  json presence{{"type", "presence"}, {"online", online_json()}};
  broadcast(make_frame(presence.dump()), Audience::audience);
  presence["participants"] = staff_online_json();
  broadcast(make_frame(presence.dump()), Audience::staff);
  if (peak_audience_ <= peak_audience_stored_) return std::nullopt;
  peak_audience_stored_ = peak_audience_;
  return peak_audience_;
}

}  // namespace yst
