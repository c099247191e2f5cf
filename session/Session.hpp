#pragma once
// The consultation domain: one session's state and the rules that change it.
// Pure C++: no sockets, no SQL, no clock (the caller passes the time), so tests drive
// it directly. Not thread-safe: the server touches a Session from one strand only.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "session/Event.hpp"
#include "session/Request.hpp"
#include "session/Tally.hpp"
#include "session/Types.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

class WordFilter;

struct Question {
  std::string id;
  std::string text;
  std::string name;
  std::string asker;
  QuestionStatus status = QuestionStatus::pending;
  bool flagged = false;
  bool made_public = false;  // the audience was told of it (question.approved)
  std::string merged_into;   // set once folded into another question
  // Who upvoted, as numbers from the session's VoterTable, sorted: an upvote costs four
  // bytes here instead of a string in a hash set (a long programme holds thousands).
  std::vector<uint32_t> upvoters;
  int upvotes() const { return static_cast<int>(upvoters.size()); }
  bool upvoted_by(uint32_t voter) const;
  void add_upvoter(uint32_t voter);
  void add_upvoters(const std::vector<uint32_t>& others);
};

// Each participant who has upvoted, numbered once per session.
class VoterTable {
 public:
  uint32_t number(const std::string& participant);
  std::optional<uint32_t> find(const std::string& participant) const;

 private:
  std::unordered_map<std::string, uint32_t> numbers_;
};

struct Point {
  std::string id;
  std::string text;
  bool open = true;
  std::string outcome;  // adopted / not_adopted once closed
  Tally tally;          // from the votes, as they come
  json closed_tally;    // as point.closed announced it (null while open): what the record says
  std::unordered_map<std::string, std::pair<Role, Choice>> votes;  // by participant
};

// Who holds the floor, and for how long when the host gave a time budget.
struct Floor : Actor {
  std::optional<int> seconds;
  std::optional<int64_t> until_ms;
  bool overrun = false;  // floor.overrun was announced for this grant
};

// A raised hand in the speaking queue.
struct Hand {
  std::string participant;
  std::string name;
  Role role = Role::member;
  std::string note;
  int64_t at_ms = 0;
};

// The minutes' sign-off: the clerk submits, the host approves.
struct Approval {
  std::optional<int64_t> submitted_ms;
  std::optional<int64_t> approved_ms;
  std::optional<Actor> approved_by;
  std::string head;  // the chain hash the latest of the two covers
  std::string_view status() const { return approved_ms ? "approved" : submitted_ms ? "submitted" : "draft"; }
};

// 承诺事项: what a department committed to, and how far it has got since.
struct Commitment {
  std::string id;
  std::string text;
  std::string department;       // the department participant's id
  std::string department_name;
  std::string due;              // YYYY-MM-DD or empty
  std::string question;         // the question it answers, or empty
  std::string status = "open";  // open until its first update, then in_progress or done
  std::string progress;         // the latest update's text
  int64_t made_ms = 0;
  std::optional<int64_t> updated_ms;
  // Past its due date (`today` is the server's local date, YYYY-MM-DD) and not done.
  bool overdue(std::string_view today) const { return !due.empty() && !today.empty() && due < today && status != "done"; }
};

// The clerk's text of the case report (协商案例); the latest of each section wins.
struct CaseText {
  std::string background;
  std::string lessons;
};

// Who besides staff may see an event: everyone, or just the asker of its question.
struct Reach {
  bool everyone = false;
  std::string asker;  // a participant id, or empty
};

// Upvotes and votes are not events (the contract reports them as live figures), but
// they are stored as durably as events are.
struct Upvote {
  std::string question;
  std::string voter;  // participant id; audience ids derive from client_id
};
struct Vote {
  std::string point;
  std::string voter;
  Role role = Role::audience;
  Choice choice = Choice::abstain;
};

// Everything one accepted request changes, in the order it is stored.
struct Changes {
  std::vector<Event> events;
  std::vector<Upvote> upvotes;
  std::vector<Vote> votes;
  bool empty() const { return events.empty() && upvotes.empty() && votes.empty(); }
};

struct Caller {
  std::string participant;
  Role role = Role::audience;
  std::string name;
};

struct Outcome {
  std::optional<Error> error;
  Changes changes;
  json ack = json::object();  // extra fields of the ack (seq is added by the server)
};

// May a role make this request at all (the contract's "who" column)?
bool role_may(Role role, RequestType type, const Settings& settings);

class Session {
 public:
  explicit Session(SessionInfo info);

  const SessionInfo& info() const { return info_; }
  Status status() const { return status_; }
  int64_t last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }
  std::optional<int64_t> started_ms() const { return started_ms_; }
  std::optional<int64_t> ended_ms() const { return ended_ms_; }

  void add_participant(Participant p);
  // An edit by the admin (a typo in a name, a title): what was said stays as it was said.
  void update_participant(const Participant& p);
  void set_info(SessionInfo info) { info_ = std::move(info); }
  const Participant* participant(const std::string& id) const;
  const std::vector<Participant>& participants() const { return participants_; }

  const Question* question(const std::string& id) const;
  const Point* point(const std::string& id) const;
  const std::deque<Question>& questions() const { return questions_; }
  const std::vector<Point>& points() const { return points_; }
  const std::optional<std::string>& featured() const { return featured_; }
  const std::optional<Floor>& floor() const { return floor_; }
  const std::vector<Hand>& hands() const { return hands_; }
  std::optional<int64_t> on_air_ms() const { return on_air_ms_; }
  const Approval& approval() const { return approval_; }
  const std::vector<Commitment>& commitments() const { return commitments_; }
  const Commitment* commitment(const std::string& id) const;
  const CaseText& case_text() const { return case_text_; }
  // The time origin of timecodes: the moment the picture went live, else the start.
  std::optional<int64_t> timecode_origin_ms() const { return on_air_ms_ ? on_air_ms_ : started_ms_; }

  // Decides a request. On success the changes are already applied to this state; the
  // caller stores them and applies them to its committed copy once they are durable.
  Outcome handle(const Request& r, const Caller& caller, int64_t now_ms, const WordFilter* filter = nullptr);
  // floor.overrun, once, when the floor's time budget has run out by `now_ms`; the
  // server calls it on its tick while someone holds the floor with a budget.
  Changes expire_floor(int64_t now_ms);
  // Who may see an event, judged against the state it was applied to.
  Reach reach(const Event& e) const;

  // The one set of rules that replays an event onto the state: the live session, a
  // session loaded at start and the minutes all go through it. Tolerant of data this
  // code would not have produced (an unknown kind is skipped, a missing field is empty).
  void apply(const Event& e);
  void apply(const Upvote& u);
  void apply(const Vote& v);
  void apply(const Changes& c);

  // The snapshot of `welcome` (without `online`, which the server adds). The audience
  // sees only questions that were made public. `today` (the server's local date,
  // YYYY-MM-DD) decides which commitments are overdue.
  json snapshot(Role viewer, std::string_view today = {}) const;
  // The caller's own state for `welcome`'s `you`: votes, upvotes, and an audience
  // member's own questions whatever their status.
  json you_json(const Caller& caller) const;
  json question_json(const Question& q) const;
  json point_json(const Point& p) const;
  json participants_json() const;
  static json commitment_json(const Commitment& c, std::string_view today);

  // Audience participant ids are derived from (session, client_id), so a reconnect or a
  // second tab is the same participant and nothing has to be stored to join.
  static std::string audience_participant_id(const std::string& session_id, const std::string& client_id);

 private:
  struct Decision {
    const Request& request;
    const Caller& caller;
    int64_t now_ms;
  };
  Outcome decide_start(const Decision& d);
  Outcome decide_end(const Decision& d);
  Outcome decide_say(const Decision& d);
  Outcome decide_ask(const Decision& d, const WordFilter* filter);
  Outcome decide_upvote(const Decision& d);
  Outcome decide_moderate(const Decision& d);
  Outcome decide_merge(const Decision& d);
  Outcome decide_raise_hand(const Decision& d);
  Outcome decide_lower_hand(const Decision& d);
  Outcome decide_floor(const Decision& d);
  Outcome decide_on_air(const Decision& d);
  Outcome decide_submit_minutes(const Decision& d);
  Outcome decide_approve_minutes(const Decision& d);
  Outcome decide_propose(const Decision& d);
  Outcome decide_vote(const Decision& d);
  Outcome decide_close_point(const Decision& d);
  Outcome decide_note(const Decision& d);
  Outcome decide_commit(const Decision& d);
  Outcome decide_update_commitment(const Decision& d);
  Outcome decide_case_text(const Decision& d);
  void apply_commitment(EventKind kind, const Event& e);
  json closing_data(const Point& p) const;
  void unfeature_current(const Decision& d, std::vector<Event>& out);
  const Hand* hand_of(const std::string& participant) const;

  void apply_question(EventKind kind, const Event& e);
  void apply_floor(EventKind kind, const Event& e);
  Event make_event(int64_t now_ms, EventKind kind, const Caller* by, json data);
  Question* find_question(const std::string& id);
  Point* find_point(const std::string& id);

  SessionInfo info_;
  Status status_ = Status::scheduled;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  std::optional<int64_t> started_ms_;
  std::optional<int64_t> ended_ms_;
  std::vector<Participant> participants_;
  std::unordered_map<std::string, size_t> participant_index_;
  // A deque: a vector's doubling would hold the old and the new block at once and leave
  // the old one free, a step of a megabyte in RSS near every power of two of questions
  // (the soak saw it).
  std::deque<Question> questions_;
  std::unordered_map<std::string, size_t> question_index_;
  VoterTable voters_;
  std::vector<Point> points_;
  std::unordered_map<std::string, size_t> point_index_;
  std::optional<std::string> featured_;
  std::optional<Floor> floor_;
  std::vector<Hand> hands_;
  std::optional<int64_t> on_air_ms_;
  Approval approval_;
  std::vector<Commitment> commitments_;
  std::unordered_map<std::string, size_t> commitment_index_;
  CaseText case_text_;
  std::unordered_map<std::string, int64_t> last_ask_ms_;  // audience ask interval, by participant
};

}  // namespace yst
